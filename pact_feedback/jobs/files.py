"""Job files (analysis exports) stored and read a chunk at a time, so neither the worker that
stores one nor the web worker that sends one holds the whole file (docs/performance.md)."""

from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.engine import Engine

from pact_feedback.extensions import db
from pact_feedback.jobs.models import JobFile, JobFileChunk

CHUNK = 1024 * 1024  # bytes a row: one short statement each, a few of them in memory at most


def store_file(
    run_id: int,
    *,
    name: str,
    media_type: str,
    source: BinaryIO,
    expires_at: datetime,
    chunk_size: int = CHUNK,
) -> JobFile:
    """The job's file, read from `source` (from where it stands) a chunk at a time; it
    replaces a file from an earlier attempt. The caller commits."""
    discard_files(JobFile.job_run_id == run_id)
    made = JobFile(
        job_run_id=run_id, name=name, media_type=media_type, size=0, expires_at=expires_at
    )
    db.session.add(made)
    db.session.flush()
    seq = size = 0
    # Inserts without ORM objects, so the session keeps no chunk alive; the size is set once
    # at the end (setting it as we go would autoflush an UPDATE before every insert).
    while piece := source.read(chunk_size):
        db.session.execute(
            insert(JobFileChunk), {"job_file_id": made.id, "seq": seq, "data": piece}
        )
        size += len(piece)
        seq += 1
    made.size = size
    return made


def discard_files(where: ColumnElement[bool]) -> int:
    """Delete the job files matching `where` and their chunks (SQLite does not cascade);
    how many files."""
    ids = select(JobFile.id).where(where).scalar_subquery()
    db.session.execute(delete(JobFileChunk).where(JobFileChunk.job_file_id.in_(ids)))
    return db.session.execute(delete(JobFile).where(where)).rowcount


def read_chunks(engine: Engine, file_id: int, size: int) -> Iterator[bytes]:
    """The file's bytes in order, one short query per chunk on its own connection: a response
    streams this after the request's session is gone, and a slow client holds no connection
    or transaction between chunks."""
    seq = sent = 0
    while sent < size:
        query = select(JobFileChunk.data).filter_by(job_file_id=file_id, seq=seq)
        with engine.connect() as connection:
            piece = connection.scalar(query)
        if piece is None:  # purged or replaced mid-way: fail rather than end the body short
            raise RuntimeError(f"job file {file_id} was deleted while it was being downloaded")
        yield bytes(piece)
        sent += len(piece)
        seq += 1
