"""Round trips to PostgreSQL for one diary entry written through the API: each is a wait for
the server on a shared machine, so the write path's count is pinned here (docs/performance.md,
"Fewer round trips an entry"). Counted where psycopg waits for the server's answer (its
private `generators.execute`: a psycopg upgrade that moves it fails these tests loudly), so
`BEGIN`, `COMMIT` and the server-side `PREPARE` of a statement's first prepared use count too.

The statements folded together to get there are checked on both databases: the token checked
in the entry's first statement answers as `authenticate` does, and the one write statement
leaves the entry, the audit row and the day as the separate ones did."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select, update

from pact_feedback.accounts.models import User
from pact_feedback.api.models import ApiToken
from pact_feedback.api.tokens import create_token, revoke_token
from pact_feedback.audit.log import row_values
from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary import actions
from pact_feedback.diary.models import DiaryDay, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.participation.models import Withdrawal
from tests.diary.conftest import make_day


def round_trips(work) -> list[str]:
    """What psycopg sent for each round trip while `work` ran: "BEGIN", "COMMIT", "PREPARE …"
    or the statement's first words."""
    from psycopg import _connection_base, _cursor_base, generators

    sent: list[str] = []
    trips: list[str] = []
    execute = generators.execute

    def counted(pgconn):
        trips.append(sent[-1] if sent else "?")
        return (yield from execute(pgconn))

    exec_command = _connection_base.BaseConnection._exec_command
    send_prepare = _cursor_base.BaseCursor._send_prepare
    execute_send = _cursor_base.BaseCursor._execute_send
    send_prepared = _cursor_base.BaseCursor._send_query_prepared

    def command(self, cmd, *args, **kwargs):
        sent.append(cmd.decode() if isinstance(cmd, bytes) else str(cmd))
        return exec_command(self, cmd, *args, **kwargs)

    def prepare(self, name, pgq):
        sent.append("PREPARE " + _words(pgq.query))
        return send_prepare(self, name, pgq)

    def send(self, pgq, *args, **kwargs):
        sent.append(_words(pgq.query))
        return execute_send(self, pgq, *args, **kwargs)

    def send_named(self, name, pgq, *args, **kwargs):
        sent.append(_words(pgq.query))
        return send_prepared(self, name, pgq, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(generators, "execute", counted)
        patch.setattr(_cursor_base, "execute", counted)
        patch.setattr(_connection_base.BaseConnection, "_exec_command", command)
        patch.setattr(_cursor_base.BaseCursor, "_send_prepare", prepare)
        patch.setattr(_cursor_base.BaseCursor, "_execute_send", send)
        patch.setattr(_cursor_base.BaseCursor, "_send_query_prepared", send_named)
        work()
    return trips


def _words(query: bytes) -> str:
    return " ".join(query.decode().split()[:4])


@pytest.fixture
def poster(app, client, diary):
    """POST a new entry to a day of the participant's with their token (or `headers`)."""
    _, secret = create_token(diary.me, "phone", by=diary.me)
    day_id = make_day(diary.me, diary.study, diary.practice).id

    def post(*, day=None, headers=None, client_id=None, minutes=1):
        return client.post(
            f"/api/v1/days/{day or day_id}/entries",
            headers={"Authorization": f"Bearer {secret}"} if headers is None else headers,
            json={
                "category": "A1",
                "minutes": minutes,
                "client_id": client_id or str(uuid.uuid4()),
            },
        )

    post.secret, post.day_id = secret, day_id
    return post


def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("round trips to a server: SQLite runs in the process")


# Before issue 22's round-trip work an entry was 8: BEGIN, the token, the day and standing, the
# claim of the day, the day's check, the insert, the audit row, COMMIT.
AN_ENTRY = [
    "BEGIN",
    # the token, the day (locked: FOR NO KEY UPDATE), its standing, a retry, the category
    "SELECT api_tokens.id AS token_id,",
    # the day's check, after the lock
    "SELECT diary_entries.id, diary_entries.minutes, diary_entries.started_at,",
    "WITH new_entry AS (INSERT",  # the entry, the day's updated_at and the audit row
    "COMMIT",
]


def test_an_entry_costs_its_round_trips_and_no_more(poster, database_url):
    _postgresql_only(database_url)
    for _ in range(8):  # psycopg prepares a statement on its sixth use (one round trip more)
        assert poster().status_code == 201

    trips = round_trips(lambda: assert_created(poster()))

    assert trips == AN_ENTRY


def test_a_replay_costs_four(poster, database_url):
    _postgresql_only(database_url)
    client_id = str(uuid.uuid4())
    for _ in range(8):
        poster()
    assert poster(client_id=client_id).status_code == 201

    trips = round_trips(lambda: poster(client_id=client_id))

    assert [t.split()[0] for t in trips] == ["BEGIN", "SELECT", "SELECT", "COMMIT"]


def assert_created(response):
    assert response.status_code == 201, response.get_json()


# The token is checked in the entry's first statement (not in a statement of its own before
# the view): the answers are the ones every other endpoint gives, on SQLite and PostgreSQL.


def _problem(response):
    return (
        response.status_code,
        response.mimetype,
        response.headers.get("WWW-Authenticate"),
        response.headers.get("Cache-Control"),
        response.get_json(),
    )


def test_no_bad_unknown_or_revoked_token_is_the_same_401_as_elsewhere(client, diary, poster):
    elsewhere = _problem(client.get("/api/v1/studies", headers={"Authorization": "Bearer x"}))
    assert elsewhere[0] == 401 and elsewhere[1] == "application/problem+json"
    unknown = "pact_" + "x" * 43
    for headers in (
        {},
        {"Authorization": "Bearer pact_nope"},
        {"Authorization": f"Basic {poster.secret}"},
        {"Authorization": f"Bearer {unknown}"},
        {"Authorization": f"Bearer {poster.secret[:-1]}"},  # the right prefix, a wrong digest
    ):
        assert _problem(poster(headers=headers)) == elsewhere, headers
    assert poster().status_code == 201
    revoke_token(db.session.scalar(select(ApiToken)), by=diary.me)
    assert _problem(poster()) == elsewhere  # at once: no worker remembers a token
    assert _count_entries() == 1


def test_a_deactivated_users_token_is_refused_at_once(diary, poster):
    assert poster().status_code == 201
    db.session.get(User, diary.me.id).active = False
    db.session.commit()
    response = poster()
    assert response.status_code == 401 and response.get_json()["title"]
    assert _count_entries() == 1


def test_a_day_not_the_token_owners_is_404_and_body_errors_come_after(diary, poster):
    theirs = make_day(diary.colleague, diary.study, diary.practice).id
    for day in (theirs, 999_999):
        response = poster(day=day)
        assert response.status_code == 404, day
        assert response.get_json()["detail"] == "No diary day of yours with that id"
    assert poster(minutes="five").status_code == 422
    assert _count_entries() == 0


def test_a_withdrawn_participant_is_refused_by_the_same_statement(diary, poster):
    db.session.add(Withdrawal(user_id=diary.me.id, study_id=diary.study.id))
    db.session.commit()
    response = poster()
    assert response.status_code == 403 and response.get_json()["type"].endswith("/withdrawn")
    assert _count_entries() == 0


def test_the_token_is_marked_used_at_most_once_a_minute(diary, poster):
    token_id = db.session.scalar(select(ApiToken.id))
    assert poster().status_code == 201
    db.session.expire_all()
    first = db.session.get(ApiToken, token_id).last_used_at
    assert first is not None
    assert poster().status_code == 201
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).last_used_at == first
    db.session.get(ApiToken, token_id).last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    assert poster().status_code == 201
    db.session.expire_all()
    assert db.session.get(ApiToken, token_id).last_used_at > first - timedelta(minutes=1)


