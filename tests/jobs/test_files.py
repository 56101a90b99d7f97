"""Job files are stored and downloaded a chunk at a time: no step holds a whole file."""

import gc
import os
import tempfile
import tracemalloc
from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from sqlalchemy import func, select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.audit.models import AuditEvent
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db
from pact_feedback.jobs.files import read_chunks, store_file
from pact_feedback.jobs.models import JobFile, JobFileChunk, JobRun
from pact_feedback.jobs.queue import purge_expired_files
from tests.conftest import login, make_study, make_user


def _run(study) -> JobRun:
    run = JobRun(kind="analysis_export", description="Export", study_id=study.id)
    db.session.add(run)
    db.session.commit()
    return run


@contextmanager
def _source(data: bytes):
    """A temporary file holding `data`, as the export job's is."""
    with tempfile.TemporaryFile() as source:
        source.write(data)
        source.seek(0)
        yield source


def _store(run, data: bytes, *, chunk_size: int, expires_in=timedelta(days=1)) -> JobFile:
    with _source(data) as source:
        made = store_file(
            run.id,
            name="study-export.zip",
            media_type="application/zip",
            source=source,
            expires_at=utcnow() + expires_in,
            chunk_size=chunk_size,
        )
    db.session.commit()
    return made


def _chunk_count(file_id=None) -> int:
    query = select(func.count()).select_from(JobFileChunk)
    if file_id is not None:
        query = query.where(JobFileChunk.job_file_id == file_id)
    return db.session.scalar(query)


def test_a_file_of_many_chunks_downloads_byte_for_byte(client):
    """A file stored as 11 chunks (the last one short) comes back identical, with its length,
    name and type in the headers, and the download is audited."""
    study = make_study()
    data = os.urandom(1001)
    made = _store(_run(study), data, chunk_size=100)
    assert (made.size, _chunk_count(made.id)) == (1001, 11)
    login(client, make_user(role=STUDY_TEAM, study=study))

    response = client.get(f"/jobs/{made.job_run_id}/file")

    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Length"] == "1001"
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="study-export.zip"'
    audited = db.session.scalars(select(AuditEvent).filter_by(action="job_file_downloaded")).all()
    assert [(e.object_id, e.details["file"]) for e in audited] == [
        (str(study.id), "study-export.zip")
    ]


def test_the_download_is_read_after_the_request_has_ended(app):
    """As under gunicorn, the body is sent after the request's app context and session are
    gone (no test context is kept open here): the chunks are still read, all of them."""
    with app.app_context():
        study = make_study()
        data = os.urandom(1001)
        run_id = _store(_run(study), data, chunk_size=100).job_run_id
        email = make_user(role=STUDY_TEAM, study=study).email
        db.session.remove()
    client = FlaskClient(app, app.response_class, use_cookies=True)
    login(client, email)

    response = client.get(f"/jobs/{run_id}/file", buffered=False)
    assert not has_app_context()
    body = b"".join(response.iter_encoded())
    response.close()

    assert body == data


def test_an_empty_file_downloads_empty(client):
    """A file of no bytes has no chunks and downloads as nothing, Content-Length 0."""
    study = make_study()
    made = _store(_run(study), b"", chunk_size=100)
    login(client, make_user(role=STUDY_TEAM, study=study))

    response = client.get(f"/jobs/{made.job_run_id}/file")

    assert (response.status_code, response.data) == (200, b"")
    assert response.headers["Content-Length"] == "0"
    assert _chunk_count(made.id) == 0


def test_another_studys_team_cannot_download_the_file(client):
    """The team of another study is told nothing exists, and nothing is audited as read."""
    study = make_study()
    made = _store(_run(study), b"PK data", chunk_size=4)
    login(client, make_user(role=STUDY_TEAM, study=make_study()))

    response = client.get(f"/jobs/{made.job_run_id}/file")

    assert response.status_code == 404
    assert b"PK data" not in response.data
    assert not db.session.scalars(select(AuditEvent).filter_by(action="job_file_downloaded")).all()


def test_storing_again_for_the_same_job_replaces_the_file_and_its_chunks(ctx):
    """A retried export leaves one file, the new one, and none of the old file's chunks."""
    run = _run(make_study())
    first = _store(run, b"a" * 50, chunk_size=10)
    first_id = first.id

    second = _store(run, b"b" * 25, chunk_size=10)

    assert db.session.scalars(select(JobFile.id)).all() == [second.id]
    assert _chunk_count(first_id) == 0
    assert _chunk_count() == 3
    assert b"".join(read_chunks(db.engine, second.id, second.size)) == b"b" * 25


def test_purging_expired_files_deletes_their_chunks_and_keeps_the_others(ctx):
    """Expired files go with all their chunks (SQLite does not cascade); current ones stay."""
    study = make_study()
    expired = _store(_run(study), b"x" * 30, chunk_size=10, expires_in=timedelta(seconds=-1))
    kept = _store(_run(study), b"y" * 30, chunk_size=10)
    expired_id = expired.id

    assert purge_expired_files() == 1
    db.session.commit()

    assert db.session.get(JobFile, expired_id) is None
    assert _chunk_count(expired_id) == 0
    assert _chunk_count(kept.id) == 3


def test_a_file_deleted_while_it_is_read_stops_the_download_with_an_error(ctx):
    """A reader whose file is purged half-way raises rather than ending the body short (the
    server then drops the connection, and the browser reports a failed download)."""
    run = _run(make_study())
    made = _store(run, b"z" * 30, chunk_size=10)
    chunks = read_chunks(db.engine, made.id, made.size)
    assert next(chunks) == b"z" * 10
    db.session.execute(JobFileChunk.__table__.delete())
    db.session.commit()

    with pytest.raises(RuntimeError, match="deleted while it was being downloaded"):
        next(chunks)


CHUNK = 256 * 1024
CHUNKS = 32  # an 8 MiB file: the whole of it would be 32 chunks


def _peak(work) -> int:
    """The most Python memory `work()` had allocated at once, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_storing_a_file_holds_a_few_chunks_not_the_file(ctx):
    """Storing an 8 MiB file in 64 KiB chunks never holds more than a few chunks at once."""
    run = _run(make_study())
    _store(run, os.urandom(CHUNK), chunk_size=CHUNK)  # statements compiled and cached
    with _source(os.urandom(CHUNK * CHUNKS)) as source:

        def store():
            store_file(
                run.id,
                name="big.zip",
                media_type="application/zip",
                source=source,
                expires_at=utcnow() + timedelta(days=1),
                chunk_size=CHUNK,
            )
            db.session.commit()

        peak = _peak(store)

    assert _chunk_count() == CHUNKS
    assert peak < 6 * CHUNK, f"{peak / CHUNK:.1f} chunks held at once"


def test_downloading_a_file_holds_a_few_chunks_not_the_file(client):
    """The download streams: reading an 8 MiB file's response holds a few chunks at once."""
    study = make_study()
    data = os.urandom(CHUNK * CHUNKS)
    made = _store(_run(study), data, chunk_size=CHUNK)
    login(client, make_user(role=STUDY_TEAM, study=study))
    url = f"/jobs/{made.job_run_id}/file"
    client.get(url).close()  # the page's code paths warmed
    received = []

    def download():
        response = client.get(url, buffered=False)
        for piece in response.iter_encoded():
            received.append(len(piece))
        response.close()

    peak = _peak(download)

    assert sum(received) == len(data)
    assert peak < 6 * CHUNK, f"{peak / CHUNK:.1f} chunks held at once"
