"""A new entry is checked against the day's timed entries and the sum of its untimed ones (one
short answer however full the day): the same verdicts as checking against every entry."""

from datetime import time

from pact_feedback.diary import queries, validation
from pact_feedback.diary.models import TaskEntry
from pact_feedback.extensions import db
from tests.diary.conftest import make_day


def _timed(day, category, start, end, client_id):
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    db.session.add(
        TaskEntry(
            day_id=day.id,
            category_id=category.id,
            minutes=minutes,
            started_at=start,
            ended_at=end,
            client_id=client_id,
        )
    )
    db.session.commit()


def _verdicts(values, day, allowed):
    every = validation.check_entry(
        values, allowed_category_ids=allowed, others=queries.timed_entries(day)
    )
    summed = validation.check_entry(
        values,
        allowed_category_ids=allowed,
        others=queries.entries_to_check_new_entry_against(day),
    )
    return every, summed


def test_timed_entries_come_one_by_one_and_untimed_ones_as_their_sum(diary):
    day = make_day(
        diary.me, diary.study, diary.practice, entries=[("B1", 100), ("B2", 200), ("D4", 300)]
    )
    _timed(day, diary.categories["A2"], time(9), time(9, 30), "t1")
    checked = queries.entries_to_check_new_entry_against(day)
    timed = [c for c in checked if c.id is not None]
    assert [(c.minutes, c.started_at, c.label) for c in timed] == [
        (30, time(9), diary.categories["A2"].label)
    ]
    assert [c.minutes for c in checked if c.id is None] == [600]


def test_an_empty_day_sums_to_nothing(diary):
    day = make_day(diary.me, diary.study, diary.practice)
    assert sum(c.minutes for c in queries.entries_to_check_new_entry_against(day)) == 0


def test_same_verdicts_as_checking_every_entry(diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 600), ("B2", 500)])
    _timed(day, diary.categories["A2"], time(9), time(10), "t1")
    _timed(day, diary.categories["B3"], time(13), time(13, 20), "t2")
    allowed = {diary.categories["B1"].id}
    cases = [
        {"category_id": diary.categories["B1"].id, "minutes": 250},  # 1430: fine
        {"category_id": diary.categories["B1"].id, "minutes": 300},  # past 24 hours
        {  # overlaps the 09:00-10:00 entry
            "category_id": diary.categories["B1"].id,
            "started_at": time(9, 30),
            "ended_at": time(9, 45),
        },
    ]
    for values in cases:
        every, summed = _verdicts(values, day, allowed)
        assert (summed.ok, summed.errors, summed.warnings) == (
            every.ok,
            every.errors,
            every.warnings,
        )
    _, past = _verdicts(cases[1], day, allowed)
    assert "1180 minutes are recorded already" in past.errors["minutes"][0]
    _, overlap = _verdicts(cases[2], day, allowed)
    assert overlap.ok and "09:00 to 10:00" in overlap.warnings[0]
