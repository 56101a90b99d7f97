"""The array versions of disclosure control and matching give what the row-by-row rules gave.

Reports protect a round's profiles and match its practices all at once with numpy. The
reference functions below are the rules as first written, one row or one practice at a time
(in plain Python, easy to check against PRODUCT.md section 4); hypothesis compares them on
random rounds, including ties, small groups and practices alone in their nation. Minutes per
day are multiples of a quarter, so every sum is exact whatever order it is added in.
"""

import dataclasses
import heapq
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pact_feedback import disclosure
from pact_feedback.disclosure import Cell
from pact_feedback.reports import compute
from pact_feedback.reports.matching import (
    METHOD_VERSION,
    MIN_PEER_GROUP,
    Match,
    Pool,
    Profile,
    match_practice,
    national_z_scores,
)
from tests.reports.diary_frames import diary_frames

# Out of alphabetical order, so ties are broken by code rather than by position.
GROUP_OF = {"B2": "B", "A1": "A", "X9": "Z", "B1": "B", "C1": "C", "A2": "A", "B3": "B"}
GROUPS = ["C", "A", "D", "B"]  # D has no categories; X9's group Z is not published


def reference_protect_row(cells, *, total_shown=True):
    result = {}
    for key, minutes in cells.items():
        minutes = [m for m in minutes if m > 0]
        if not minutes:
            result[key] = Cell(0.0, 0)
            continue
        reason = disclosure.primary_reason(minutes)
        result[key] = Cell(None if reason else float(sum(minutes)), len(minutes), reason)
    suppressed = [k for k, c in result.items() if c.suppressed]
    shown = sorted(
        (k for k, c in result.items() if not c.suppressed and c.contributors > 0),
        key=lambda k: (result[k].value, str(k)),
    )
    if total_shown and len(suppressed) == 1 and shown:
        result[shown[0]] = Cell(None, result[shown[0]].contributors, disclosure.SECONDARY_REASON)
    return result


def reference_protect_hierarchy(detail, totals, parent_of):
    detail, totals = dict(detail), dict(totals)
    derived = disclosure.DERIVED_REASON
    changed = True
    while changed:
        changed = False
        for parent, total in totals.items():
            children = [k for k, p in parent_of.items() if p == parent and k in detail]
            hidden = [k for k in children if detail[k].suppressed]
            shown = sorted(
                (k for k in children if not detail[k].suppressed and detail[k].contributors > 0),
                key=lambda k: (detail[k].value, str(k)),
            )
            if total.suppressed and not hidden and shown:
                detail[shown[0]] = Cell(None, detail[shown[0]].contributors, derived)
                changed = True
            elif not total.suppressed and len(hidden) == 1:
                if shown:
                    detail[shown[0]] = Cell(None, detail[shown[0]].contributors, derived)
                else:
                    totals[parent] = Cell(None, total.contributors, derived)
                changed = True
    return detail, totals


def _published(cells, n):
    return {
        "n": disclosure.display_count(n),
        "values": {
            c: None if cell.suppressed else round(cell.value / n, 1) for c, cell in cells.items()
        },
        "withheld": {c: cell.reason for c, cell in cells.items() if cell.suppressed},
    }


def reference_layered_profile(by_category, by_group, group_of, participant_ids, k_practice):
    def columns(frame):
        positions = frame.index.get_indexer(list(participant_ids))
        rows = frame.to_numpy()[positions[positions >= 0]]
        return len(rows), dict(zip(frame.columns, rows.T.tolist(), strict=True))

    n, categories = columns(by_category)
    if not disclosure.practice_aggregate_allowed(n, k_practice):
        k = disclosure.effective_k_practice(k_practice)
        whole = {
            "n": disclosure.display_count(n),
            "values": None,
            "reason": f"fewer than {k} people contributed",
        }
        return {"by_category": whole, "by_group": dict(whole)}
    category_cells = reference_protect_row(categories)
    group_cells = reference_protect_row(columns(by_group)[1])
    category_cells, group_cells = reference_protect_hierarchy(category_cells, group_cells, group_of)
    return {"by_category": _published(category_cells, n), "by_group": _published(group_cells, n)}


quarter_minutes = st.one_of(
    st.just(0.0), st.integers(min_value=1, max_value=1600).map(lambda q: q / 4)
)
few_values = st.sampled_from([0.0, 10.0, 10.0, 20.0])  # cells often add up to the same
participants = st.one_of(
    *(
        st.lists(st.fixed_dictionaries({code: values for code in GROUP_OF}), max_size=14)
        for values in (quarter_minutes, few_values)
    )
)


