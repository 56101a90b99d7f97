"""The analysis export streams: its memory does not grow with the diary rows, it reports progress
chunk by chunk, and the spreadsheets (which need whole tables) are refused above their limit."""

import io
import tempfile
import tracemalloc
import zipfile
from datetime import date, timedelta

import pytest
from sqlalchemy import insert, select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.diary.models import Category, DiaryDay, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.governance import export
from pact_feedback.governance.export import ExportOptions, ExportTooLarge, write_export
from pact_feedback.jobs.models import JobRun
from tests.conftest import login, make_user, submit
from tests.governance.test_export import _study_with_data


def _add_entries(study, practice, people, n_entries, *, first=date(2026, 5, 4)):
    """`n_entries` task entries over two new days per person from `first`, inserted in bulk."""
    categories = [c.id for c in db.session.scalars(select(Category).filter_by(study_id=study.id))]
    for person in people:
        db.session.execute(
            insert(DiaryDay),
            [
                dict(
                    study_id=study.id,
                    user_id=person.id,
                    practice_id=practice.id,
                    date=first + timedelta(days=7 * k),
                    staff_role="gp_partner",
                )
                for k in range(2)
            ],
        )
    days = list(
        db.session.scalars(
            select(DiaryDay.id).where(
                DiaryDay.study_id == study.id, DiaryDay.date.in_([first, first + timedelta(7)])
            )
        )
    )
    db.session.execute(
        insert(TaskEntry),
        [
            dict(
                day_id=days[i % len(days)],
                category_id=categories[i % len(categories)],
                minutes=1 + i % 60,
                client_id=f"bulk-{first}-{i}",
                could_be_done_by="admin" if i % 3 else None,
            )
            for i in range(n_entries)
        ],
    )
    db.session.commit()


def _peak(study, **options) -> tuple[int, dict, list]:
    """Peak bytes Python allocated while writing the export to a file; its counts; progress."""
    calls = []
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        try:
            rows = write_export(study, ExportOptions(**options), out, progress=calls.append)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        out.seek(0)
        with zipfile.ZipFile(out) as archive:
            lines = archive.read("task_entries.csv").count(b"\r\n")
    assert lines == rows["task_entries.csv"] + 1  # the header
    return peak, rows, calls


def test_memory_does_not_grow_with_the_diary_rows(ctx, monkeypatch):
    """Four times the entries, the same peak: rows are written through, never all held (the
    export before streaming held every row as a list, and the CSV and ZIP as bytes)."""
    monkeypatch.setattr(export, "CHUNK", 500)
    study, practices, people = _study_with_data()
    _add_entries(study, practices[0], people, 5_000)
    small, small_rows, _ = _peak(study)
    _add_entries(study, practices[1], people, 15_000, first=date(2026, 6, 1))
    large, large_rows, calls = _peak(study)
    assert large_rows["task_entries.csv"] == small_rows["task_entries.csv"] + 15_000
    assert large < small * 1.25 + 256 * 1024, (small, large)
    # Progress after each chunk: the job page moves while the rows stream.
    assert max(calls) <= 500 and len(calls) >= 40
    assert sum(calls) == large_rows["diary_days.csv"] + large_rows["task_entries.csv"]


def test_the_streamed_csv_is_what_the_whole_table_writer_gives(ctx, monkeypatch):
    """Chunks of 7 rows and batches of 5 give the CSV the app's one CSV writer gives for the
    whole table at once (notes with formula starts, quotes and line breaks included)."""
    study, practices, people = _study_with_data()
    _add_entries(study, practices[0], people, 60)
    entries = db.session.scalars(select(TaskEntry).order_by(TaskEntry.id)).all()
    for n, entry in enumerate(entries):
        entry.note = ["=HYPERLINK(1)", 'said "no", then\r\nleft', "-5 mins", None, "plain"][n % 5]
    db.session.commit()
    whole = export.build_export(study, ExportOptions(include_notes=True)).data
    monkeypatch.setattr(export, "CHUNK", 7)
    monkeypatch.setattr("pact_feedback.tabulation.exports.BATCH", 5)
    streamed = export.build_export(study, ExportOptions(include_notes=True)).data
    with zipfile.ZipFile(io.BytesIO(whole)) as a, zipfile.ZipFile(io.BytesIO(streamed)) as b:
        for name in ("diary_days.csv", "task_entries.csv", "data_dictionary.csv"):
            assert a.read(name) == b.read(name)
        text = b.read("task_entries.csv").decode()
    assert "'=HYPERLINK(1)" in text and "'-5 mins" in text and '"said ""no"", then\r\n' in text


@pytest.fixture
def limit_of_five(monkeypatch):
    monkeypatch.setattr(export, "SPREADSHEET_LIMIT", 5)  # the demo study has 18 diary rows


def test_spreadsheets_above_the_limit_are_refused_before_anything_is_written(ctx, limit_of_five):
    study, _, _ = _study_with_data()
    out = io.BytesIO()
    with pytest.raises(ExportTooLarge, match="18 diary rows"):
        write_export(study, ExportOptions(spreadsheets=True), out)
    assert out.getvalue() == b""
    write_export(study, ExportOptions(), out)  # the CSVs alone are built at any size
    assert out.getvalue()[:2] == b"PK"


def test_the_export_form_refuses_spreadsheets_next_to_the_box(client, limit_of_five):
    study, _, _ = _study_with_data()
    login(client, make_user(role=STUDY_TEAM))
    url = f"/governance/studies/{study.slug}/export"
    response = submit(client, url, {"spreadsheets": "y"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    group = page[page.index("nhsuk-form-group--error") :]
    group = group[: group.index('id="spreadsheets"') + 200]
    assert "18 diary rows" in group and "up to 5" in group
    assert db.session.scalar(select(db.func.count(JobRun.id))) == 0
    assert submit(client, url, {}).status_code == 302  # without the box: the export is built


def test_flask_export_refuses_spreadsheets_with_a_clear_error(app, ctx, tmp_path, limit_of_five):
    study, _, _ = _study_with_data()
    out = tmp_path / "export.zip"
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["export", study.slug, str(out), "--spreadsheets"])
    assert refused.exit_code == 2
    assert "18 diary rows" in refused.output and "Leave out --spreadsheets" in refused.output
    assert not out.exists() and list(tmp_path.iterdir()) == []
    built = runner.invoke(args=["export", study.slug, str(out)])
    assert built.exit_code == 0, built.output
    assert list(tmp_path.iterdir()) == [out]  # the partial file was renamed into place
