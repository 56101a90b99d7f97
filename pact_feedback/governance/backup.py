"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump."""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupError(Exception):
    """The backup could not be made; the message says why."""


def backup(database_url: str, out: Path) -> str:
    """Write a consistent copy of the database to `out`; returns how it was made."""
    url = make_url(database_url)
    out = Path(out)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("An in-memory SQLite database cannot be backed up.")
        _private_file(out)
        source = sqlite3.connect(f"file:{url.database}?mode=ro", uri=True)
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return "sqlite online backup"
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise BackupError(
                "pg_dump is not on the PATH. Install the PostgreSQL client tools "
                "(e.g. apt-get install postgresql-client) and try again."
            )
        _private_file(out)
        plain = url.set(drivername="postgresql")
        env = {"PGPASSWORD": plain.password} if plain.password else {}
        dsn = plain.set(password=None).render_as_string(hide_password=False)
        result = subprocess.run(  # noqa: S603 (fixed program, our own arguments)
            [pg_dump, "--format=custom", "--no-owner", f"--file={out}", dsn],
            capture_output=True,
            text=True,
            env={**_base_env(), **env},
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return "pg_dump custom format"
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def _private_file(out: Path) -> None:
    """Create (or empty) `out` readable by its owner only, before any data goes in: a backup
    holds every diary, so it is never world-readable, whatever the umask."""
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    os.chmod(out, 0o600)  # an existing file keeps its old mode through O_CREAT


def _base_env() -> dict:
    return dict(os.environ)
