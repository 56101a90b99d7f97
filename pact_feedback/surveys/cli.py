"""`flask surveys ...`: invitations and reminders for a scheduler, and the uptake figures."""

import json

import click
from flask.cli import AppGroup

from pact_feedback.core.inputs import NamedText, TextFile
from pact_feedback.jobs.queue import queued
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.surveys import emails, queries
from pact_feedback.surveys.figures import compute_uptake
from pact_feedback.surveys.importing import import_responses, parse_responses
from pact_feedback.tabulation.exports import csv_bytes
from pact_feedback.tabulation.paper import paper_frame, paper_json

surveys_cli = AppGroup("surveys", help="Uptake survey emails and statistics.")


def _how() -> str:
    """With a queue the command only queues the emails; a worker sends them."""
    return "queued for the job worker" if queued() else "sent"


@surveys_cli.command("open-waves")
def open_waves_command():
    """Send invitations for every wave that is open today and has not had them (run daily)."""
    sent = emails.invite_opened_waves()
    for wave, result in sent:
        where = f"{wave.survey.study.slug} wave {wave.number}"
        click.echo(f"{where}: {result.sent} invitation(s) {_how()}")
        if result.skipped:
            click.echo(f"  {result.skipped_text()}")
    if not sent:
        click.echo("No wave needs invitations today.")


@surveys_cli.command("remind")
@click.option(
    "--min-days",
    default=emails.REMIND_MIN_DAYS,
    show_default=True,
    help="Skip practices emailed recently",
)
def remind_command(min_days):
    """Remind practices that have not answered an open wave (run it daily or weekly)."""
    sent = emails.remind_open_waves(min_days=min_days)
    for wave, result in sent:
        where = f"{wave.survey.study.slug} wave {wave.number}"
        click.echo(f"{where}: {result.sent} reminder(s) {_how()}")
        if result.skipped:
            click.echo(f"  {result.skipped_text()}")
    if not sent:
        click.echo("No open wave has had its invitations yet.")


@surveys_cli.command("stats")
@click.argument("slug")
@click.option("--wave", "number", default=1, show_default=True, type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json")
def stats_command(slug, number, fmt):
    """Print the uptake figures of a study's wave, as on the statistics page."""

    study = study_by_slug(slug)
    survey = queries.survey_for(study) if study else None
    if survey is None or queries.wave_by_number(survey, number) is None:
        raise click.UsageError(f"No survey wave {number} for a study {slug}")
    result = compute_uptake(study, survey, number)
    if fmt == "csv":
        click.echo(csv_bytes(paper_frame(study.slug, result)).decode("utf-8"), nl=False)
    else:
        click.echo(json.dumps(as_json(study.slug, result), indent=2))


@surveys_cli.command("import-responses")
@click.argument("slug")
@click.argument("csv_file", type=TextFile())
def import_responses_command(slug, csv_file: NamedText):
    """Import answers gathered elsewhere: ods_code, wave, then a column per question code."""

    study = study_by_slug(slug)
    survey = queries.survey_for(study) if study else None
    if survey is None:
        raise click.UsageError(f"No survey for a study {slug}")
    result = parse_responses(csv_file.text, survey)
    if not result.ok:
        click.echo(f"{len(result.errors) or 'No rows, so'} problem(s); nothing imported:", err=True)
        for error in result.errors:
            click.echo(f"  line {error.line} [{error.column}]: {error.message}", err=True)
        raise SystemExit(1)
    added, changed, unchanged = import_responses(
        result, by=None, survey=survey, source=csv_file.name
    )
    click.echo(f"Imported {added} new response(s), changed {changed}, {unchanged} unchanged.")


def as_json(slug, result) -> dict:
    """The statistics page's content as JSON (also the API's answer): tabulation/paper.py."""
    return paper_json(slug, result)
