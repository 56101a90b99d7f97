"""Uptake tables on hand-made frames: Wilson intervals, percentages adding to 100, headlines,
movement between waves and latest status."""

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pact_feedback.tabulation.tables import (
    choice_table,
    headline,
    largest_remainder,
    latest_status,
    movement,
    response_summary,
    wilson_interval,
)

CHOICES = [("yes", "Yes"), ("planning", "Not yet, but planning to"), ("no", "No")]
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_097fe29060f92a8c.txt"


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (21, 36, 0.4220, 0.7286),  # the value: 42.2% to 72.9%
        (0, 10, 0.0, 0.2775),  # Agresti & Coull's table; Wilson never goes below 0
        (10, 10, 0.7225, 1.0),
        (18, 36, 0.3447, 0.6553),  # symmetric about one half
        (1, 36, 0.0049, 0.1417),
    ],
)
def test_wilson_interval_matches_known_values(k, n, low, high):
    """Wilson 95% bounds agree with independently computed values to 4 decimals."""
    got_low, got_high = wilson_interval(k, n)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_without_answers_is_undefined():
    assert all(math.isnan(x) for x in wilson_interval(0, 0))


@given(st.lists(st.integers(0, 500), min_size=1, max_size=8))
def test_largest_remainder_adds_to_100_and_stays_close(counts):
    """Whole percentages add to exactly 100 (or all 0) and each is within 1 of the exact share."""
    shown = largest_remainder(counts)
    total = sum(counts)
    if total == 0:
        assert shown == [0] * len(counts)
        return
    assert sum(shown) == 100
    for count, pct in zip(counts, shown, strict=True):
        assert abs(pct - count * 100 / total) < 1


def _answers(yes, planning, no, missing=0):
    return pd.Series(["yes"] * yes + ["planning"] * planning + ["no"] * no + [None] * missing)


def test_choice_table_counts_percentages_and_yes_or_planning():
    """n / n_responded, % and Wilson bounds per answer, plus yes-or-planning; skips excluded."""
    table = choice_table(_answers(21, 14, 1, missing=2), CHOICES)
    assert list(table.index) == ["yes", "planning", "no", "yes_or_planning"]
    assert list(table["n"]) == [21, 14, 1, 35]
    assert set(table["n_responded"]) == {36}
    assert list(table["percent_shown"]) == [58, 39, 3, 97]
    assert table.loc["yes", "percent"] == pytest.approx(58.333, abs=1e-3)
    assert round(table.loc["yes", "ci_low"], 1) == 42.2
    assert round(table.loc["yes", "ci_high"], 1) == 72.9
    assert table.loc[["yes", "planning", "no"], "percent_shown"].sum() == 100


def test_published_headlines_from_why_test_counts():
    """21/14/1 and 18/16/2 give exactly the sentences published on the PACT website."""
    discussed = headline("discussed", choice_table(_answers(21, 14, 1), CHOICES))
    used = headline("used_for_qi", choice_table(_answers(18, 16, 2), CHOICES))
    assert discussed == (
        "58% of participating practices have discussed their PACT practice report in a practice "
        "meeting (with a further 39% also planning to in the future)"
    )
    assert used.startswith("50% of participating practices then went on to use")
    assert "(with a further 44% also planning to in the future)" in used
    if SEED.exists():  # the collaborative's own page, as the project was given it
        text = SEED.read_text()
        assert discussed + "." in text and used + "." in text


def test_no_headline_without_answers():
    assert headline("discussed", choice_table(pd.Series([], dtype=object), CHOICES)) is None


def test_response_summary():
    summary = response_summary(40, 36)
    assert summary["response_rate"] == 90.0
    assert summary["ci_low"] < 90 < summary["ci_high"]


FRAME = pd.DataFrame(
    {
        "practice_id": [1, 2, 3, 4, 1, 2, 3, 5],
        "wave": [1, 1, 1, 1, 2, 2, 2, 2],
        "discussed": ["planning", "planning", "yes", "no", "yes", "planning", "yes", "yes"],
    }
)


def test_movement_between_waves_counts_practices_answering_both():
    """Practice 1 moved planning -> yes; 2 stayed planning; 3 stayed yes; 4 and 5 answered once."""
    moved = movement(FRAME, "discussed", 1, 2, ["yes", "planning", "no"])
    assert moved.loc["planning", "yes"] == 1
    assert moved.loc["planning", "planning"] == 1
    assert moved.loc["yes", "yes"] == 1
    assert int(moved.values.sum()) == 3


def test_latest_status_takes_each_practices_latest_wave():
    latest = latest_status(FRAME, "discussed")
    assert latest.loc[1].tolist() == [2, "yes"]
    assert latest.loc[4].tolist() == [1, "no"]
    assert latest.loc[5].tolist() == [2, "yes"]
    assert len(latest) == 5
