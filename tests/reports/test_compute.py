"""Report figures on small frames."""

import pandas as pd
import pytest

from pact_feedback.reports import compute


def _frames():
    """Three GPs in practice 1 (one kept two days), one nurse in practice 2."""
    entries = pd.DataFrame(
        [
            # participant, practice, role, category, group, minutes, outside, who
            (1, 1, "gp_partner", "A1", "A", 240, False, None),
            (1, 1, "gp_partner", "B1", "B", 60, True, "admin"),
            (1, 1, "gp_partner", "B1", "B", 60, False, None),  # second day
            (2, 1, "gp_partner", "A1", "A", 200, False, None),
            (2, 1, "gp_partner", "B3", "B", 90, False, "other_clinician"),
            (2, 1, "gp_partner", "B1", "B", 30, False, None),
            (3, 1, "gp_partner", "B1", "B", 30, False, None),
            (4, 2, "practice_nurse", "A1", "A", 300, False, None),
        ],
        columns=[
            "participant_id",
            "practice_id",
            "staff_role",
            "category",
            "group",
            "minutes",
            "outside_hours",
            "could_be_done_by",
        ],
    )
    days = pd.DataFrame(
        [
            (1, 1, "gp_partner", 10),
            (1, 1, "gp_partner", 11),
            (2, 1, "gp_partner", 12),
            (3, 1, "gp_partner", 13),
            (4, 2, "practice_nurse", 14),
            (5, 2, "practice_nurse", 15),
        ],
        columns=["participant_id", "practice_id", "staff_role", "day_id"],
    )
    return entries, days


def test_per_day_divides_by_days_and_keeps_people_without_entries():
    entries, days = _frames()
    frame = compute.per_day(entries, days)
    assert frame.loc[1, "B1"] == 60  # 120 minutes over two days
    assert frame.loc[1, "A1"] == 120
    assert frame.loc[5].sum() == 0  # a day with no entries still counts
    assert list(frame.columns) == ["A1", "B1", "B3"]


def test_participant_summary_splits_hidden_visible_outside_hours_and_who_could():
    entries, days = _frames()
    own = compute.participant_summary(
        entries[entries.participant_id == 1], days[days.participant_id == 1]
    )
    assert own["days"] == 2
    assert own["total"] == 180
    assert own["visible"] == 120 and own["hidden"] == 60
    assert own["outside_hours"] == 30
    assert own["could_be_done_by"]["admin"] == 30
    assert own["by_category"] == {"A1": 120.0, "B1": 60.0}


def test_role_benchmark_gives_median_and_iqr_only_for_five_or_more():
    """Quartiles of three values are those people's figures (PRODUCT.md section 4)."""
    entries, days = _frames()
    frame = compute.per_day(entries, days)
    roles = days.drop_duplicates("participant_id").set_index("participant_id")["staff_role"]
    assert compute.role_benchmark(frame, roles, "gp_partner") == {}  # three GPs
    everyone = pd.Series("gp_partner", index=roles.index)  # five "GPs": 120, 200, 0, 300, 0
    gp = compute.role_benchmark(frame, everyone, "gp_partner")
    assert gp["A1"]["median"] == 120 and gp["A1"]["n"] == 5
    assert gp["A1"]["q1"] == 0 and gp["A1"]["q3"] == 200
    assert "B3" not in gp  # one person recorded it


def test_group_profile_withholds_small_groups_and_small_cells():
    entries, days = _frames()
    frame = compute.per_day(entries, days)
    assert compute.group_profile(frame, [1, 2], k_practice=3)["values"] is None
    practice = compute.group_profile(frame, [1, 2, 3], k_practice=3)
    assert practice["values"]["B1"] == pytest.approx(40.0)  # (60 + 30 + 30) / 3
    assert practice["values"]["A1"] is None  # two contributors
    assert practice["values"]["B3"] is None  # one contributor
    assert "fewer than 3" in practice["withheld"]["B3"]
    assert practice["n"] == "<8"


def test_network_profile_is_the_mean_over_everyone():
    entries, days = _frames()
    network = compute.network_profile(compute.per_day(entries, days))
    assert network["n"] == 5
    assert network["values"]["A1"] == round((120 + 200 + 0 + 300 + 0) / 5, 1)


def test_network_range_is_the_middle_half_never_the_extremes():
    frame = pd.DataFrame({"A1": [10.0, 20.0, 30.0, 40.0, 60.0]}, index=[1, 2, 3, 4, 5])
    profile = compute.network_profile(frame)
    assert profile["range"]["A1"] == [20.0, 40.0]
    assert 60.0 not in profile["range"]["A1"] and 10.0 not in profile["range"]["A1"]
    assert compute.network_profile(frame.head(2))["range"] == {}


def test_pivot_sum_agrees_with_pandas_pivot_table():
    """Does the bincount pivot give pandas' pivot_table, cell for cell, NaN where nobody
    recorded anything, whatever the rows' order, repeats, missing keys or an empty frame?"""
    import numpy as np

    rng = np.random.default_rng(22)
    for size in (0, 1, 7, 40, 300):
        entries = pd.DataFrame(
            {
                "participant_id": rng.integers(1, 15, size),
                "category": rng.choice(["A1", "A10", "B2", "C1", None], size),
                "minutes": rng.integers(0, 120, size).astype(float),
            }
        )
        expected = entries.pivot_table(
            index="participant_id", columns="category", values="minutes", aggfunc="sum"
        )

        got = compute._pivot_sum(entries, "category")

        if size:
            pd.testing.assert_frame_equal(got, expected, check_exact=True)
        else:
            assert got.empty and expected.empty
