"""Stopping a request that is not allowed. Who is allowed is decided above this floor:
`pact_feedback.accounts.access` (roles), `studies.access` and `participation.access` (gates)."""

from flask import abort, request

from pact_feedback.audit.log import record
from pact_feedback.extensions import db


def require(allowed: bool, *, hide: bool = False) -> None:
    """Stop the request unless `allowed`: 403, or 404 where even existence must not leak.

    The refusal is audited even on a GET: this is one of the documented read-audit paths
    (docs/decisions/0003-layers.md)."""
    if not allowed:
        record("access_denied", path=request.path, method=request.method, hidden=hide)
        db.session.commit()
        abort(404 if hide else 403)
