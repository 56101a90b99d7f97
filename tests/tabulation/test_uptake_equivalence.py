"""The uptake tabulation counts every breakdown in one pass, matches waves once for all
questions and builds each table in one frame (issue 22, for speed). These tests hold it to the
straightforward computation it replaced, kept here as the reference: one pandas groupby per
question and breakdown, one crosstab per question, one sort per question for the latest
answers, answer tables built column by column, small groups withheld with pandas operations on
each table. On random rounds with small groups (so
withholding is exercised), missing and unexpected answers, two role codes sharing a label,
missing regions, nations, list sizes and deciles, answers as Python objects or as pandas'
string dtype, every table must be identical: values, dtypes, index, names."""

import math
import random
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from pact_feedback.tabulation.breakdowns import (
    BREAKDOWNS,
    MIN_GROUP,
    NOT_ANSWERED,
    _in_order,
    _withheld_siblings,
    add_groups,
    breakdown,
    group_counts,
    withheld_hierarchy,
)
from pact_feedback.tabulation.tables import (
    YES_OR_PLANNING,
    choice_table,
    headline,
    largest_remainder,
    latest_counts,
    latest_status,
    mentions_table,
    movement,
    response_summary,
    wilson_interval,
)
from pact_feedback.tabulation.uptake import HEADLINE_CODES, nations_and_regions, tabulate

YES_NO = [("yes", "Yes"), ("planning", "Planning to"), ("no", "No")]
SCALE = [(str(n), str(n)) for n in range(1, 6)]
ROLES = [("practice_manager", "Practice manager"), ("gp_partner", "GP partner"), ("nurse", "Nurse")]
ROLE_LABELS = {"practice_manager": "Practice manager", "gp_partner": "GP", "nurse": "GP"}
QUESTIONS = {"discussed": YES_NO, "used_for_qi": YES_NO, "useful": SCALE, "respondent_role": ROLES}
MULTIPLE = {"seen_by": [("only_me", "Only me"), ("pcn", "Our PCN")]}
NATIONS = ["England", "Scotland", "Wales", "Northern Ireland"]


# The reference: the tabulation as it was before issue 22 ------------------------------------


def ref_unsafe(sizes, withheld):
    n = int(withheld.sum())
    return n > 0 and (n == 1 or int(sizes[withheld].sum()) <= n)


def ref_withheld_siblings(sizes, forced=()):
    withheld = (sizes < MIN_GROUP) | sizes.index.isin(list(forced))
    while ref_unsafe(sizes, withheld) and (~withheld).any():
        withheld[sizes[~withheld].sort_values(kind="stable").index[0]] = True
    if ref_unsafe(sizes, withheld):
        withheld[:] = True
        return withheld, False
    return withheld, True


def ref_withheld_hierarchy(parents, children, parent_of):
    forced = set()
    while True:
        nations, _ = ref_withheld_siblings(parents, forced)
        listed = children[[not nations.get(parent_of[r], False) for r in children.index]]
        regions = pd.Series(False, index=listed.index, dtype=bool)
        unprotected = set()
        for nation, siblings in listed.groupby(lambda r: parent_of[r]):
            regions[siblings.index], safe = ref_withheld_siblings(siblings)
            if not safe:
                unprotected.add(nation)
        if not unprotected:
            return nations, regions
        forced |= unprotected


def ref_group_counts(frame, by, code, choices, labels=None):
    data = frame[[by, code]].dropna(subset=[code])
    groups = data[by].astype(object).where(data[by].notna(), NOT_ANSWERED)
    codes = [c for c, _ in choices]
    counts = (
        data.groupby([groups, data[code]]).size().unstack(fill_value=0)
        if len(data)
        else pd.DataFrame()
    )
    counts = counts.reindex(columns=codes, fill_value=0)
    counts.index = [(labels or {}).get(g, g) for g in counts.index]
    counts = counts.groupby(level=0).sum()
    table = pd.DataFrame(index=counts.index)
    table["n_responded"] = counts.sum(axis=1)
    for c in codes:
        table[f"n_{c}"] = counts[c]
    table.index.name = by
    return _in_order(table.sort_index(), by)


