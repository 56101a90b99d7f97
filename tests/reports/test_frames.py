"""Loading a round from the database: only completed days count, minutes arrive summed."""

from datetime import timedelta

from pact_feedback.reports.frames import load_inputs
from tests.reports.scenario import add_day, build_round


def test_load_inputs_reads_completed_days_and_sums_minutes(ctx):
    world = build_round(sizes=(3, 2))
    extra = world.participants[0][0]
    later = world.study.collection_start + timedelta(days=1)
    add_day(world.study, extra, world.practices[0], {"A1": 500}, complete=False, on=later)

    inputs = load_inputs(world.study)

    assert len(inputs.days) == 5  # the incomplete day is left out
    assert set(inputs.enrolled) == {p.id for p in world.practices}
    booked = inputs.entries[inputs.entries["category"] == "A1"]["minutes"]
    assert sorted(booked) == [200.0, 200.0, 210.0, 210.0, 220.0]
    results = inputs.entries[inputs.entries["category"] == "B1"]
    assert results["outside_hours"].all()
    assert set(results["could_be_done_by"]) == {"admin"}
    assert [c["code"] for c in inputs.categories][:3] == ["A1", "A2", "A3"]
    assert inputs.weights == world.study.match_weights
    assert inputs.sharers == set()