def _frames(rows):
    return diary_frames(rows, GROUP_OF, GROUPS)


@settings(max_examples=300, deadline=None)
@given(
    participants,
    st.lists(st.lists(st.integers(min_value=0, max_value=16), unique=True), max_size=6),
    st.integers(min_value=1, max_value=6),
)
def test_layered_profiles_match_the_row_by_row_rules(rows, groups, k_practice):
    by_category, by_group = _frames(rows)
    groups = [*groups, list(by_category.index)]  # and the whole practice
    batch = compute.layered_profiles(by_category, by_group, GROUP_OF, groups, k_practice=k_practice)
    assert batch == [
        reference_layered_profile(by_category, by_group, GROUP_OF, ids, k_practice)
        for ids in groups
    ]


@settings(deadline=None)  # numpy calls on a busy machine
@given(
    st.dictionaries(
        st.sampled_from(["B1", "B2", "B3", "B4", 5, "5"]),
        st.lists(st.integers(min_value=-3, max_value=60), max_size=8),
    ),
    st.booleans(),
)
def test_protect_row_matches_the_row_by_row_rules(cells, total_shown):
    expected = reference_protect_row(cells, total_shown=total_shown)
    assert disclosure.protect_row(cells, total_shown=total_shown) == expected


def reference_match(target, candidates, z, weights, k):
    candidates = [c for c in candidates if c.ods_code != target.ods_code]
    match = Match(
        target.ods_code,
        None,
        None,
        weights=dict(weights),
        inputs={target.ods_code: target.values()},
    )
    pool = [c for c in candidates if c.nation == target.nation]
    if not pool and candidates:
        pool = candidates
        match.pool = "all nations"
        match.notes.append(
            f"No similar practice in {target.nation} took part, so practices across the UK "
            "were compared, each scored within its own nation."
        )
    if not pool:
        match.pool = "none"
        match.notes.append("No other practice was eligible, so only network figures are shown.")
        return match

    def point(code):
        return tuple(z[code][v] * math.sqrt(weights[v]) for v in z[code])

    ranked = heapq.nsmallest(
        max(k, 1),
        ((math.dist(point(target.ods_code), point(c.ods_code)), c) for c in pool),
        key=lambda pair: (round(pair[0], 12), pair[1].ods_code),
    )
    match.comparator, match.comparator_distance = ranked[0][1].ods_code, round(ranked[0][0], 6)
    match.inputs[ranked[0][1].ods_code] = ranked[0][1].values()
    if len(ranked) >= MIN_PEER_GROUP:
        match.peer_group = [(c.ods_code, round(dist, 6)) for dist, c in ranked]
    else:
        match.notes.append(
            f"Fewer than {MIN_PEER_GROUP} similar practices were eligible, so no peer group "
            "is shown."
        )
    return match


practices = st.lists(
    st.tuples(
        st.sampled_from(["England", "England", "Wales", "Scotland"]),
        st.sampled_from([10.0, 20.0, 20.0, 35.5]),  # few values, so distances often tie
        st.sampled_from([12.0, 18.0, 25.0]),
        st.sampled_from([3000, 8000, 8000, 20000]),
        st.floats(min_value=0, max_value=80),
        st.booleans(),  # eligible for the round
    ),
    min_size=1,
    max_size=25,
)
weightings = st.fixed_dictionaries(
    {
        v: st.sampled_from([0.0, 0.5, 1.0, 2.0])
        for v in ("imd_score", "pct_65_plus", "log_list_size", "pct_rural")
    }
)


@settings(max_examples=200, deadline=None)
@given(practices, weightings, st.integers(min_value=0, max_value=7))
def test_pool_matches_every_practice_as_the_reference_did(rows, weights, k):
    profiles = [
        Profile(f"P{n:05d}", nation, imd, old, size, rural)
        for n, (nation, imd, old, size, rural, _) in enumerate(rows)
    ]
    candidates = [p for p, row in zip(profiles, rows, strict=True) if row[-1]]
    z = national_z_scores(profiles)
    pool = Pool(list(reversed(candidates)), z, weights)
    for target in profiles:
        expected = reference_match(target, list(reversed(candidates)), z, weights, k)
        match = pool.match(target, k=k)
        assert match == expected
        assert match.to_dict() == dataclasses.asdict(match)
        assert expected.method_version == METHOD_VERSION
        alone = match_practice(target, candidates, profiles, weights=weights, k=k, z_scores=z)
        assert alone.comparator == expected.comparator