def _count_entries() -> int:
    return db.session.scalar(select(func.count()).select_from(TaskEntry))


# The statements folded together on PostgreSQL still do what the separate ones did.


def test_an_entry_writes_its_audit_row_and_touches_its_day(diary, poster):
    day = db.session.get(DiaryDay, poster.day_id)
    before = day.updated_at
    response = poster(minutes=25)
    assert response.status_code == 201
    entry_id = response.get_json()["id"]
    db.session.expire_all()
    event = db.session.scalar(select(AuditEvent).filter_by(action="diary_entry_added"))
    assert (event.object_type, event.object_id, event.actor_id) == (
        "TaskEntry",
        str(entry_id),
        diary.me.id,
    )
    assert event.details == {"day_id": poster.day_id, "minutes": 25}
    assert db.session.get(DiaryDay, poster.day_id).updated_at > before
    assert db.session.get(TaskEntry, entry_id).minutes == 25


def test_a_client_id_taken_under_the_insert_writes_nothing_and_gives_the_saved_entry(diary, poster):
    """The race a concurrent retry wins: the client_id was not there when looked up, and is
    there when inserting. The insert (and on PostgreSQL the audit row in the same statement)
    is undone and the saved entry comes back."""
    client_id = str(uuid.uuid4())
    saved = poster(client_id=client_id).get_json()["id"]
    events = _count(AuditEvent)
    day = db.session.get(DiaryDay, poster.day_id)
    held = actions.holds_rows()
    if not held:
        actions.claim_day(day)
    entry, created = actions.add_entry(
        day,
        {"category_id": diary.categories["A1"].id, "minutes": 5},
        by=diary.me,
        client_id=client_id,
        claimed=True,
        looked_up=True,  # as if looked up before the other request committed
        commit=False,
        touch_day=held,
    )
    db.session.commit()
    assert (created, entry.id) == (False, saved)
    assert _count(AuditEvent) == events and _count_entries() == 1


