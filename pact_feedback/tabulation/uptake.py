"""The whole uptake picture for one wave, assembled from the pure tables (no database)."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from pact_feedback.tabulation.breakdowns import (
    BREAKDOWNS,
    Breakdowns,
    add_groups,
    answer_ids,
    count_ids,
    group_labels,
    shown_parts,
    withheld_hierarchy,
)
from pact_feedback.tabulation.tables import (
    choice_table,
    headline,
    latest_counts,
    mentions_table,
    movements,
    response_summary,
)

HEADLINE_CODES = ("discussed", "used_for_qi")


@dataclass
class Uptake:
    wave: int
    summary: dict
    tables: dict = field(default_factory=dict)  # question code -> choice table
    headlines: dict = field(default_factory=dict)  # question code -> sentence
    # (question code, group column) -> frame, each built when first read (Breakdowns)
    breakdowns: Breakdowns = field(default_factory=Breakdowns)
    movements: dict = field(default_factory=dict)  # question code -> crosstab (previous wave)
    movement_from: int | None = None  # the previous wave the movements start from
    latest: dict = field(default_factory=dict)  # question code -> counts of latest status


def tabulate(
    sent: pd.DataFrame,
    answers: pd.DataFrame,
    wave: int,
    questions: dict[str, list[tuple[str, str]]],
    role_labels: dict | None = None,
    multiple: dict[str, list[tuple[str, str]]] | None = None,
) -> Uptake:
    """Uptake for `wave`: `sent` from queries.sent_frame, `answers` from queries.answers_frame,
    `questions` maps the one-choice question codes to tabulate to their (code, label) choices,
    `multiple` the several-answers ones (answers are lists; tabulated as mentions only)."""
    this_wave = answers[answers["wave"] == wave]
    result = Uptake(wave=wave, summary=response_summary(len(sent), len(this_wave)))
    groups = add_groups(sent).merge(this_wave, on="practice_id", how="inner")
    # Each breakdown column's groups are worked out once, for every question.
    labelled = {by: group_labels(groups[by]) for by in BREAKDOWNS if by in groups}
    numbered = {by: pd.factorize(labels) for by, labels in labelled.items()}
    choice_codes = {code: [c for c, _ in choices] for code, choices in questions.items()}
    earlier = sorted(w for w in answers["wave"].unique() if w < wave)
    if earlier and questions:
        result.movement_from = int(earlier[-1])
        result.movements = movements(answers, choice_codes, result.movement_from, wave)
    latest = latest_counts(answers, wave, choice_codes)
    for code, choices in questions.items():
        table = choice_table(this_wave[code], choices)
        result.tables[code] = table
        if code in HEADLINE_CODES:
            result.headlines[code] = headline(code, table)
        given = answer_ids(groups[code].to_numpy(dtype=object))
        counts = {
            by: count_ids(
                numbered[by],
                given,
                by,
                choice_codes[code],
                role_labels if by == "respondent_role" else None,
            )
            for by in BREAKDOWNS
            if by != code or by in ("nation", "region")
        }
        nations, regions = _nations_and_regions(labelled, numbered["region"], given, counts)
        for by in (b for b in BREAKDOWNS if b != code):  # not a question by its own answer
            withheld = {"nation": nations, "region": regions}.get(by)
            result.breakdowns[(code, by)] = shown_parts(counts[by], choice_codes[code], withheld)
        result.latest[code] = latest[code]
    for code, choices in (multiple or {}).items():
        result.tables[code] = mentions_table(this_wave[code], choices)
    return result


def nations_and_regions(groups: pd.DataFrame, code: str, choices) -> tuple:
    """Nations and regions withheld together (`withheld_hierarchy`) for question `code`."""
    labelled = {by: group_labels(groups[by]) for by in ("nation", "region")}
    given = answer_ids(groups[code].to_numpy(dtype=object))
    codes = [c for c, _ in choices]
    numbered = {by: pd.factorize(labels) for by, labels in labelled.items()}
    counts = {by: count_ids(numbered[by], given, by, codes) for by in labelled}
    return _nations_and_regions(labelled, numbered["region"], given, counts)


def _nations_and_regions(labelled: dict, regions: tuple, given: tuple, counts: dict) -> tuple:
    """`nations_and_regions` from the groups' labels, the regions' `pd.factorize`,
    `answer_ids` and their `count_ids`."""
    parent_of = _parent_of(labelled["nation"], regions, given[0])
    return withheld_hierarchy(counts["nation"].sizes(), counts["region"].sizes(), parent_of)


def _parent_of(nations: np.ndarray, regions: tuple, answered: np.ndarray) -> dict:
    """Each region's nation, as the last practice that answered in that region has it (every
    region has one nation: add_groups names a missing region within its nation). Looked up in
    arrays: a dict built row by row for every question was most of the withholding's cost."""
    region_of, names = regions
    rows = np.flatnonzero(answered)
    ids = region_of[rows][::-1]
    present, last_from_end = np.unique(ids, return_index=True)
    last = rows[len(rows) - 1 - last_from_end]
    return dict(zip(names[present].tolist(), nations[last].tolist(), strict=True))


def export_rows(study_slug: str, uptake: Uptake) -> pd.DataFrame:
    """The choice tables as one long frame for CSV: a row per question and answer."""
    frames = []
    for code, table in uptake.tables.items():
        frame = table.reset_index().rename(columns={"code": "answer"})
        frame.insert(0, "question", code)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    out.insert(0, "wave", uptake.wave)
    out.insert(0, "study", study_slug)
    out["n_sent"] = uptake.summary["n_sent"]
    for column in ("percent", "ci_low", "ci_high"):
        out[column] = out[column].round(1)
    return out


def practice_table(sent: pd.DataFrame, answers: pd.DataFrame, accesses: pd.DataFrame, wave: int):
    """One row per practice sent a report: its report views and downloads beside its answers.

    `sent`: practice_id, ods_code (and more); `answers`: practice_id, wave and answer columns;
    `accesses`: practice_id, views, downloads. Returns columns ods_code, views, downloads,
    answered (bool), then the answer columns for `wave`, sorted by ods_code.
    """
    this_wave = answers[answers["wave"] == wave].drop(columns="wave")
    table = sent[["practice_id", "ods_code"]].merge(accesses, on="practice_id", how="left")
    table[["views", "downloads"]] = table[["views", "downloads"]].fillna(0).astype(int)
    table = table.merge(this_wave, on="practice_id", how="left", indicator=True)
    codes = [c for c in this_wave.columns if c != "practice_id"]
    table[codes] = table[codes].astype(object).where(table[codes].notna(), None)
    table.insert(4, "answered", table.pop("_merge") == "both")
    return table.drop(columns="practice_id").sort_values("ods_code").reset_index(drop=True)
