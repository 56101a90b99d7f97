"""Retention: `flask purge-expired` deletes what is past each closed study's retention period.
Backups: `flask backup` copies the SQLite database; restoring the copy finds every row."""

import shutil
import sqlite3
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.roles import PARTICIPANT, STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.models import DiaryDay, TaskEntry
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from pact_feedback.governance.retention import add_months
from pact_feedback.reports.actions import generate
from pact_feedback.reports.models import Report
from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion
from tests.conftest import make_user
from tests.governance.conftest import make_day
from tests.reports.scenario import build_round
from tests.surveys.helpers import surveyed_study


def _count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def _closed_study_with_data(months_ago: int, retention: int):
    study, survey, practices = surveyed_study(1)
    ensure_taxonomy(study)
    person = make_user(role=PARTICIPANT, practice=practices[0], study=study, consented=True)
    make_day(person, study, practices[0], on=date(2026, 3, 2), entries=[("A1", 30)])
    response = SurveyResponse(
        wave_id=survey.waves[0].id, practice_id=practices[0].id, submitted_at=datetime(2026, 6, 1)
    )
    response.versions.append(SurveyResponseVersion(number=1, submitted=True, answers={}))
    db.session.add(response)
    study.status = "closed"
    study.closed_at = datetime.now() - timedelta(days=31 * months_ago)
    study.retention_months = retention
    db.session.commit()
    return study


def test_add_months_keeps_month_ends_valid():
    assert add_months(datetime(2026, 1, 31), 1) == datetime(2026, 2, 28)
    assert add_months(datetime(2024, 1, 31), 1) == datetime(2024, 2, 29)
    assert add_months(datetime(2026, 11, 15), 60) == datetime(2031, 11, 15)


def test_purge_expired_deletes_only_studies_past_retention(app, ctx):
    expired = _closed_study_with_data(months_ago=13, retention=12)
    kept = _closed_study_with_data(months_ago=11, retention=12)
    world = build_round(sizes=(5, 5, 5))
    generate(world.study, by=make_user(role=STUDY_TEAM))
    world.study.status, world.study.closed_at = "closed", datetime(2020, 1, 1)
    world.study.retention_months = 60
    db.session.commit()
    reports_before = _count(Report, study_id=world.study.id)
    assert reports_before > 0

    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    assert f"{expired.slug}: closed" in result.output and "kept 12 months" in result.output
    assert f"{world.study.slug}: closed 2020-01-01" in result.output
    assert kept.slug not in result.output
    db.session.expire_all()
    assert _count(DiaryDay, study_id=expired.id) == 0
    assert _count(DiaryDay, study_id=world.study.id) == 0
    assert _count(Report, study_id=world.study.id) == 0
    assert _count(DiaryDay, study_id=kept.id) == 1
    assert _count(TaskEntry) == 1  # only the kept study's entry is left
    assert _count(SurveyResponse) == 1 and _count(SurveyResponseVersion) == 1
    events = db.session.scalars(select(AuditEvent).filter_by(action="retention_purge")).all()
    assert {e.object_id for e in events} == {str(expired.id), str(world.study.id)}
    purge = next(e for e in events if e.object_id == str(world.study.id))
    assert purge.details["rows_deleted"]["reports"] == reports_before

    again = app.test_cli_runner().invoke(args=["purge-expired"])
    assert "already purged" in again.output
    assert (
        len(db.session.scalars(select(AuditEvent).filter_by(action="retention_purge")).all()) == 2
    )


def test_nothing_to_purge_says_so(app, ctx):
    _closed_study_with_data(months_ago=1, retention=60)
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert "Nothing deleted" in result.output
    assert _count(DiaryDay) == 1


