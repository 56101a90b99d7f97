"""Run-chart rules on known sequences: shifts, trends, points on the median, runs."""

import pytest

from pact_feedback.charts import runrules as runchart


def test_baseline_median_uses_the_first_twelve_points_or_all():
    """The centre line comes from the baseline only, so later change does not move it."""
    assert runchart.baseline_median([1, 2, 3]) == 2
    values = [10] * 6 + [20] * 6 + [100] * 10
    assert runchart.baseline_median(values) == 15
    assert runchart.baseline_median([]) is None


def test_six_points_below_the_median_is_a_shift_and_five_is_not():
    assert runchart.shifts([1, 1, 1, 1, 1, 1], centre=5) == [[0, 1, 2, 3, 4, 5]]
    assert runchart.shifts([1, 1, 1, 1, 1, 9], centre=5) == []


def test_points_on_the_median_neither_break_nor_count():
    values = [6, 7, 5, 6, 8, 5, 9, 7]  # six points above, two on the median
    assert runchart.shifts(values, centre=5) == [[0, 1, 3, 4, 6, 7]]
    assert runchart.shifts([6, 7, 5, 5, 6, 8], centre=5) == []  # only four counted


def test_a_point_on_the_other_side_breaks_a_shift():
    assert runchart.shifts([6, 6, 6, 4, 6, 6, 6], centre=5) == []


def test_shift_after_a_change_is_found_against_the_baseline_median():
    baseline = [50, 52, 48, 51, 49, 53, 47, 50, 52, 48, 51, 49]
    after = [44, 43, 45, 42, 44, 41, 43, 40]
    result = runchart.analyse(baseline + after)
    assert result.median == 50
    # The last baseline point (49) is already below the median: it starts the shift.
    assert result.shifts == [list(range(11, 20))]
    assert result.shift_points == set(range(11, 20))


def test_five_rising_points_is_a_trend_and_four_is_not():
    assert runchart.trends([1, 2, 3, 4, 5]) == [[0, 1, 2, 3, 4]]
    assert runchart.trends([1, 2, 3, 4, 2]) == []
    assert runchart.trends([9, 8, 7, 6, 5, 6]) == [[0, 1, 2, 3, 4]]


def test_equal_points_do_not_count_towards_a_trend():
    assert runchart.trends([1, 2, 2, 3, 4]) == []  # only four distinct steps
    assert runchart.trends([1, 2, 2, 3, 4, 5]) == [[0, 1, 3, 4, 5]]


def test_random_looking_data_has_no_signal():
    values = [5, 7, 6, 8, 4, 3, 6, 7, 5, 4, 6, 8, 5, 7, 4]
    result = runchart.analyse(values)
    assert result.shifts == [] and result.trends == [] and result.runs_signal is None
    assert result.sentences() == []


def test_runs_are_counted_skipping_points_on_the_median():
    assert runchart.runs([1, 1, 5, 9, 9, 1], centre=5) == (3, 2, 3)


@pytest.mark.parametrize(
    ("values", "signal"),
    [
        ([1, 9] * 10, "too many"),  # alternates every point: 20 runs in 20 points
        ([1] * 10 + [9] * 10, "too few"),  # two runs in 20 points
        ([1, 1, 9, 9, 1, 9, 9, 1, 1, 9, 1, 9, 9, 1, 9, 1, 1, 9, 9, 1], None),
    ],
)
def test_too_few_or_too_many_runs(values, signal):
    count, above, below = runchart.runs(values, centre=5)
    assert runchart.runs_signal(count, above, below) == signal


def test_runs_are_not_judged_on_fewer_than_ten_useful_points():
    assert runchart.runs_signal(9, 5, 4) is None


def test_sentences_describe_each_signal():
    result = runchart.analyse([50] * 6 + [60, 61, 62, 63, 64, 65])
    text = " ".join(result.sentences())
    assert "Shift: 6 points" in text
    assert "Trend: 7 points" in text  # the flat start counts once: 50, then 60 to 65