def ref_breakdown(frame, by, code, choices, labels=None, *, withheld=None):
    table = ref_group_counts(frame, by, code, choices, labels)
    codes = [c for c, _ in choices]
    counts = table[[f"n_{c}" for c in codes]]
    shares = [largest_remainder(list(row)) for row in counts.itertuples(index=False)]
    for i, c in enumerate(codes):
        table[f"pct_{c}"] = [share[i] for share in shares]
    if withheld is None:
        withheld, _ = ref_withheld_siblings(table["n_responded"])
    table = table.loc[table.index.isin(withheld.index)]
    table["withheld"] = withheld.reindex(table.index).astype(bool)
    shown_columns = [col for col in table.columns if col.startswith(("n_", "pct_"))]
    table = table.astype({col: "Int64" for col in shown_columns})
    table.loc[table["withheld"], shown_columns] = pd.NA
    whole = bool(len(table)) and bool(table["withheld"].all())
    if whole:
        table = table.iloc[0:0]
    table.attrs["withheld_whole"] = whole
    return table


def ref_movement(answers, code, from_wave, to_wave, codes):
    before = answers[answers["wave"] == from_wave].set_index("practice_id")[code].dropna()
    after = answers[answers["wave"] == to_wave].set_index("practice_id")[code].dropna()
    both = pd.DataFrame({"before": before, "after": after}).dropna()
    counts = pd.crosstab(both["before"], both["after"])
    return counts.reindex(index=codes, columns=codes, fill_value=0).astype(int)


def ref_latest(answers, wave, code, codes):
    status = latest_status(answers[answers["wave"] <= wave], code)
    return status["status"].value_counts().reindex(codes, fill_value=0)


def ref_nations_and_regions(groups, code, choices):
    nations = ref_group_counts(groups, "nation", code, choices)["n_responded"]
    regions = ref_group_counts(groups, "region", code, choices)["n_responded"]
    answered = groups.dropna(subset=[code])
    nation = answered["nation"].astype(object).where(answered["nation"].notna(), NOT_ANSWERED)
    parent_of = dict(zip(answered["region"], nation, strict=True))
    return ref_withheld_hierarchy(nations, regions, parent_of)


def ref_choice_table(answers, choices):
    values = answers.to_numpy(dtype=object)
    answered = values[pd.notna(values)]
    n_responded = int(len(answered))
    counts = Counter(answered.tolist())
    codes = [code for code, _ in choices]
    rows = [(code, label, int(counts.get(code, 0))) for code, label in choices]
    shown = largest_remainder([n for _, _, n in rows])
    if "yes" in codes and "planning" in codes:
        both = int(counts.get("yes", 0) + counts.get("planning", 0))
        yes_shown = shown[codes.index("yes")] + shown[codes.index("planning")]
        rows.append((YES_OR_PLANNING, "Yes or planning to", both))
        shown.append(yes_shown)
    table = pd.DataFrame(rows, columns=["code", "label", "n"]).set_index("code")
    table["n_responded"] = n_responded
    table["percent"] = table["n"] / n_responded * 100 if n_responded else math.nan
    table["percent_shown"] = shown
    bounds = [wilson_interval(n, n_responded) for n in table["n"]]
    table["ci_low"] = [low * 100 for low, _ in bounds]
    table["ci_high"] = [high * 100 for _, high in bounds]
    return table


def ref_mentions_table(answers, choices):
    answered = [a for a in answers if isinstance(a, list) and a]
    n_responded = len(answered)
    rows = [(code, label, sum(code in a for a in answered)) for code, label in choices]
    table = pd.DataFrame(rows, columns=["code", "label", "n"]).set_index("code")
    table["n_responded"] = n_responded
    table["percent"] = table["n"] / n_responded * 100 if n_responded else math.nan
    table["percent_shown"] = [round(p) if n_responded else 0 for p in table["percent"]]
    bounds = [wilson_interval(n, n_responded) for n in table["n"]]
    table["ci_low"] = [low * 100 for low, _ in bounds]
    table["ci_high"] = [high * 100 for _, high in bounds]
    return table


