"""Property-based checks that report profiles never disclose an individual's diary.

Random practices' diaries go through the same function the reports use; whatever is shown
must come from enough people, no one may dominate it, and nothing withheld may be worked out
from the figures shown beside it (a group is the sum of its categories).
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from pact_feedback import disclosure
from pact_feedback.reports.compute import layered_profile
from tests.reports.diary_frames import diary_frames

GROUP_OF = {"A1": "A", "A2": "A", "B1": "B", "B2": "B", "B3": "B", "C1": "C"}
GROUPS = sorted(set(GROUP_OF.values()))

minutes = st.one_of(st.just(0), st.integers(min_value=1, max_value=400))
diaries = st.lists(
    st.fixed_dictionaries({code: minutes for code in GROUP_OF}), min_size=0, max_size=9
)


def _frames(rows):
    return diary_frames(rows, GROUP_OF, GROUPS)


@settings(max_examples=300, deadline=None)
@given(diaries, st.integers(min_value=1, max_value=8))
def test_nothing_shown_identifies_or_can_be_recovered(rows, k_practice):
    by_category, by_group = _frames(rows)
    profile = layered_profile(
        by_category, by_group, GROUP_OF, by_category.index, k_practice=k_practice
    )

    for key, frame in (("by_category", by_category), ("by_group", by_group)):
        values = profile[key]["values"]
        if values is None:
            assert len(frame) < disclosure.effective_k_practice(k_practice)
            continue
        assert len(frame) >= disclosure.effective_k_practice(k_practice)
        for column, value in values.items():
            contributions = [m for m in frame[column] if m > 0]
            if value is None or not contributions:
                continue
            # Enough people, and nobody holds most of the figure.
            assert len(contributions) >= disclosure.MIN_CELL_CONTRIBUTORS
            assert max(contributions) <= disclosure.MAX_DOMINANCE * sum(contributions)
            assert value == round(sum(contributions) / len(frame), 1)

    categories, groups = profile["by_category"]["values"], profile["by_group"]["values"]
    if categories is None:
        return
    for group in GROUPS:
        members = [code for code, g in GROUP_OF.items() if g == group]
        unknowns = [code for code in members if categories[code] is None]
        if groups[group] is not None:
            # group = sum of its categories: one unknown alone could be solved for.
            assert len(unknowns) != 1, (group, unknowns)
        else:
            non_empty = [code for code in members if by_category[code].sum() > 0]
            assert unknowns or not non_empty, f"group {group} is the sum of shown categories"


def test_one_withheld_category_takes_a_sibling_with_it():
    # B1 and C1 have two contributors each (withheld), so the category row alone needs no
    # secondary suppression; but group B passes and B = B1 + B2 + B3 would give B1 away.
    rows = [
        {"A1": 60, "A2": 0, "B1": 30, "B2": 20, "B3": 25, "C1": 10},
        {"A1": 60, "A2": 0, "B1": 30, "B2": 20, "B3": 25, "C1": 10},
        {"A1": 60, "A2": 0, "B1": 0, "B2": 20, "B3": 25, "C1": 0},
    ]
    by_category, by_group = _frames(rows)
    profile = layered_profile(by_category, by_group, GROUP_OF, [1, 2, 3], k_practice=3)
    categories = profile["by_category"]["values"]
    assert categories["B1"] is None and categories["B2"] is None  # the smaller sibling
    assert categories["B3"] == 25.0
    # Group C (two people) is withheld, so the group row withholds its smallest other group,
    # A, and then A1 - A's only non-empty category - must go too.
    groups = profile["by_group"]["values"]
    assert groups["C"] is None and groups["A"] is None and categories["A1"] is None
    assert profile["by_group"]["values"]["B"] is not None
    assert "worked out" in profile["by_category"]["withheld"]["B2"]
