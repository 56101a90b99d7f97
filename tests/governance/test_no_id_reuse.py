"""Erased rows leave no id behind for another record: old audit rows keep pointing at nothing,
never at someone else's data (SQLite AUTOINCREMENT; PostgreSQL sequences never go back)."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from pact_feedback.accounts.models import Membership
from pact_feedback.extensions import db
from pact_feedback.governance.actions import erase
from tests.governance.conftest import make_day


def test_erased_diary_day_and_entry_ids_are_not_given_to_the_next_record(diary):
    """The erased participant's day is the newest row; the colleague's next day and entry
    get new ids, not the erased ones."""
    yesterday = date.today() - timedelta(days=1)
    make_day(diary.colleague, diary.study, diary.practice, on=yesterday, entries=[("A1", 5)])
    mine = make_day(diary.me, diary.study, diary.practice, entries=[("A1", 30)])
    erased_day, erased_entry = mine.id, mine.entries[0].id
    membership = db.session.scalar(
        select(Membership).filter_by(user_id=diary.me.id, study_id=diary.study.id)
    )
    erase(membership, by=diary.me)
    new = make_day(diary.colleague, diary.study, diary.practice, entries=[("B1", 10)])
    assert new.id > erased_day
    assert new.entries[0].id > erased_entry


def test_every_table_with_an_id_never_reuses_it_on_sqlite(app, ctx):
    """Each table keyed by `id` is AUTOINCREMENT in the migrated SQLite schema."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never hand out an id twice")
    rows = db.session.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    keyed = {name: sql for name, sql in rows if re.search(r"\bid INTEGER NOT NULL", sql)}
    assert {"diary_days", "diary_entries", "users", "audit_events"} <= set(keyed)
    plain = [name for name, sql in keyed.items() if "AUTOINCREMENT" not in sql]
    assert plain == []
