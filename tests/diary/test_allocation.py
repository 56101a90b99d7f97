"""Allocated days: reproducible, inside the window, spread across weekdays, never on a day the
participant does not work; reminders the day before and nudges, each sent once and logged."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.allocation import allocate_days, choose_days, send_reminders
from pact_feedback.diary.models import DiaryAllocation, DiaryPreference
from pact_feedback.extensions import db
from tests.diary.conftest import make_day

START = date(2027, 3, 1)  # a Monday


@given(
    st.integers(0, 40),
    st.lists(st.integers(1, 500), min_size=1, max_size=30, unique=True),
    st.dictionaries(st.integers(1, 500), st.sets(st.integers(0, 6), max_size=7)),
    st.integers(1, 3),
    st.text(max_size=8),
)
@settings(max_examples=60, deadline=None)
def test_allocation_keeps_its_promises(length, people, off, days_each, seed):
    end = START + timedelta(days=length)
    chosen = choose_days(START, end, people, off, days_each, seed)
    assert chosen == choose_days(START, end, people, off, days_each, seed)  # reproducible
    for person, days in chosen.items():
        assert len(days) == len(set(days)) <= days_each
        for day in days:
            assert START <= day <= end
            assert day.weekday() not in off.get(person, set())
        workable = [
            START + timedelta(days=n)
            for n in range(length + 1)
            if (START + timedelta(days=n)).weekday() not in off.get(person, set())
        ]
        assert len(days) == min(days_each, len(workable))


def test_allocation_spreads_across_weekdays():
    people = list(range(1, 51))
    chosen = choose_days(
        START, START + timedelta(days=27), people, {p: {5, 6} for p in people}, 1, "spread"
    )
    counts = [sum(1 for d in chosen.values() if d[0].weekday() == w) for w in range(5)]
    assert max(counts) - min(counts) <= 1
    other = choose_days(
        START, START + timedelta(days=27), people, {p: {5, 6} for p in people}, 1, "another seed"
    )
    assert other != chosen


def test_allocate_days_uses_settings_and_window(diary):
    diary.study.day_selection = "allocate"
    diary.study.diary_days_required = 2
    db.session.add(
        DiaryPreference(study_id=diary.study.id, user_id=diary.me.id, non_working_days=[0, 1, 2])
    )
    db.session.commit()
    chosen = allocate_days(diary.study)
    assert set(chosen) == {diary.me.id, diary.colleague.id}
    for day in chosen[diary.me.id]:
        assert day.weekday() in (3, 4, 5, 6)
    for days in chosen.values():
        assert all(date.today() < d <= diary.study.collection_end for d in days)
    assert allocate_days(diary.study) == {}  # nobody is allocated twice
    assert db.session.scalar(select(AuditEvent).filter_by(action="diary_days_allocated"))


def test_reminders_the_day_before_and_nudges_once(diary, outbox):
    tomorrow = date.today() + timedelta(days=1)
    db.session.add(DiaryAllocation(study_id=diary.study.id, user_id=diary.me.id, date=tomorrow))
    make_day(diary.colleague, diary.study, diary.practice, on=date.today() - timedelta(days=3))
    make_day(diary.me, diary.study, diary.practice, on=date.today() - timedelta(days=1))
    db.session.commit()
    assert send_reminders() == {"reminders": 1, "nudges": 1}
    by_person = {m.to[0]: m for m in outbox}
    assert "is tomorrow" in by_person[diary.me.email].subject
    assert f"/take-part/{diary.study.slug}/diary/" in by_person[diary.me.email].body
    assert "not finished" in by_person[diary.colleague.email].subject
    assert send_reminders() == {"reminders": 0, "nudges": 0}
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("diary_reminder_sent") == 1 and actions.count("diary_nudge_sent") == 1


def test_cli_remind_and_tokens(app, diary, outbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["diary", "remind"])
    assert result.exit_code == 0 and "Sent 0 reminders and 0 nudges" in result.output
    result = runner.invoke(args=["tokens", "create", diary.me.email])
    assert result.exit_code == 0 and result.output.startswith("pact_")
    result = runner.invoke(args=["diary", "allocate", diary.study.slug])
    assert result.exit_code != 0 and "choose their days" in result.output
