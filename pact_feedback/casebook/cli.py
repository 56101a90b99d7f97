"""`flask studies tabulate SLUG`: a record audit's national tables, as on the study team's page."""

import json

import click

from pact_feedback.casebook import national
from pact_feedback.casebook.actions import form_for
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.tabulation.exports import csv_bytes


@click.command("tabulate")
@click.argument("slug")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="csv", show_default=True
)
def tabulate(slug, fmt):
    """Print a record audit's tables: overall, by nation and by requester, with Wilson 95%."""
    study = study_by_slug(slug)
    form = form_for(study) if study else None
    if form is None:
        raise click.UsageError(f"No record-audit study with slug {slug}")
    result = national.tabulate(form)
    if fmt == "json":
        click.echo(json.dumps(national.as_json(result), indent=2))
    else:
        click.echo(csv_bytes(result.frame).decode(), nl=False)  # as the download: one writer