def ref_tabulate(sent, answers, wave, questions, role_labels=None, multiple=None):
    this_wave = answers[answers["wave"] == wave]
    out = {"summary": response_summary(len(sent), len(this_wave)), "tables": {}}
    out |= {"headlines": {}, "breakdowns": {}, "movements": {}, "latest": {}}
    out["movement_from"] = None
    groups = add_groups(sent).merge(this_wave, on="practice_id", how="inner")
    for code, choices in questions.items():
        table = ref_choice_table(this_wave[code], choices)
        out["tables"][code] = table
        if code in HEADLINE_CODES:
            out["headlines"][code] = headline(code, table)
        nations, regions = ref_nations_and_regions(groups, code, choices)
        for by in (b for b in BREAKDOWNS if b != code):
            labels = role_labels if by == "respondent_role" else None
            withheld = {"nation": nations, "region": regions}.get(by)
            out["breakdowns"][(code, by)] = ref_breakdown(
                groups, by, code, choices, labels, withheld=withheld
            )
        codes = [c for c, _ in choices]
        earlier = sorted(w for w in answers["wave"].unique() if w < wave)
        if earlier:
            out["movement_from"] = int(earlier[-1])
            out["movements"][code] = ref_movement(answers, code, out["movement_from"], wave, codes)
        out["latest"][code] = ref_latest(answers, wave, code, codes)
    for code, choices in (multiple or {}).items():
        out["tables"][code] = ref_mentions_table(this_wave[code], choices)
    return out


# Random rounds ------------------------------------------------------------------------------


def _round(seed: int, *, strings: bool = False):
    """(sent, answers) of a random round: 0-40 practices, up to 3 waves, small groups."""
    rnd = random.Random(seed)
    n = rnd.choice([0, 1, 2, 3, 5, 8, 13, 25, 40])
    practices = []
    for pid in range(1, n + 1):
        nation = rnd.choice([*NATIONS[: rnd.randint(1, 4)], None]) if seed % 5 else "England"
        practices.append(
            (
                pid,
                f"P{pid:05d}",
                nation,
                rnd.choice([f"{nation} {rnd.randint(1, 3)}", None, ""]),
                rnd.choice([3000, 7000, 12000, 16000, None]),
                rnd.choice([*range(1, 11), None]),
            )
        )
    sent = pd.DataFrame(
        practices,
        columns=["practice_id", "ods_code", "nation", "region", "list_size", "imd_decile"],
    )
    for column in ("list_size", "imd_decile"):  # as read from the database: NaN when missing
        sent[column] = sent[column].astype(float) if sent[column].isna().any() else sent[column]

    def one(choices):
        return rnd.choice([c for c, _ in choices] + [None, None, "unexpected"])

    rows = []
    waves = rnd.sample([1, 2, 3], rnd.randint(1, 3))
    for wave in waves:
        for pid in range(1, n + 1):
            if rnd.random() < 0.75:
                rows.append(
                    (
                        pid,
                        wave,
                        *(one(choices) for choices in QUESTIONS.values()),
                        rnd.choice([None, [], ["only_me"], ["only_me", "pcn"]]),
                    )
                )
    rnd.shuffle(rows)  # the tabulation must not rely on the database's order
    columns = ["practice_id", "wave", *QUESTIONS, *MULTIPLE]
    answers = pd.DataFrame(rows, columns=columns)
    answers[["practice_id", "wave"]] = answers[["practice_id", "wave"]].astype(np.int64)
    if not strings:  # as queries.answers_frame gives them: Python objects, None when missing
        for code in QUESTIONS:
            answers[code] = pd.Series(
                np.array(answers[code].tolist(), dtype=object), index=answers.index, dtype=object
            )
    return sent, answers


SEEDS = range(24)


def _same_frame(new, old):
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert new.attrs == old.attrs


