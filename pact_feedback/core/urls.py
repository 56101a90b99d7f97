"""URL helpers."""

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

DATABASE_INT_MAX = 2**31 - 1  # PostgreSQL `integer`; SQLite fails past 2**63 - 1


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` that never hands the database a number it cannot hold: a larger number
    becomes 0, which names no row (ids start at 1), so the view answers as for any unknown id
    (404, or 401 first for the API) instead of an OverflowError (SQLite) or "integer out of
    range" (PostgreSQL) and a 500. (Werkzeug's own `max=` answers 405 to non-GET methods.)"""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= DATABASE_INT_MAX else 0


def safe_next_url(target: str | None) -> str | None:
    """`target` if it is a path on this site; None for anything that could leave it."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
