"""The `flask` commands the study team scripts its set-up with."""

from sqlalchemy import func, select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment, Study
from tests.conftest import login
from tests.practices.test_import import GOOD, _csv


def _run(app, *args, **kwargs):
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_create_enrol_and_create_users(app, ctx, tmp_path, client):
    practices = tmp_path / "practices.csv"
    practices.write_text(_csv(*GOOD))
    result = _run(app, "import-practices", str(practices))
    assert result.exit_code == 0, result.output
    assert "Imported 2 new practice(s)" in result.output

    assert _run(app, "studies", "create", "why-test", "--title", "Why Test").exit_code == 0
    enrol = tmp_path / "enrol.csv"
    enrol.write_text("ods_code,report_sent_on\nA81001,2026-01-15\nS81002,\n")
    result = _run(app, "studies", "enrol", "why-test", str(enrol))
    assert result.exit_code == 0, result.output
    assert _count(Enrolment) == 2

    result = _run(
        app,
        "create-user",
        "lead@example.org",
        "--role",
        "practice_lead",
        "--practice",
        "a81001",
        "--generate",
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].strip()
    login(client, "lead@example.org", password)
    assert client.get("/practices/A81001").status_code == 200

    result = _run(
        app,
        "create-user",
        "gp@example.org",
        "--role",
        "participant",
        "--practice",
        "A81001",
        "--study",
        "why-test",
        "--password",
        "long enough pw",
    )
    assert result.exit_code == 0, result.output
    membership = db.session.scalar(
        select(Membership).join(User).where(User.email == "gp@example.org")
    )
    assert membership.study_id == db.session.scalar(select(Study.id))


def test_import_with_a_bad_row_exits_nonzero_and_imports_nothing(app, ctx, tmp_path):
    path = tmp_path / "practices.csv"
    path.write_text(_csv(GOOD[0], GOOD[1].replace("6400", "lots")))
    result = _run(app, "import-practices", str(path))
    assert result.exit_code == 1
    assert "line 3 [list_size]" in result.output
    assert _count(Practice) == 0


def test_participant_needs_practice_and_study(app, ctx):
    result = _run(app, "create-user", "gp@example.org", "--role", "participant", "--generate")
    assert result.exit_code == 2
    assert "--practice is required" in result.output
    assert _count(User) == 0


def test_seed_demo_is_deterministic_and_skips_a_full_database(app, ctx):
    result = _run(app, "seed-demo", "--if-empty", "--password", "demo-password-x")
    assert result.exit_code == 0, result.output
    assert "study.team@pact.example" in result.output
    counts = (_count(Practice), _count(Study), _count(User))
    assert counts[0] == 58 and counts[1] >= 2
    result = _run(app, "seed-demo", "--if-empty", "--password", "demo-password-x")
    assert "already has data" in result.output
    assert (_count(Practice), _count(Study), _count(User)) == counts
    nations = set(db.session.scalars(select(Practice.nation)))
    assert nations == {"England", "Scotland", "Wales", "Northern Ireland"}
