"""`flask reports ...`: generate and release a round's reports from the command line."""

import click
from flask.cli import AppGroup

from pact_feedback.jobs.cli import follow
from pact_feedback.jobs.queries import latest_run
from pact_feedback.reports import actions
from pact_feedback.studies.actions import study_by_slug

reports_cli = AppGroup("reports", help="Generate, release and re-issue reports.")


def _study(slug):
    study = study_by_slug(slug)
    if study is None:
        raise click.UsageError(f"No study with slug {slug}")
    return study


@reports_cli.command("generate")
@click.argument("slug")
def generate(slug):
    """Build draft reports for every practice and participant in a study round."""
    study = _study(slug)
    with click.progressbar(length=1, label="Storing reports", show_pos=True) as bar:

        def progress(done, total):
            bar.length = total
            bar.update(done - bar.pos)

        try:
            stored = actions.generate(study, by=None, progress=progress)
        except actions.ReportError as refusal:
            raise click.UsageError(str(refusal)) from None
    click.echo(f"Generated {stored.described('draft')}. Review them on the web, then release.")


@reports_cli.command("release")
@click.argument("slug")
def release(slug):
    """Release every draft report and email their readers (with a progress bar)."""
    study = _study(slug)
    try:
        released = actions.release(study, by=None)
    except actions.ReportError as refusal:
        raise click.UsageError(str(refusal)) from None
    click.echo(f"Released {released} reports.")
    run = follow(latest_run(study, "release_emails"), "Emailing readers")
    click.echo(f"Emailed {run.done} readers ({run.errors} refused by the mail server).")


@reports_cli.command("reissue")
@click.argument("slug")
@click.option("--reason", required=True, help="Why: recorded and shown with the new version")
def reissue(slug, reason):
    """Replace released reports with a new version after a data correction."""
    try:
        study = _study(slug)
        stored = actions.reissue(study, by=None, reason=reason)
    except actions.ReportError as refusal:
        raise click.UsageError(str(refusal)) from None
    click.echo(f"Re-issued {stored.total} reports as version {stored.version}.")
    follow(latest_run(study, "release_emails"), "Emailing readers")
