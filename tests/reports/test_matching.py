"""Similar-practice matching, on its own."""

import itertools
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pact_feedback.reports.matching import (
    DEFAULT_WEIGHTS,
    Pool,
    Profile,
    distance,
    match_practice,
    method_statement,
    national_z_scores,
)

_codes = (f"A{n:05d}" for n in itertools.count(1))


def practice(nation="England", imd=20.0, old=15.0, size=8000, rural=10.0, code=None) -> Profile:
    return Profile(code or next(_codes), nation, imd, old, size, rural)


def test_z_scores_are_taken_within_each_nation():
    england = [practice(imd=10), practice(imd=30)]
    wales = [practice("Wales", imd=40), practice("Wales", imd=60)]
    z = national_z_scores(england + wales)
    assert z[england[0].ods_code]["imd_score"] == -1.0
    assert z[wales[0].ods_code]["imd_score"] == -1.0  # same position in its own nation


def test_no_spread_scores_zero():
    z = national_z_scores([practice(rural=5), practice(rural=5)])
    assert {scores["pct_rural"] for scores in z.values()} == {0.0}


def test_weights_change_the_distance():
    a = {"imd_score": 0, "pct_65_plus": 0, "log_list_size": 0, "pct_rural": 0}
    b = {"imd_score": 1, "pct_65_plus": 0, "log_list_size": 2, "pct_rural": 0}
    assert distance(a, b, DEFAULT_WEIGHTS) == (1 + 0.5 * 4) ** 0.5


def test_nearest_same_nation_practice_is_the_comparator():
    target = practice(imd=20, code="T00001")
    close, far = practice(imd=21, code="C00001"), practice(imd=50, code="F00001")
    welsh_twin = practice("Wales", imd=20, code="W00001")
    others = [practice(imd=i) for i in (25, 30, 35)]
    match = match_practice(target, [far, close, welsh_twin, *others], [target, close, far, *others])
    assert match.comparator == "C00001"
    assert match.pool == "same nation"
    assert "W00001" not in [code for code, _ in match.peer_group]
    assert [code for code, _ in match.peer_group][0] == "C00001"
    assert len(match.peer_group) == 5
    assert match.inputs[target.ods_code]["imd_score"] == 20


def test_ties_break_by_ods_code_whatever_the_order():
    target = practice(code="T00001")
    twins = [practice(code=c) for c in ("B00002", "B00001", "B00003")]
    for order in itertools.permutations(twins):
        assert match_practice(target, order, twins).comparator == "B00001"


def test_falls_back_to_all_nations_then_to_network_only():
    target = practice("Northern Ireland", code="N00001")
    english = [practice(code=f"E0000{i}") for i in range(3)]
    match = match_practice(target, english, english)
    assert match.pool == "all nations" and match.comparator is not None
    assert "No similar practice in Northern Ireland" in match.notes[0]
    alone = match_practice(target, [], [])
    assert alone.comparator is None and alone.pool == "none"


def test_small_pools_show_no_peer_group():
    target = practice(code="T00001")
    match = match_practice(target, [practice(), practice()], [])
    assert match.comparator is not None
    assert match.peer_group == []
    assert "no peer group" in match.notes[0]


def test_method_statement_names_variables_and_date_but_not_the_comparator():
    target = practice(code="T00001")
    candidates = [practice(code=f"C0000{i}") for i in range(4)]
    match = match_practice(target, candidates, candidates)
    text = method_statement(match, date(2026, 4, 1))
    assert "deprivation (IMD) score" in text and "1 April 2026" in text
    assert match.comparator not in text


@given(
    st.lists(
        st.tuples(st.floats(0, 90), st.floats(0, 60), st.integers(500, 60000), st.floats(0, 100)),
        min_size=2,
        max_size=12,
    )
)
def test_match_is_deterministic_and_never_the_practice_itself(rows):
    profiles = [
        practice(imd=i, old=o, size=s, rural=r, code=f"P{n:05d}")
        for n, (i, o, s, r) in enumerate(rows)
    ]
    target, candidates = profiles[0], profiles
    first = match_practice(target, candidates, profiles)
    again = match_practice(target, list(reversed(candidates)), profiles)
    assert first.comparator == again.comparator != target.ods_code
    assert first.peer_group == again.peer_group


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["England", "Wales"]),
            st.floats(0, 90),
            st.integers(500, 60000),
            st.booleans(),
        ),
        min_size=1,
        max_size=30,
    ),
    st.integers(1, 4),
)
def test_matching_a_whole_round_at_once_gives_each_practice_its_own_match(rows, block):
    """Does `Pool.match_all` (distances for a block of targets at a time) choose exactly what
    `match` chooses for each target, eligible or not, own practice left out, in any nation?"""
    profiles = [
        practice(nation=nation, imd=imd, size=size, code=f"P{n:05d}")
        for n, (nation, imd, size, _) in enumerate(rows)
    ]
    eligible = [p for p, (*_, ok) in zip(profiles, rows, strict=True) if ok]
    pool = Pool(eligible, national_z_scores(profiles))
    pool.BLOCK = block  # several blocks, and a last one part full

    together = pool.match_all(profiles, k=3)

    assert [m.to_dict() for m in together] == [pool.match(p, k=3).to_dict() for p in profiles]
