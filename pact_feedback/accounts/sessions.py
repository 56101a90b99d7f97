"""Server-side sessions: the cookie carries a random token; the row says whether it still counts.

A row per signed-in browser gives revocation (sign-out, password change), a new id at every
sign-in, and idle and absolute timeouts, none of which a signed cookie alone can give.
"""

from datetime import timedelta

from flask import current_app, session
from sqlalchemy import select, update

from pact_feedback.accounts.models import User, UserSession
from pact_feedback.core.time import utcnow
from pact_feedback.core.tokens import new_token, token_digest
from pact_feedback.extensions import db

SESSION_KEY = "sid"
_TOUCH_EVERY = timedelta(seconds=60)  # avoid a write on every request


def start_session(user: User) -> None:
    """Rotate the cookie session and open a new server-side session for `user`."""
    session.clear()
    token = new_token()
    db.session.add(UserSession(token_hash=token_digest(token), user_id=user.id))
    session[SESSION_KEY] = token
    session.permanent = True


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user, only if this browser's session row is still valid."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    row = db.session.scalar(select(UserSession).filter_by(token_hash=token_digest(token)))
    if row is None or row.user_id != int(user_id) or not _still_valid(row):
        return None
    now = utcnow()
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return db.session.get(User, row.user_id)


def _still_valid(row: UserSession) -> bool:
    cfg = current_app.config
    now = utcnow()
    return (
        row.revoked_at is None
        and now - row.last_seen_at <= cfg["SESSION_IDLE_TIMEOUT"]
        and now - row.created_at <= cfg["SESSION_ABSOLUTE_TIMEOUT"]
    )


def end_current_session() -> None:
    token = session.get(SESSION_KEY)
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == token_digest(token))
            .values(revoked_at=utcnow())
        )
    session.clear()


def end_all_sessions(user: User) -> int:
    """Revoke every open session of `user`; returns how many were open."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount
