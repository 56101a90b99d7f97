"""`flask diary ...` commands."""

import click
from flask.cli import AppGroup

from pact_feedback.diary.allocation import allocate_days, send_reminders
from pact_feedback.studies.actions import study_by_slug

diary_cli = AppGroup("diary", help="Allocate diary days and send reminders.")


@diary_cli.command("allocate")
@click.argument("slug")
@click.option("--seed", help="Seed for the random choice (default: the study's id and slug)")
def allocate_command(slug, seed):
    """Allocate diary days to consented participants of a study that allocates days."""

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

    sent = send_reminders()
    click.echo(f"Sent {sent['reminders']} reminders and {sent['nudges']} nudges")
