"""Round trips to PostgreSQL for one diary entry written through the API: each is a wait for
the server on a shared machine, so the write path's count is pinned here (docs/performance.md,
"PostgreSQL round trips"). Counted where psycopg waits for the server's answer, so `BEGIN`,
`COMMIT` and the server-side `PREPARE` of a statement's first prepared use count too."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.models import User
from pact_feedback.api.models import ApiToken
from pact_feedback.api.tokens import create_token, revoke_token
from pact_feedback.diary.models import TaskEntry
from pact_feedback.extensions import db
from pact_feedback.participation.models import Withdrawal
from tests.diary.conftest import make_day


def round_trips(work) -> list[str]:
    """What psycopg sent for each round trip while `work` ran: "BEGIN", "COMMIT", "PREPARE …"
    or the statement's first words."""
    import psycopg
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
        assert psycopg  # the patched modules are psycopg's own
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
    "SELECT api_tokens.id AS token_id,",  # the token, the day, its standing, a retry, category
    "UPDATE diary_days SET updated_at=$1::TIMESTAMP",  # the claim of the day
    "SELECT diary_entries.id, diary_entries.minutes, diary_entries.started_at,",  # its check
    "INSERT INTO diary_entries (day_id,",
    "INSERT INTO audit_events (at,",
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
