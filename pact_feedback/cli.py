"""`flask` commands, so the study team can script set-up. Each has a web equivalent."""

import secrets

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from pact_feedback.accounts.actions import grant_role, normalise_email
from pact_feedback.accounts.models import User
from pact_feedback.accounts.passwords import hash_password
from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, ROLES, STUDY_TEAM
from pact_feedback.audit.log import record
from pact_feedback.core.inputs import NamedText, TextFile
from pact_feedback.extensions import db
from pact_feedback.practices.importing import (
    import_practices,
    parse_enrolments,
    parse_practices,
    practices_by_code,
)
from pact_feedback.studies import actions as study_actions

studies_cli = AppGroup("studies", help="Create studies and enrol practices.")


def _print_errors(result) -> None:
    for error in result.errors:
        click.echo(f"  line {error.line} [{error.column}]: {error.message}", err=True)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--practice", "ods_code", help="ODS code (practice leads and participants)")
@click.option("--study", "slug", help="Study slug (participants; optional for the study team)")
@click.option("--name", default="", help="Display name")
@click.option("--password", help="Leave out to be prompted; use --generate for a random one")
@click.option("--generate", is_flag=True, help="Generate a password and print it once")
def create_user(email, role, ods_code, slug, name, password, generate):
    """Create a user (or add a role to an existing one)."""
    practice = practices_by_code([ods_code.upper()]).get(ods_code.upper()) if ods_code else None
    study = study_actions.study_by_slug(slug) if slug else None
    if ods_code and practice is None:
        raise click.UsageError(f"No practice with ODS code {ods_code}")
    if slug and study is None:
        raise click.UsageError(f"No study with slug {slug}")
    if role in (PARTICIPANT, PRACTICE_LEAD) and practice is None:
        raise click.UsageError(f"--practice is required for {role}")
    if role == PARTICIPANT and study is None:
        raise click.UsageError("--study is required for participant")
    user = db.session.scalar(select(User).filter_by(email=normalise_email(email)))
    if user is None:
        if generate:
            password = secrets.token_urlsafe(12)
        elif not password:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        user = User(email=normalise_email(email), name=name, password_hash=hash_password(password))
        db.session.add(user)
        db.session.flush()
        record("user_created", obj=user, subject=user.email, via="cli")
    grant_role(user, role, practice=practice if role != STUDY_TEAM else None, study=study)
    db.session.commit()
    click.echo(f"{user.email} now holds {role}.")
    if generate:
        click.echo(f"Password (shown once): {password}")


@click.command("import-practices")
@click.argument("csv_file", type=TextFile())
def import_practices_command(csv_file: NamedText):
    """Import or update practices from a CSV file; nothing is imported if any row is bad."""
    result = parse_practices(csv_file.text)
    if not result.ok:
        click.echo(f"{len(result.errors)} problem(s); nothing imported:", err=True)
        _print_errors(result)
        raise SystemExit(1)
    created, updated = import_practices(result, by=None, source=csv_file.name)
    click.echo(f"Imported {created} new practice(s), updated {updated}.")


@studies_cli.command("create")
@click.argument("slug")
@click.option("--title", required=True)
@click.option("--round", "round_", type=int, default=1, show_default=True)
@click.option("--description", default="")
def create_study(slug, title, round_, description):
    """Create a study in the set-up stage."""
    try:
        study = study_actions.create_study(
            by=None, slug=slug, title=title, round=round_, description=description
        )
    except study_actions.StudyError as refusal:
        raise click.UsageError(str(refusal)) from None
    click.echo(f"Created study {study.slug} (round {study.round}).")


@studies_cli.command("enrol")
@click.argument("slug")
@click.argument("csv_file", type=TextFile())
def enrol(slug, csv_file: NamedText):
    """Enrol practices listed in a CSV (ods_code[, report_sent_on]) in a study."""
    study = study_actions.study_by_slug(slug)
    if study is None:
        raise click.UsageError(f"No study with slug {slug}")
    result = parse_enrolments(csv_file.text)
    if not result.ok:
        click.echo(f"{len(result.errors)} problem(s); nothing enrolled:", err=True)
        _print_errors(result)
        raise SystemExit(1)
    added, updated = study_actions.enrol_practices(study, result.rows, by=None)
    click.echo(f"Enrolled {added} practice(s), updated {updated}.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users")
@click.option("--password", envvar="DEMO_PASSWORD", default="demo-password-2026", show_default=True)
def seed_demo(if_empty, password):
    """Load realistic, deterministic demo data and print the demo logins."""
    from pact_feedback.demo import DEMO_LOGINS, seed

    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("Database already has data; demo data not loaded.")
    else:
        seed(password)
        click.echo("Demo data loaded.")
    click.echo(f"Demo logins (password: {password}):")
    for email, what in DEMO_LOGINS:
        click.echo(f"  {email:32} {what}")


def register_commands(app: Flask) -> None:
    for command in (create_user, import_practices_command, seed_demo, studies_cli):
        app.cli.add_command(command)
    from pact_feedback.governance.cli import COMMANDS as governance_commands

    for command in governance_commands:
        app.cli.add_command(command)
    from pact_feedback.api.cli import tokens_cli
    from pact_feedback.diary.cli import diary_cli

    app.cli.add_command(diary_cli)
    app.cli.add_command(tokens_cli)
    from pact_feedback.reports.cli import reports_cli

    app.cli.add_command(reports_cli)
    from pact_feedback.jobs.cli import jobs_cli

    app.cli.add_command(jobs_cli)
    from pact_feedback.surveys.cli import surveys_cli

    app.cli.add_command(surveys_cli)
    from pact_feedback.casebook.cli import tabulate

    studies_cli.add_command(tabulate)
