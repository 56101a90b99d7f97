"""Fixtures: the schema once per session (built by the real migrations), clean tables per test,
factories for data, and a sign-in helper that uses the real form with its CSRF token."""

import os
import re
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from pact_feedback import create_app
from pact_feedback.accounts.actions import grant_role
from pact_feedback.accounts.models import Consent, User
from pact_feedback.accounts.passwords import hash_password
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db, limiter
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment, Study

PASSWORD = "correct horse battery"
# What create_app needs to start in production (docs/production.md): a strong key, the public
# address (its host becomes the only trusted one), for tests that build a production app.
PRODUCTION_SETTINGS = {
    "SECRET_KEY": "test-production-key-aB3dE5gH7jK9mN1pQ2rS4tU6vW8xY0z",
    "SERVER_BASE_URL": "https://pact.test",
}


def reset_database(database_url: str) -> None:
    """Start from an empty database: drop the public schema on PostgreSQL (SQLite starts new)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    if database_url.startswith("postgresql"):
        engine = create_engine(database_url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    )


class IsolatedClient(FlaskClient):
    """Test requests reuse the test's app context (and so `g`); start each one as a browser would:
    with an empty `g` (no cached user or CSRF token) and nothing stale in the identity map."""

    def open(self, *args, **kwargs):
        for name in list(g):
            g.pop(name)
        db.session.expire_all()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(database_url):
    reset_database(database_url)
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def another_app(database_url):
    """Build extra apps on the same database (another worker process, another config);
    their connection pools are closed afterwards."""
    built = []

    def build(config_name="testing", **overrides):
        overrides.setdefault("SQLALCHEMY_DATABASE_URI", database_url)
        extra = create_app(config_name, **overrides)
        built.append(extra)
        return extra

    yield build
    for extra in built:
        with extra.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request):
    """Empty every table and the rate-limit counters after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Replica mode skips triggers, among them the audit log's TRUNCATE guard
                # (which exists to stop exactly this outside tests); superuser only.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for name in tables:
                    conn.execute(text(f"DELETE FROM {name}"))
        limiter.reset()
        getattr(app.extensions.get("mailman"), "outbox", []).clear()


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app, ctx):
    return app.test_client()


@pytest.fixture
def outbox(app):
    mailman = app.extensions["mailman"]
    if not hasattr(mailman, "outbox"):
        mailman.outbox = []
    return mailman.outbox


# Factories ------------------------------------------------------------------------------------

_counter = iter(range(1, 10**6))


def make_practice(**overrides) -> Practice:
    practice = Practice(**practice_fields(**overrides))
    db.session.add(practice)
    db.session.commit()
    return practice


def practice_fields(**overrides) -> dict:
    """A practice's columns with ordinary values (a fresh ODS code and name each time)."""
    n = next(_counter)
    fields = dict(
        ods_code=f"P{n:05d}",
        name=f"Practice {n}",
        nation="England",
        region="London",
        list_size=8000,
        pct_65_plus=15.0,
        imd_score=25.0,
        imd_decile=5,
        pct_rural=10.0,
        data_date=date(2026, 4, 1),
    )
    fields.update(overrides)
    return fields


def make_study(*, practices=(), taxonomy=True, **overrides) -> Study:
    """A study as `create_study` makes it (with the default diary taxonomy unless
    `taxonomy=False`), in the stage and window the test needs."""
    n = next(_counter)
    start = date.today() - timedelta(days=3)
    fields = dict(
        slug=f"study-{n}",
        title=f"Study {n}",
        collection_start=start,
        collection_end=start + timedelta(days=20),
        status="recruiting",
    )
    fields.update(overrides)
    study = Study(**fields)
    db.session.add(study)
    db.session.flush()
    if taxonomy:
        ensure_taxonomy(study)
    for practice in practices:
        db.session.add(Enrolment(study=study, practice=practice))
    db.session.commit()
    return study


def make_user(
    email=None,
    *,
    role=None,
    practice=None,
    study=None,
    consented=False,
    staff_role=None,
    password=PASSWORD,
) -> User:
    n = next(_counter)
    user = User(
        email=email or f"user{n}@example.org",
        name=f"User {n}",
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    if role:
        membership = grant_role(user, role, practice=practice, study=study, by=user)
        membership.staff_role = staff_role
    if consented:
        db.session.add(Consent(user_id=user.id, study_id=study.id, pis_version=study.pis_version))
    db.session.commit()
    return user


# Pages ----------------------------------------------------------------------------------------


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def csrf_token(client, url: str) -> str:
    response = client.get(url)
    field = page(response).find("input", attrs={"name": "csrf_token"})
    assert field is not None, f"no CSRF token on {url} ({response.status_code})"
    return field["value"]


def submit(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """POST `data` to `url` with the CSRF token from the form page, like a browser would."""
    token = csrf_token(client, form_url or url)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def login(client, user_or_email, password=PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    response = submit(client, "/account/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:500]
    return response


def error_messages(response) -> list[str]:
    return [
        re.sub(r"\s+", " ", e.get_text(" ", strip=True)).replace("Error: ", "")
        for e in page(response).select(".nhsuk-error-message")
    ]
