"""One clock for the app: naive UTC datetimes, stored alike on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    return utcnow().date()