@pytest.fixture
def sqlite_app(app, another_app, tmp_path):
    """The test app when it runs on SQLite; otherwise an app on its own migrated SQLite file,
    so the SQLite backup is proved in every run, PostgreSQL runs included."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return app
    extra = another_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    with extra.app_context():
        from flask_migrate import upgrade

        upgrade()
    return extra


def test_sqlite_backup_restores_every_row(sqlite_app, tmp_path):
    with sqlite_app.app_context():
        _check_sqlite_backup(sqlite_app, tmp_path)


def _check_sqlite_backup(app, tmp_path):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    _closed_study_with_data(months_ago=1, retention=60)
    out = tmp_path / "backup.sqlite3"
    result = app.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    assert "sqlite online backup" in result.output
    restored = tmp_path / "restored.sqlite3"
    shutil.copyfile(out, restored)  # the documented restore: copy the file into place
    source = sqlite3.connect(url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(restored)
    tables = [
        name
        for (name,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert "diary_days" in tables and "alembic_version" in tables
    checked = 0
    for table in tables:
        original = sorted(source.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr)
        if table == "audit_events":  # the backup itself is logged after the copy is taken
            original = [r for r in original if "database_backed_up" not in r]
        assert sorted(copy.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) == original
        checked += len(original)
    assert checked > 20
    source.close()
    copy.close()


def test_backup_of_an_unknown_database_is_a_clear_error(tmp_path):
    from pact_feedback.governance.backup import BackupError, backup

    with pytest.raises(BackupError, match="not supported"):
        backup("mysql://localhost/db", tmp_path / "x")
    with pytest.raises(BackupError, match="in-memory"):
        backup("sqlite://", tmp_path / "x")


def test_postgresql_backup_restores_every_row(app, ctx, tmp_path):
    """Needs TEST_DATABASE_URL on PostgreSQL, pg_dump and pg_restore, and a scratch database
    named like the test database with `_restore` on the end (emptied by the restore)."""
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql" or not shutil.which("pg_restore"):
        pytest.skip("PostgreSQL with pg_dump and pg_restore only")
    _closed_study_with_data(months_ago=1, retention=60)
    out = tmp_path / "backup.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    target = url.set(database=f"{url.database}_restore")
    plain = target.set(drivername="postgresql").render_as_string(hide_password=False)
    import subprocess

    restore = subprocess.run(  # noqa: S603
        [shutil.which("pg_restore"), "--clean", "--if-exists", "--no-owner", "-d", plain, str(out)],
        capture_output=True,
        text=True,
    )
    if "does not exist" in restore.stderr and "database" in restore.stderr:
        pytest.skip(f"create the scratch database {target.database} to run this test")
    assert restore.returncode == 0, restore.stderr
    source = db.engine
    copy = create_engine(target, poolclass=NullPool)
    tables = inspect(source).get_table_names()
    with source.connect() as a, copy.connect() as b:
        for table in tables:
            query = text(f'SELECT * FROM "{table}"')
            original = sorted(map(tuple, a.execute(query)), key=repr)
            if table == "audit_events":
                original = [r for r in original if "database_backed_up" not in r]
            assert sorted(map(tuple, b.execute(query)), key=repr) == original, table
    copy.dispose()


def test_study_team_sets_the_retention_period(client, ctx):
    from tests.conftest import error_messages, login, make_study, page, submit

    study = make_study()
    team = make_user(role=STUDY_TEAM)
    login(client, team)
    url = f"/governance/studies/{study.slug}/retention"
    assert 'value="60"' in client.get(url).get_data(as_text=True)
    refused = submit(client, url, {"months": "0"})
    assert refused.status_code == 422
    assert error_messages(refused) == ["Enter a number of months from 1 to 600"]
    assert submit(client, url, {"months": "84"}).status_code == 302
    db.session.expire_all()
    assert study.retention_months == 84
    event = db.session.scalar(select(AuditEvent).filter_by(action="retention_changed"))
    assert (event.details["old"], event.details["new"]) == (60, 84)
    listing = page(client.get(f"/governance/studies/{study.slug}/participants"))
    assert "kept for 84 months" in listing.get_text()
