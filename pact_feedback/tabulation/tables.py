"""Uptake tables: counts, percentages adding to 100, Wilson intervals, movement between waves.

Pure functions: frames in, frames out. The frames come from `surveys.queries` (SQL first).
"""

import math
from collections import Counter
from itertools import repeat

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # the 97.5th centile of the standard normal distribution
YES_OR_PLANNING = "yes_or_planning"


def wilson_interval(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n, as proportions (nan, nan when n is 0).

    centre = (p + z²/2n) / (1 + z²/n); half-width = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n)
    """
    if n <= 0:
        return math.nan, math.nan
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def largest_remainder(counts: list[int], total: int = 100) -> list[int]:
    """Whole percentages of `counts` that add up to exactly `total` (Hamilton's method).

    Each share is rounded down; the points left over go to the largest remainders, earlier
    items first on a tie. All zeros when the counts are all zero.
    """
    whole = sum(counts)
    if whole <= 0:
        return [0] * len(counts)
    exact = [c * total / whole for c in counts]
    floors = [math.floor(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def choice_table(answers: pd.Series, choices: list[tuple[str, str]]) -> pd.DataFrame:
    """How many practices chose each answer to a one-choice question.

    `answers`: one value per responding practice (a choice code, or None when unanswered).
    Returns a frame indexed by choice code (in `choices` order, then `yes_or_planning` when the
    question has both `yes` and `planning`), columns: label, n, n_responded (practices that
    answered the question), percent (n / n_responded x 100, unrounded), percent_shown (whole
    numbers adding to 100 over the choices), ci_low, ci_high (Wilson 95%, percent).
    """
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
    return _answer_table(rows, n_responded, shown)


def mentions_table(answers: pd.Series, choices: list[tuple[str, str]]) -> pd.DataFrame:
    """How many practices ticked each answer of a several-answers question.

    `answers`: one list of choice codes per responding practice (None when unanswered). Same
    columns as `choice_table`; percentages are of the practices that answered and overlap, so
    percent_shown is each one rounded (they need not add to 100).
    """
    answered = [a for a in answers.to_numpy(dtype=object).tolist() if isinstance(a, list) and a]
    n_responded = len(answered)
    rows = [(code, label, sum(code in a for a in answered)) for code, label in choices]
    percent = [n / n_responded * 100 for _, _, n in rows] if n_responded else None
    shown = [round(p) for p in percent] if percent else [0] * len(rows)
    return _answer_table(rows, n_responded, shown)


def _answer_table(rows: list[tuple], n_responded: int, shown: list[int]) -> pd.DataFrame:
    """The frame of `choice_table` from its (code, label, n) rows, built in one go."""
    if not rows:  # no choices: the columns' types as the frame of no rows gives them
        table = pd.DataFrame(rows, columns=["code", "label", "n"]).set_index("code")
        table["n_responded"] = n_responded
        table["percent"] = table["n"] / n_responded * 100 if n_responded else math.nan
        table["percent_shown"] = shown
        table["ci_low"] = table["ci_high"] = []
        return table
    n = np.array([count for _, _, count in rows], dtype=np.int64)
    bounds = [wilson_interval(count, n_responded) for count in n.tolist()]
    return pd.DataFrame(
        {
            "label": [label for _, label, _ in rows],
            "n": n,
            "n_responded": np.full(len(rows), n_responded, dtype=np.int64),
            "percent": n / n_responded * 100 if n_responded else np.full(len(rows), math.nan),
            "percent_shown": np.array(shown, dtype=np.int64),
            "ci_low": [low * 100 for low, _ in bounds],
            "ci_high": [high * 100 for _, high in bounds],
        },
        index=pd.Index([code for code, _, _ in rows], name="code"),
    )


HEADLINES = {
    "discussed": (
        "{yes}% of participating practices have discussed their PACT practice report in a "
        "practice meeting (with a further {planning}% also planning to in the future)"
    ),
    "used_for_qi": (
        "{yes}% of participating practices then went on to use their PACT practice report for "
        "quality improvement, education, or practice learning (with a further {planning}% also "
        "planning to in the future)"
    ),
}


def headline(code: str, table: pd.DataFrame) -> str | None:
    """The published sentence for `discussed` or `used_for_qi`, from its choice table."""
    if code not in HEADLINES or not table["n_responded"].iloc[0]:
        return None
    shown = table["percent_shown"]
    return HEADLINES[code].format(yes=shown["yes"], planning=shown["planning"])


def response_summary(n_sent: int, n_responded: int) -> dict:
    """Denominators: practices sent a report, practices that answered, the response rate."""
    low, high = wilson_interval(n_responded, n_sent)
    rate = n_responded / n_sent * 100 if n_sent else math.nan
    return {
        "n_sent": n_sent,
        "n_responded": n_responded,
        "response_rate": rate,
        "ci_low": low * 100,
        "ci_high": high * 100,
    }


def latest_status(answers: pd.DataFrame, code: str) -> pd.DataFrame:
    """Each practice's most recent answer to `code`.

    `answers`: columns practice_id, wave, `code`. Returns a frame indexed by practice_id,
    columns wave (the latest wave the practice answered it in) and status (the answer).
    """
    given = answers.dropna(subset=[code]).sort_values(["practice_id", "wave"])
    latest = given.groupby("practice_id").tail(1).set_index("practice_id")
    return latest[["wave", code]].rename(columns={code: "status"})


def latest_counts(answers: pd.DataFrame, wave: int, questions: dict[str, list[str]]) -> dict:
    """How many practices give each answer as their latest (`latest_status`) up to `wave`, for
    each question code in `questions` (mapped to its choice codes): a Series of counts indexed
    by the choice codes. The answers are sorted once for all the questions."""
    waves = answers["wave"].to_numpy()
    upto = np.flatnonzero(waves <= wave)  # row numbers: no copy of the whole frame
    practice_ids = answers["practice_id"].to_numpy()[upto]
    order = np.lexsort((waves[upto], practice_ids))  # stable
    rows, practices = upto[order], practice_ids[order]
    out = {}
    for code, codes in questions.items():
        values = answers[code].to_numpy(dtype=object)[rows]
        given = pd.notna(values)
        ids, values = practices[given], values[given]
        last = np.append(ids[1:] != ids[:-1], True) if len(ids) else given[given]
        counts = Counter(values[last].tolist())
        out[code] = pd.Series(
            [counts.get(c, 0) for c in codes],
            index=pd.Index(codes, name="status"),
            name="count",
            dtype=np.int64,
        )
    return out


def movement(answers: pd.DataFrame, code: str, from_wave: int, to_wave: int, codes: list[str]):
    """How answers to `code` moved between two waves, for practices that answered both.

    Returns a square frame of counts: index = answer in `from_wave`, columns = answer in
    `to_wave`, both in `codes` order.
    """
    return movements(answers, {code: codes}, from_wave, to_wave)[code]


def movements(answers: pd.DataFrame, questions: dict[str, list[str]], from_wave: int, to_wave):
    """`movement` of each question code in `questions` (mapped to its choice codes), the two
    waves' practices matched once for all of them (a practice answers a wave once)."""
    waves, practices = answers["wave"].to_numpy(), answers["practice_id"].to_numpy()
    before, after = np.flatnonzero(waves == from_wave), np.flatnonzero(waves == to_wave)
    _, in_before, in_after = np.intersect1d(
        practices[before], practices[after], return_indices=True
    )
    before, after = before[in_before], after[in_after]  # row numbers of the same practices
    out = {}
    for code, codes in questions.items():
        values = answers[code].to_numpy(dtype=object)
        was, now = _choice_numbers(values[before], codes), _choice_numbers(values[after], codes)
        both = (was >= 0) & (now >= 0)  # -1: not answered, or not one of the choices
        n = len(codes)
        counts = np.bincount(was[both] * n + now[both], minlength=n * n).reshape(n, n)
        at = _choice_numbers(np.array(codes, dtype=object), codes)
        out[code] = pd.DataFrame(
            counts[np.ix_(at, at)].astype(np.int64),
            index=pd.Index(codes, name="before"),
            columns=pd.Index(codes, name="after"),
        )
    return out


def _choice_numbers(values: np.ndarray, codes: list[str]) -> np.ndarray:
    """The position in `codes` of each value (the first, where a code repeats), -1 for any
    other (unanswered included): a dict look-up each, where pandas' own `get_indexer` first
    turns a column of text into its string dtype, at more cost than the counting."""
    number: dict = {}
    for i, code in enumerate(codes):
        number.setdefault(code, i)
    return np.fromiter(map(number.get, values.tolist(), repeat(-1)), np.intp, count=len(values))
