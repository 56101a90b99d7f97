"""`flask export`, `flask purge-expired` and `flask backup`."""

import os
import tempfile
from pathlib import Path

import click
from flask import current_app

from pact_feedback.audit.log import record
from pact_feedback.extensions import db
from pact_feedback.governance.backup import BackupError, backup
from pact_feedback.governance.export import (
    ExportOptions,
    count_rows,
    spreadsheet_refusal,
    write_export,
)
from pact_feedback.governance.retention import expires_at, purge_expired
from pact_feedback.jobs.queue import purge_expired_files
from pact_feedback.studies.actions import study_by_slug


@click.command("export")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--include-notes", is_flag=True, help="Include free text (diary notes and text answers)"
)
@click.option(
    "--real-dates",
    is_flag=True,
    help="Keep real dates (the study's secure environment only; logged). Default: shifted",
)
@click.option("--spreadsheets", is_flag=True, help="Also XLSX and Stata (.dta) versions")
def export_command(slug, out: Path, include_notes, real_dates, spreadsheets):
    """Write a study's pseudonymised analysis export (ZIP of CSVs) to OUT."""
    study = study_by_slug(slug)
    if study is None:
        raise click.UsageError(f"No study with slug {slug}")
    options = ExportOptions(
        include_notes=include_notes, shift_dates=not real_dates, spreadsheets=spreadsheets
    )
    total = count_rows(study)
    if spreadsheets and (refusal := spreadsheet_refusal(study, total)):
        raise click.UsageError(f"{refusal} Leave out --spreadsheets.")
    # Streamed into a temporary file beside OUT, which replaces OUT only once it is complete.
    with tempfile.NamedTemporaryFile(
        dir=out.resolve().parent, prefix=f".{out.name}.", suffix=".partial", delete=False
    ) as partial:
        try:
            with click.progressbar(length=total, label="Exporting diary rows") as bar:
                rows = write_export(study, options, partial, progress=bar.update)
        except BaseException:
            partial.close()
            os.unlink(partial.name)
            raise
    os.replace(partial.name, out)
    record(
        "analysis_exported",
        obj=study,
        include_notes=include_notes,
        shift_dates=not real_dates,
        real_dates=real_dates,
        spreadsheets=spreadsheets,
        rows=rows,
        via="command line",
    )
    db.session.commit()
    for name, count in rows.items():
        click.echo(f"{name}: {count} rows")
    click.echo(f"Wrote {out}")


@click.command("purge-expired")
def purge_expired_command():
    """Delete diary data, survey responses and reports of studies past their retention."""
    purged = purge_expired()
    files = purge_expired_files()
    db.session.commit()
    if files:
        click.echo(f"Deleted {files} expired job file(s) (analysis exports).")
    if not purged:
        click.echo("No study is past its retention period. Nothing deleted.")
    for study, counts in purged:
        total = sum(counts.values())
        click.echo(
            f"{study.slug}: closed {study.closed_at:%Y-%m-%d}, kept {study.retention_months} "
            f"months (until {expires_at(study):%Y-%m-%d}); deleted {total} rows"
            + ("" if total else " (already purged)")
        )
        for name, rows in counts.items():
            if rows:
                click.echo(f"  {name}: {rows}")


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(out: Path):
    """Write a consistent backup of the database to OUT (see docs/governance.md to restore)."""
    try:
        how = backup(current_app.config["SQLALCHEMY_DATABASE_URI"], out)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    record("database_backed_up", how=how)
    db.session.commit()
    click.echo(f"Backed up the database to {out} ({how}).")


COMMANDS = (export_command, purge_expired_command, backup_command)
