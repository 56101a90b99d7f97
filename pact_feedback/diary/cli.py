"""`flask diary ...` and `flask tokens ...` commands."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from pact_feedback.accounts.actions import normalise_email
from pact_feedback.accounts.models import User
from pact_feedback.extensions import db

diary_cli = AppGroup("diary", help="Allocate diary days and send reminders.")
tokens_cli = AppGroup("tokens", help="Personal access tokens for the JSON API.")


@diary_cli.command("allocate")
@click.argument("slug")
@click.option("--seed", help="Seed for the random choice (default: the study's id and slug)")
def allocate_command(slug, seed):
    """Allocate diary days to consented participants of a study that allocates days."""
    from pact_feedback.diary.allocation import allocate_days
    from pact_feedback.studies.actions import study_by_slug

    study = study_by_slug(slug)
    if study is None:
        raise click.UsageError(f"No study with slug {slug}")
    if study.day_selection != "allocate":
        raise click.UsageError(f"{slug} lets participants choose their days")
    chosen = allocate_days(study, seed)
    click.echo(f"Allocated {sum(len(d) for d in chosen.values())} days to {len(chosen)} people")


@diary_cli.command("remind")
def remind_command():
    """Email tomorrow's diary keepers, and nudge about days left incomplete (run daily)."""
    from pact_feedback.diary.allocation import send_reminders

    sent = send_reminders()
    click.echo(f"Sent {sent['reminders']} reminders and {sent['nudges']} nudges")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="Command line", help="What the token is for")
def create_token_command(email, name):
    """Create a personal access token for EMAIL and print it once."""
    from pact_feedback.api.tokens import create_token

    user = db.session.scalar(select(User).filter_by(email=normalise_email(email)))
    if user is None:
        raise click.UsageError(f"No user with email {email}")
    _, secret = create_token(user, name, by=None)
    click.echo(secret)
