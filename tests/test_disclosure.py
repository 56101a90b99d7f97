"""The small-number rules, on known cases and on generated ones."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pact_feedback import disclosure as d


def test_practice_aggregate_needs_k_contributors_with_a_floor_of_three():
    assert not d.practice_aggregate_allowed(4, k_practice=5)
    assert d.practice_aggregate_allowed(5, k_practice=5)
    assert d.practice_aggregate_allowed(3, k_practice=1)  # floor applies
    assert not d.practice_aggregate_allowed(2, k_practice=1)


def test_cell_with_two_contributors_is_withheld():
    assert d.primary_reason([30, 40]) == "fewer than 3 contributors"
    assert d.primary_reason([30, 40, 0]) == "fewer than 3 contributors"  # zero is not a contributor


def test_cell_dominated_by_one_contributor_is_withheld():
    assert "most of the time" in d.primary_reason([71, 15, 14])
    assert d.primary_reason([70, 15, 15]) == ""  # exactly 70% is allowed


def test_one_withheld_cell_withholds_the_smallest_other_when_a_total_is_shown():
    row = d.protect_row(
        {"B1": [10, 10, 10], "B2": [5, 5], "B3": [20, 20, 20], "B4": [3, 3, 3]},
        total_shown=True,
    )
    assert row["B2"].suppressed and row["B4"].suppressed
    assert row["B1"].value == 30 and row["B3"].value == 60
    assert "worked out" in row["B4"].reason


def test_no_secondary_suppression_without_a_total_or_with_two_withheld():
    cells = {"B1": [10, 10, 10], "B2": [5, 5], "B3": [20, 20, 20]}
    assert not d.protect_row(cells, total_shown=False)["B1"].suppressed
    two = {"B1": [10, 10, 10], "B2": [5, 5], "B3": [1], "B4": [20, 20, 20]}
    row = d.protect_row(two)
    assert [k for k, c in row.items() if c.suppressed] == ["B2", "B3"]


def test_role_split_only_when_every_cell_passes():
    good = {"gp": {"B1": [10, 10, 10]}, "nurse": {"B1": [5, 6, 7]}}
    assert d.role_split_allowed(good)
    assert not d.role_split_allowed({**good, "pharmacist": {"B1": [5, 6]}})


def test_counts_below_eight_are_masked_and_others_rounded_to_five():
    assert [d.display_count(n) for n in (0, 1, 7, 8, 12, 13, 36)] == [
        "0",
        "<8",
        "<8",
        "10",
        "10",
        "15",
        "35",
    ]


@settings(deadline=None)  # protect_row runs numpy; a busy machine can stall one example
@given(
    st.dictionaries(
        st.sampled_from(["B1", "B2", "B3", "B4", "B5"]),
        st.lists(st.integers(min_value=0, max_value=720), max_size=8),
        min_size=1,
    )
)
def test_no_single_withheld_cell_can_be_recovered_from_the_total(cells):
    """Property: with a total shown, never exactly one non-empty cell is withheld."""
    row = d.protect_row(cells, total_shown=True)
    withheld = [k for k, c in row.items() if c.suppressed]
    shown = [k for k, c in row.items() if not c.suppressed and c.contributors > 0]
    assert len(withheld) != 1 or not shown
    for cell in row.values():
        assert cell.suppressed or cell.contributors >= d.MIN_CELL_CONTRIBUTORS or cell.value == 0


def test_a_difference_of_one_practice_s_people_counts_them_all():
    """Two sharers the lead knows and one colleague elsewhere pass for the lead; where the
    difference is only the practice's people (nobody outside), all of them count, and one
    contributor fails even when the lead knows them."""
    minutes = np.array([[90.0], [0.0], [0.0]])  # one sharer recorded the task
    unknown, outside = np.array([[1, 2]]), np.array([[-1, -1]])  # 0 is known; all own
    assert not d.failing_differences(minutes, unknown, outside).any()
    whole = np.array([[0, 1, 2]])
    assert d.failing_differences(minutes, unknown, outside, whole=whole).all()


def test_an_empty_cell_shows_zero():
    row = d.protect_row({"B1": [], "B2": [10, 10, 10]})
    assert row["B1"] == d.Cell(0.0, 0)
    assert row["B2"].value == 30


def test_complements_by_subtraction_agree_with_listing_everyone_else():
    """`failing_complements` (the network less a few people, by subtraction: thousands of
    practices) withholds exactly what `failing_differences` does with everyone else listed."""
    rng = np.random.default_rng(16)  # the same draws on every run

    def padded(lists):
        grid = np.full((len(lists), max([len(x) for x in lists] + [0])), -1)
        for i, found in enumerate(lists):
            grid[i, : len(found)] = found
        return grid

    for _ in range(200):
        n, cells = int(rng.integers(1, 15)), int(rng.integers(1, 5))
        values = rng.choice([5.0, 10.0, 30.0, 120.0], (n, cells))
        minutes = np.where(rng.random((n, cells)) < 0.4, values, 0.0)
        rows = []
        for _ in range(int(rng.integers(1, 4))):
            removed = sorted(set(rng.choice(n, int(rng.integers(0, n + 1))).tolist()))
            practice = sorted(set(removed[: len(removed) // 2]) | {int(rng.integers(0, n))})
            rows.append((removed, sorted(set(removed) | set(practice))))
        unknown = [[p for p in range(n) if p not in r] for r, _ in rows]
        outside = [[p for p in range(n) if p not in w] for _, w in rows]
        listed = d.failing_differences(minutes, padded(unknown), padded(outside))
        subtracted = d.failing_complements(
            minutes, padded([r for r, _ in rows]), padded([w for _, w in rows])
        )
        assert (listed == subtracted).all()
        # The practice's own people in the difference, none left out (`whole`).
        whole = padded([[p for p in w if p not in r] for r, w in rows])
        listed_whole = d.failing_differences(minutes, padded(unknown), padded(outside), whole=whole)
        subtracted_whole = d.failing_complements(
            minutes, padded([r for r, _ in rows]), padded([w for _, w in rows]), whole=whole
        )
        assert (listed_whole == subtracted_whole).all()
        assert (listed_whole >= listed).all()  # it only ever withholds more
