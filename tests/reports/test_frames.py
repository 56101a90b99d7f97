"""Loading a round from the database: only completed days count, minutes arrive summed."""

from datetime import timedelta

import pandas as pd

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
    assert len(inputs.entries) == 10  # one row per participant and category
    # Test results (40-51 minutes each) were outside hours and could have gone to admin.
    first = world.participants[0][0].id
    side = inputs.side[inputs.side["participant_id"] == first]
    assert side.loc[side["outside_hours"], "minutes"].tolist() == [40.0]
    who = side.dropna(subset=["could_be_done_by"]).set_index("could_be_done_by")["minutes"]
    assert who.to_dict() == {"gp": 0.0, "other_clinician": 0.0, "admin": 40.0, "nobody": 0.0}
    assert [c["code"] for c in inputs.categories][:3] == ["A1", "A2", "A3"]
    assert inputs.weights == world.study.match_weights
    assert inputs.sharers == set()


def test_participant_figures_from_the_database_match_their_diary(ctx):
    from pact_feedback.reports.build import build_reports

    world = build_round(sizes=(5,))
    first = world.participants[0][0].id
    reports = build_reports(load_inputs(world.study))
    payload = next(r for r in reports if r["user_id"] == first)["payload"]
    own = payload["own"]
    # Totals of the five GPs: 240, 251, 262, 273 and 284 minutes; the benchmark is their median.
    total = payload["benchmark"]["summary"]["total"]
    assert (total["median"], total["q1"], total["q3"], total["n"]) == (262.0, 251.0, 273.0, 5)
    assert own["total"] == 240.0 and own["visible"] == 200.0 and own["hidden"] == 40.0
    assert own["outside_hours"] == 40.0
    assert own["could_be_done_by"] == {
        "gp": 0.0,
        "other_clinician": 0.0,
        "admin": 40.0,
        "nobody": 0.0,
    }
    assert own["by_category"] == {"A1": 200.0, "B1": 40.0}


def test_a_retired_category_still_counts_for_time_recorded_in_it(ctx):
    from sqlalchemy import select

    from pact_feedback.diary.models import Category
    from pact_feedback.extensions import db

    world = build_round(sizes=(3,))
    b1 = db.session.scalar(select(Category).filter_by(study_id=world.study.id, code="B1"))
    a2 = db.session.scalar(select(Category).filter_by(study_id=world.study.id, code="A2"))
    b1.active = a2.active = False
    db.session.commit()

    inputs = load_inputs(world.study)

    codes = [c["code"] for c in inputs.categories]
    assert "B1" in codes and "A2" not in codes  # retired and used stays; retired and unused goes
    assert inputs.entries.loc[inputs.entries["category"] == "B1", "group"].tolist() == ["B"] * 3


def test_readers_beyond_one_practice_lead_come_from_memberships(ctx):
    """A lead of two practices in the round, a lead who keeps a diary without sharing it, and
    a lead who reads another practice's report as its participant are readers the rules must
    know; a lead of one practice only, and a lead of a practice outside the round, are not."""
    from pact_feedback.accounts.actions import grant_role
    from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD
    from pact_feedback.extensions import db
    from pact_feedback.reports.build import Reader
    from tests.conftest import make_practice

    world = build_round(sizes=(3, 3, 3), share_first=2)
    first, second, third = world.practices
    two = world.leads[0]
    grant_role(two, PRACTICE_LEAD, practice=second, by=two)
    grant_role(world.leads[1], PRACTICE_LEAD, practice=make_practice(), by=two)  # not enrolled
    keeps_a_diary = world.leads[2]
    grant_role(keeps_a_diary, PARTICIPANT, practice=third, study=world.study, by=two)
    reads_another = world.participants[0][0]  # shares with practice 1; leads practice 3 too
    grant_role(reads_another, PRACTICE_LEAD, practice=third, by=two)
    db.session.commit()

    assert set(load_inputs(world.study).readers) == {
        Reader(leads=(first.id, second.id)),
        Reader(leads=(third.id,), knows=frozenset({keeps_a_diary.id})),
        Reader(leads=(third.id,), reads=(first.id,), knows=frozenset({reads_another.id})),
    }


def test_minutes_read_in_ranges_of_participants_are_the_same_rows(ctx, monkeypatch):
    """Split into ranges of participants (on PostgreSQL, parts run side by side), does the
    minutes query still give every participant's rows once, whatever the number of parts?"""
    from pact_feedback.reports import frames

    world = build_round(sizes=(3, 2, 4))

    def read(parts):
        monkeypatch.setattr(frames, "MINUTES_PARTS", parts)
        inputs = load_inputs(world.study)
        entries = inputs.entries.sort_values(["participant_id", "category"], ignore_index=True)
        keys = ["participant_id", "outside_hours", "could_be_done_by"]
        return entries, inputs.side.sort_values(keys, ignore_index=True)

    entries, side = read(1)
    for parts in (2, 3, 9, 20):
        split_entries, split_side = read(parts)
        pd.testing.assert_frame_equal(split_entries, entries)
        pd.testing.assert_frame_equal(split_side, side)
