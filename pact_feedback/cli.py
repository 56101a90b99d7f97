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
from pact_feedback.studies.lifecycle import STATUS_CODES

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
@click.option("--collection-start", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--collection-end", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
def create_study(slug, title, round_, description, collection_start, collection_end):
    """Create a study in the set-up stage (the window can also be set later: studies edit)."""
    start, end = (d.date() if d else None for d in (collection_start, collection_end))
    if bool(start) != bool(end) or (start and end < start):
        raise click.UsageError("Give both days of the collection window, the last on or after")
    try:
        study = study_actions.create_study(
            by=None,
            slug=slug,
            title=title,
            round=round_,
            description=description,
            collection_start=start,
            collection_end=end,
        )
    except study_actions.StudyError as refusal:
        raise click.UsageError(str(refusal)) from None
    click.echo(f"Created study {study.slug} (round {study.round}).")


@studies_cli.command("edit")
@click.argument("slug")
@click.option("--title")
@click.option("--round", "round_", type=click.IntRange(1, 99))
@click.option("--collection-start", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--collection-end", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--wave-months", help="Months after release of each survey wave, like 3,6")
@click.option("--yes", is_flag=True, help="Save without asking (the change is still printed)")
def edit_study(slug, title, round_, collection_start, collection_end, wave_months, yes):
    """Change a study's title, round, collection window or survey wave offsets (audited)."""
    from pact_feedback.study_admin import settings

    study = _study_or_fail(slug)
    wanted = {"title": title, "round": round_, "wave_months": wave_months}
    wanted["collection_start"] = collection_start.date() if collection_start else None
    wanted["collection_end"] = collection_end.date() if collection_end else None
    wanted = {name: value for name, value in wanted.items() if value is not None}
    if "wave_months" in wanted:
        try:
            wanted["wave_months"] = settings.parse_wave_months(wave_months)
        except ValueError as problem:
            raise click.UsageError(str(problem)) from None
    plan = settings.plan_settings(study, wanted)
    if plan.problems:
        for name, problems in plan.problems.items():
            for problem in problems:
                click.echo(f"  {name}: {problem}", err=True)
        raise SystemExit(1)
    if not plan.changes:
        click.echo("Nothing to change.")
        return
    for name, (before, after) in plan.changes.items():
        click.echo(f"{name}: {settings.show(before)} -> {settings.show(after)}")
    for effect in plan.effects:
        click.echo(f"  {effect}")
    if yes or click.confirm("Save these changes?"):
        settings.apply_settings(study, plan, by=None)
        click.echo("Saved.")


@studies_cli.command("advance")
@click.argument("slug")
@click.option("--to", "to", required=True, type=click.Choice(STATUS_CODES), help="Stage to move to")
@click.option("--yes", is_flag=True, help="Do it without asking (what it does is still printed)")
def advance_study(slug, to, yes):
    """Move a study one step forward (or one back), with the rules of the study page."""
    from pact_feedback.study_admin import stages

    study = _study_or_fail(slug)
    try:
        proposed = stages.plan(study, to)
    except stages.StageRefused as refusal:
        raise click.UsageError(str(refusal)) from None
    click.echo(f"{proposed.title} ({slug}, now at {study.stage.label})")
    for need in proposed.needs:
        click.echo(f"  needs: {need}")
    if not proposed.allowed:
        for reason in proposed.missing:
            click.echo(f"  refused: {reason}", err=True)
        raise SystemExit(1)
    for effect in proposed.effects:
        click.echo(f"  will: {effect}")
    if yes or click.confirm("Go ahead?"):
        stages.perform(study, to, by=None)
        click.echo(f"{slug} is now at the stage: {study.stage.label}.")


def _study_or_fail(slug):
    study = study_actions.study_by_slug(slug)
    if study is None:
        raise click.UsageError(f"No study with slug {slug}")
    return study


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


users_cli = AppGroup("users", help="People and their roles.")


@users_cli.command("remove-role")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--practice", "ods_code", help="ODS code (practice leads and participants)")
@click.option("--study", "slug", help="Study slug (participants; a one-study team member)")
@click.option("--hand-to", help="Invite this email as the practice's new lead (practice leads)")
def remove_role_command(email, role, ods_code, slug, hand_to):
    """Remove a role: the person is signed out, their tokens revoked, their history kept."""
    from pact_feedback.accounts.models import Membership
    from pact_feedback.study_admin.people import RemovalRefused, remove_role

    practice = practices_by_code([ods_code.upper()]).get(ods_code.upper()) if ods_code else None
    if ods_code and practice is None:
        raise click.UsageError(f"No practice with ODS code {ods_code}")
    study = _study_or_fail(slug) if slug else None
    user = db.session.scalar(select(User).filter_by(email=normalise_email(email)))
    membership = user and db.session.scalar(
        select(Membership).filter_by(
            user_id=user.id,
            role=role,
            practice_id=practice.id if practice else None,
            study_id=study.id if study else None,
        )
    )
    if not membership:
        raise click.UsageError(f"{email} does not hold {role} there")
    try:
        done = remove_role(membership, by=None, hand_to=hand_to)
    except RemovalRefused as refusal:
        raise click.UsageError(str(refusal)) from None
    click.echo(
        f"{email} no longer holds {role}: {done.sessions_ended} session(s) ended, "
        f"{done.tokens_revoked} token(s) revoked."
    )
    if done.handed_to:
        click.echo(f"{done.handed_to} was invited as the practice's new lead.")


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
    for command in (create_user, import_practices_command, seed_demo, studies_cli, users_cli):
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
