"""Retries that should be retries, and new entries that should be new (issue 17, point 12).

API: the same client_id in upper case or braces, or the same body with a default written out,
is the same request (a replay, not 409); after DELETE the same client_id makes a new entry
(decided and documented in docs/diary.md). Web: the form sent again with other values stays
the one task already saved, and says that the changes were not saved (never silent); "Repeat
last task" pressed twice makes one row."""

import os
import uuid

from sqlalchemy import func, select

from pact_feedback.api.tokens import create_token
from pact_feedback.diary.models import TaskEntry
from pact_feedback.extensions import db
from tests.conftest import login, page
from tests.diary.conftest import make_day


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(TaskEntry))


def _poster(client, diary, day):
    _, secret = create_token(diary.me, "phone", by=diary.me)
    url = f"/api/v1/days/{day.id}/entries"

    def post(body):
        return client.post(url, json=body, headers={"Authorization": f"Bearer {secret}"})

    return post, secret


def test_a_uuid_in_another_spelling_or_an_explicit_default_is_a_replay(client, diary):
    day = make_day(diary.me, diary.study, diary.practice)
    post, _ = _poster(client, diary, day)
    key = uuid.uuid4()
    first = post({"client_id": str(key), "category": "B1", "minutes": 5})
    assert first.status_code == 201
    for body in [
        {"client_id": str(key).upper(), "category": "B1", "minutes": 5},
        {"client_id": "{" + str(key) + "}", "category": "B1", "minutes": 5},
        {"client_id": str(key), "category": "B1", "minutes": 5, "interrupted": False},
        {"client_id": str(key), "category": "B1", "minutes": 5, "note": None},
        {"category": "B1", "outside_hours": False, "minutes": 5, "client_id": key.hex},
    ]:
        again = post(body)
        assert again.status_code == 200, (body, again.get_json())
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.get_json()["id"] == first.get_json()["id"]
    assert post({"client_id": str(key), "category": "B1", "minutes": 6}).status_code == 409
    assert _count() == 1


def test_after_delete_the_same_client_id_makes_a_new_entry(client, diary):
    """Decided: a client_id names one create request while its entry exists; once the entry
    is deleted (by its owner, on purpose), the same create is a new entry (docs/diary.md)."""
    day = make_day(diary.me, diary.study, diary.practice)
    post, secret = _poster(client, diary, day)
    body = {"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5}
    first = post(body).get_json()["id"]
    deleted = client.delete(
        f"/api/v1/entries/{first}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert deleted.status_code == 204
    again = post(body)
    assert again.status_code == 201  # created (SQLite may give it the same id again)
    assert _count() == 1


def _form(html, selector):
    form = html.select_one(selector)
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def test_the_web_form_sent_again_is_replayed_whatever_its_values(client, diary):
    """The page's key sent again is one task, even with other values: the offline queue can send
    one task in two spellings, and it must never make two (each new form has a fresh key)."""
    day = make_day(diary.me, diary.study, diary.practice)
    login(client, diary.me)
    day_url = f"{diary.base}/{day.id}"
    hidden = _form(page(client.get(day_url)), "form#add-entry-form, form:has([name=client_id])")
    assert hidden.get("client_id")
    url = f"{day_url}/entries"
    b1 = str(diary.categories["B1"].id)
    assert client.post(url, data={**hidden, "category_id": b1, "minutes": "10"}).status_code == 302
    # The same page sent twice (a double click): one entry.
    assert client.post(url, data={**hidden, "category_id": b1, "minutes": "10"}).status_code == 302
    assert _count() == 1
    # The same key with other values: still the one task already saved, never a second, and
    # the page says so (not a silent replay that looks like the change was saved).
    changed = client.post(url, data={**hidden, "category_id": b1, "minutes": "25"})
    assert changed.status_code == 302
    assert _count() == 1
    assert [e.minutes for e in db.session.scalars(select(TaskEntry))] == [10]
    told = page(client.get(changed.location)).get_text(" ", strip=True)
    assert "changes were not saved" in told
    assert "Already saved" in told
    # The same from the page's script (JSON): the saved task comes back with the warning.
    sent = client.post(
        url,
        data={**hidden, "category_id": b1, "minutes": "30"},
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 200
    assert sent.get_json()["created"] is False
    assert sent.get_json()["message"] == "Already saved"
    assert any("changes were not saved" in w for w in sent.get_json()["warnings"])
    # A plain double click (same values) is not warned about.
    again = client.post(
        url,
        data={**hidden, "category_id": b1, "minutes": "10"},
        headers={"Accept": "application/json"},
    )
    assert again.get_json()["warnings"] == []
    assert again.get_json()["message"] == "Task added"


def test_repeat_last_task_pressed_twice_makes_one_row(client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 10)])
    login(client, diary.me)
    html = page(client.get(f"{diary.base}/{day.id}"))
    hidden = _form(html, "form[data-diary-repeat]")
    assert hidden.get("client_id"), "the repeat button carries its own idempotency key"
    url = f"{diary.base}/{day.id}/repeat-last"
    assert client.post(url, data=hidden).status_code == 302
    assert client.post(url, data=hidden).status_code == 302
    assert _count() == 2  # the first entry and one repeat
    # The page after it has a new key: pressing it again repeats again.
    again = _form(page(client.get(f"{diary.base}/{day.id}")), "form[data-diary-repeat]")
    assert again["client_id"] != hidden["client_id"]
    assert client.post(url, data=again).status_code == 302
    assert _count() == 3


def test_a_replay_is_on_disk_before_it_is_acknowledged(client, diary, monkeypatch):
    """On SQLite the first request syncs its commit after letting go of the lock, so a retry
    arriving in between could read the entry before it is on disk: the replay syncs the WAL
    too before answering. (PostgreSQL shows a commit to others only once it is flushed, so
    there our code syncs nothing.)"""
    day = make_day(diary.me, diary.study, diary.practice)
    post, _ = _poster(client, diary, day)
    wal = getattr(db.session.connection().connection.dbapi_connection, "wal_path", None)
    synced = []
    real = os.fdatasync
    monkeypatch.setattr(os, "fdatasync", lambda fd: synced.append(os.fstat(fd).st_ino) or real(fd))
    body = {"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5}
    assert post(body).status_code == 201
    after_the_write = list(synced)
    assert post(body).headers["Idempotent-Replayed"] == "true"
    if wal is None:
        assert synced == []
    else:
        assert after_the_write == [os.stat(wal).st_ino]  # the write's own commit
        assert synced == [os.stat(wal).st_ino] * 2  # and again before the replay's answer
