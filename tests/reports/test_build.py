"""Report payloads for a small network: who is compared with whom, and what is withheld."""

import pandas as pd

from pact_feedback.reports.build import StudyInputs, build_reports, stream_reports, withheld_cells
from pact_feedback.reports.matching import Profile

CATEGORIES = [
    {"code": "A1", "label": "Booked consultation", "group": "A"},
    {"code": "B1", "label": "Test results", "group": "B"},
]


def _inputs(sharers=()):
    """Three practices with 5, 5 and 2 participants; practice 3 is too small to compare."""
    practices, entries, days, pid = {}, [], [], 0
    for practice_id, (imd, size) in {1: (20, 5), 2: (22, 5), 3: (21, 2)}.items():
        practices[practice_id] = {
            "name": f"Practice {practice_id}",
            "ods_code": f"P0000{practice_id}",
            "profile": Profile(f"P0000{practice_id}", "England", imd, 15, 8000, 10),
        }
        for i in range(size):
            pid += 1
            days.append((pid, practice_id, "gp_partner", pid))
            entries.append((pid, practice_id, "gp_partner", "A1", "A", 200 + 10 * i, False, None))
            entries.append((pid, practice_id, "gp_partner", "B1", "B", 40 + i, True, "admin"))
    return StudyInputs(
        study={"slug": "s", "title": "S", "round": 1},
        categories=CATEGORIES,
        entries=pd.DataFrame(
            entries,
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
        ),
        days=pd.DataFrame(days, columns=["participant_id", "practice_id", "staff_role", "day_id"]),
        practices=practices,
        reference=[p["profile"] for p in practices.values()],
        enrolled=[1, 2, 3],
        sharers=set(sharers),
    )


def _report(reports, kind, **key):
    return next(r for r in reports if r["kind"] == kind and all(r[k] == v for k, v in key.items()))


def test_each_practice_gets_an_eligible_comparator_and_never_itself():
    reports = build_reports(_inputs())
    first = _report(reports, "practice", practice_id=1)["payload"]
    assert first["method"]["match"]["comparator"] == "P00002"
    assert first["comparator"]["by_category"]["values"]["A1"] == 220.0
    small = _report(reports, "practice", practice_id=3)["payload"]
    assert small["method"]["match"]["comparator"] in {"P00001", "P00002"}
    assert "P0000" not in small["method"]["statement"]  # the comparator is never named


def test_own_aggregate_needs_enough_participants_who_share():
    reports = build_reports(_inputs(sharers={1, 2, 3, 4}))
    assert (
        _report(reports, "practice", practice_id=1)["payload"]["own"]["by_category"]["values"]
        is None
    )
    reports = build_reports(_inputs(sharers={1, 2, 3, 4, 5}))
    own = _report(reports, "practice", practice_id=1)["payload"]["own"]["by_category"]
    assert own["values"]["B1"] == 42.0 and own["n"] == "<8"


def test_participant_report_has_own_figures_and_role_benchmark():
    reports = build_reports(_inputs())
    mine = _report(reports, "participant", user_id=1)["payload"]
    assert mine["own"]["total"] == 240
    assert mine["benchmark"]["by_category"]["A1"]["n"] == 12
    assert len([r for r in reports if r["kind"] == "participant"]) == 12


def test_withheld_cells_are_counted_for_review():
    reports = build_reports(_inputs())
    payload = _report(reports, "practice", practice_id=1)["payload"]
    assert withheld_cells(payload) == 2  # no one shares: both own profiles withheld


def test_payloads_are_plain_json():
    import json

    for report in build_reports(_inputs(sharers={1, 2, 3, 4, 5})):
        assert json.loads(json.dumps(report["payload"])) == report["payload"]


def test_streamed_payloads_are_counted_beforehand_and_match_the_list():
    """Does `stream_reports` know how many payloads it will give before building any (for
    progress), and give the same payloads in the same order as `build_reports`?"""
    inputs = _inputs(sharers={1, 2, 3})
    streamed = stream_reports(inputs)

    assert len(streamed) == 3 + 12  # three practices, twelve participants with a diary day
    assert list(streamed) == build_reports(inputs)


def test_withheld_codes_are_stored_in_the_profiles_own_order_whatever_the_hash_seed():
    """A snapshot's bytes must not depend on the process that stored it: codes withheld
    together arrive as a set, whose order of strings changes with PYTHONHASHSEED."""
    from pact_feedback.reports.build import _withhold

    order = [f"T{n:02d}" for n in range(40)]
    codes = set(order[::3])
    assert [c for c in codes] != sorted(codes, key=order.index)  # the set's own order differs
    payload = {"network": {"by_category": {"values": dict.fromkeys(order, 5.0)}}}

    assert _withhold(payload, "network", "by_category", codes)

    withheld = payload["network"]["by_category"]["withheld"]
    assert list(withheld) == order[::3]