@pytest.mark.parametrize("strings", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_tabulate_matches_the_reference(seed, strings):
    sent, answers = _round(seed, strings=strings)
    compared = 0
    for wave in sorted(answers["wave"].unique()) if len(answers) else [1]:
        new = tabulate(sent, answers, int(wave), QUESTIONS, ROLE_LABELS, multiple=MULTIPLE)
        old = ref_tabulate(sent, answers, int(wave), QUESTIONS, ROLE_LABELS, multiple=MULTIPLE)
        assert new.summary.keys() == old["summary"].keys()
        for key, value in old["summary"].items():  # nan when no practice was sent a report
            assert new.summary[key] == value or (value != value and new.summary[key] != value)
        assert new.headlines == old["headlines"]
        assert new.movement_from == old["movement_from"]
        for part in ("tables", "breakdowns", "movements"):
            assert list(getattr(new, part)) == list(old[part]), part  # same order, too
            for key, frame in old[part].items():
                _same_frame(getattr(new, part)[key], frame)
                compared += 1
        assert list(new.latest) == list(old["latest"])
        for code, series in old["latest"].items():
            pd.testing.assert_series_equal(new.latest[code], series, check_exact=True)
    assert compared


@pytest.mark.parametrize("seed", SEEDS)
def test_breakdowns_and_counts_match_the_reference(seed):
    sent, answers = _round(seed)
    groups = add_groups(sent).merge(
        answers[answers["wave"] == answers["wave"].max()], on="practice_id"
    )
    for code, choices in QUESTIONS.items():
        assert [s.to_dict() for s in nations_and_regions(groups, code, choices)] == [
            s.to_dict() for s in ref_nations_and_regions(groups, code, choices)
        ]
        for by in (b for b in BREAKDOWNS if b != code):
            labels = ROLE_LABELS if by == "respondent_role" else None
            _same_frame(
                group_counts(groups, by, code, choices, labels),
                ref_group_counts(groups, by, code, choices, labels),
            )
            _same_frame(
                breakdown(groups, by, code, choices, labels),
                ref_breakdown(groups, by, code, choices, labels),
            )


@pytest.mark.parametrize("seed", SEEDS)
def test_movement_and_latest_match_the_reference(seed):
    _, answers = _round(seed)
    waves = sorted(answers["wave"].unique()) if len(answers) else []
    for code, choices in QUESTIONS.items():
        codes = [c for c, _ in choices]
        for before in waves:
            for after in waves:
                _same_frame(
                    movement(answers, code, before, after, codes),
                    ref_movement(answers, code, before, after, codes),
                )
    for wave in waves:
        latest = latest_counts(
            answers, wave, {c: [k for k, _ in ch] for c, ch in QUESTIONS.items()}
        )
        for code, choices in QUESTIONS.items():
            expected = ref_latest(answers, wave, code, [c for c, _ in choices])
            pd.testing.assert_series_equal(latest[code], expected, check_exact=True)


def test_the_random_rounds_exercise_withholding_and_unexpected_answers():
    """The comparisons above are only worth something if the rounds reach the hard cases."""
    seen = {"withheld": 0, "shown": 0, "whole": 0, "movement": 0}
    for seed in SEEDS:
        sent, answers = _round(seed)
        if not len(answers):
            continue
        wave = int(answers["wave"].max())
        result = tabulate(sent, answers, wave, QUESTIONS, ROLE_LABELS)
        for frame in result.breakdowns.values():
            seen["withheld"] += int(frame["withheld"].sum())
            seen["shown"] += int((~frame["withheld"]).sum())
            seen["whole"] += bool(frame.attrs["withheld_whole"])
        seen["movement"] += sum(int(m.values.sum()) for m in result.movements.values())
    assert all(seen.values()), seen


@pytest.mark.parametrize("seed", SEEDS)
def test_answer_tables_match_the_reference(seed):
    """Including the corners a page rarely meets: no answers, no choices, one choice."""
    rnd = random.Random(seed)
    for choices in ([], YES_NO[:1], YES_NO, SCALE, ROLES):
        n = rnd.choice([0, 1, 2, 7, 40])
        codes = [c for c, _ in choices] + [None, "unexpected"]
        one = pd.Series([rnd.choice(codes) for _ in range(n)], dtype=object)
        _same_frame(choice_table(one, choices), ref_choice_table(one, choices))
        several = pd.Series(
            [rnd.choice([None, [], *([c] for c in codes if c)]) for _ in range(n)], dtype=object
        )
        _same_frame(mentions_table(several, choices), ref_mentions_table(several, choices))


def _sizes(rnd, names, by):
    sizes = [rnd.choice([0, 1, 1, 2, 3, 3, 4, 5, 9]) for _ in names]
    return pd.Series(sizes, index=pd.Index(names, name=by), name="n_responded", dtype=np.int64)


def _withholding_case(seed):
    """Random sizes of a table's groups (with groups to force) and of nations and their
    regions: ties, single practices, empty tables, nations with no regions."""
    rnd = random.Random(seed)
    names = rnd.sample(["A", "B", "C", "D", "E", "F"], rnd.randint(0, 6))
    forced = set(rnd.sample(names, min(len(names), rnd.randint(0, 2))))
    nations = rnd.sample(NATIONS, rnd.randint(1, 4))
    parent_of = {f"{n} {i}": n for n in nations for i in range(rnd.randint(0, 4))}
    regions = list(parent_of)
    rnd.shuffle(regions)
    hierarchy = (_sizes(rnd, nations, "nation"), _sizes(rnd, regions, "region"), parent_of)
    return _sizes(rnd, names, "group"), forced, hierarchy


WITHHOLDING_SEEDS = range(200)


@pytest.mark.parametrize("seed", WITHHOLDING_SEEDS)
def test_withholding_matches_the_reference(seed):
    """The withholding rules worked on arrays decide exactly as the pandas ones did."""
    sizes, forced, hierarchy = _withholding_case(seed)
    new, new_safe = _withheld_siblings(sizes, forced)
    old, old_safe = ref_withheld_siblings(sizes, forced)
    pd.testing.assert_series_equal(new, old)
    assert new_safe == old_safe
    for new, old in zip(
        withheld_hierarchy(*hierarchy), ref_withheld_hierarchy(*hierarchy), strict=True
    ):
        pd.testing.assert_series_equal(new, old)


def test_the_withholding_cases_reach_the_hard_ones():
    """Unprotectable tables, and nations withheld though big enough (for a sibling, or for
    regions that cannot be protected)."""
    unprotectable = big_nation_withheld = 0
    for seed in WITHHOLDING_SEEDS:
        sizes, forced, (nations, regions, parent_of) = _withholding_case(seed)
        unprotectable += not ref_withheld_siblings(sizes, forced)[1]
        withheld, _ = ref_withheld_hierarchy(nations, regions, parent_of)
        big_nation_withheld += bool((withheld & (nations >= MIN_GROUP)).any())
    assert unprotectable and big_nation_withheld


@pytest.mark.parametrize("seed", SEEDS)
def test_breakdown_rows_from_arrays_are_the_frames_plain_rows(seed):
    """The statistics page reads each breakdown's rows from its arrays, never building the
    frame: the rows must be those of the frame (`plain_rows`), value for value and type for
    type, withheld groups and tables withheld whole included."""
    from pact_feedback.surveys.stats import plain_rows

    sent, answers = _round(seed)
    for wave in sorted(answers["wave"].unique()) if len(answers) else [1]:
        lazy = tabulate(sent, answers, int(wave), QUESTIONS, ROLE_LABELS, multiple=MULTIPLE)
        built = tabulate(sent, answers, int(wave), QUESTIONS, ROLE_LABELS, multiple=MULTIPLE)
        for key in lazy.breakdowns:
            rows, frame = lazy.breakdowns.rows(key, plain_rows), built.breakdowns[key]
            expected = plain_rows(frame)
            assert list(rows) == list(expected)
            for group, row in expected.items():
                assert [(type(v), v) for v in rows[group].values()] == [
                    (type(v), v) for v in row.values()
                ]
                assert list(rows[group]) == list(row)
            assert lazy.breakdowns.withheld_whole(key) == frame.attrs["withheld_whole"]
            assert built.breakdowns.rows(key, plain_rows) == expected  # a frame added as one
        assert list(lazy.breakdowns) == list(built.breakdowns)