def test_insert_entry_writes_the_entry_and_its_audit_row_on_either_database(diary, poster):
    """The one dialect branch: one statement on PostgreSQL (with the day's updated_at when the
    day was held by a read), two on SQLite, which holds a day only by writing to it first."""
    now = db.session.get(DiaryDay, poster.day_id).updated_at + timedelta(minutes=5)
    row = {name: None for name in actions.ENTRY_FIELDS} | {
        "category_id": diary.categories["A1"].id,
        "minutes": 7,
        "outside_hours": False,
        "interrupted": False,
        "day_id": poster.day_id,
        "client_id": "direct",
        "request_hash": None,
        "created_at": now,
        "updated_at": now,
    }
    audit = row_values(
        "diary_entry_added", by=diary.me, object_class=TaskEntry, object_id=None, minutes=7
    )
    if actions.holds_rows():
        entry_id = actions.insert_entry(row, audit, touch_day=True)
    else:
        with pytest.raises(ValueError, match="claim_day"):
            actions.insert_entry(row, audit, touch_day=True)
        entry_id = actions.insert_entry(row, audit)
    db.session.commit()
    assert db.session.get(TaskEntry, entry_id).client_id == "direct"
    event = db.session.scalar(select(AuditEvent).filter_by(action="diary_entry_added"))
    assert (event.object_id, event.details) == (str(entry_id), {"minutes": 7})
    touched = db.session.get(DiaryDay, poster.day_id).updated_at == now
    assert touched == actions.holds_rows()


def test_a_day_being_written_holds_a_new_entry_until_it_can_check_the_days_total(
    app, diary, poster, database_url
):
    """Another transaction has claimed the day and added 23h50m, not yet committed: the API's
    first statement waits for the day's row (FOR NO KEY UPDATE), so its 24-hour check sees
    those minutes and refuses 20 more, as it would one request after the other."""
    _postgresql_only(database_url)
    answers = []

    def post():
        with app.app_context():
            answers.append(
                app.test_client().post(
                    f"/api/v1/days/{poster.day_id}/entries",
                    headers={"Authorization": f"Bearer {poster.secret}"},
                    json={"category": "A1", "minutes": 20, "client_id": str(uuid.uuid4())},
                )
            )
            db.session.remove()

    writer = threading.Thread(target=post)
    with db.engine.connect() as other:
        with other.begin():
            other.execute(
                update(DiaryDay).where(DiaryDay.id == poster.day_id).values(updated_at=func.now())
            )
            other.execute(
                insert(TaskEntry),
                [
                    {
                        "day_id": poster.day_id,
                        "category_id": diary.categories["B1"].id,
                        "minutes": 715,
                        "client_id": f"other-{n}",
                    }
                    for n in range(2)
                ],
            )
            writer.start()
            writer.join(timeout=1.5)
            assert writer.is_alive()  # waiting for the day
        writer.join(timeout=30)
    assert not writer.is_alive()
    assert answers[0].status_code == 422, answers[0].get_json()
    assert "24 hours" in str(answers[0].get_json()["errors"])
    assert _count_entries() == 2


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))
