"""`flask tokens ...`: personal access tokens for the JSON API."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from pact_feedback.accounts.actions import normalise_email
from pact_feedback.accounts.models import User
from pact_feedback.api.tokens import create_token
from pact_feedback.extensions import db

tokens_cli = AppGroup("tokens", help="Personal access tokens for the JSON API.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="Command line", help="What the token is for")
def create_token_command(email, name):
    """Create a personal access token for EMAIL and print it once."""
    user = db.session.scalar(select(User).filter_by(email=normalise_email(email)))
    if user is None:
        raise click.UsageError(f"No user with email {email}")
    _, secret = create_token(user, name, by=None)
    click.echo(secret)
