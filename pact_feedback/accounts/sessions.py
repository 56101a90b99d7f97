"""Server-side sessions: the cookie carries a random token; the row says whether it still counts.

A row per signed-in browser gives revocation (sign-out, password change), a new id at every
sign-in, and idle and absolute timeouts, none of which a signed cookie alone can give.

"Keep me signed in on this device" (`keep=True`, for the diary between patients): the diary's
pages (`KEPT_PAGES`) stay open for `KEPT_SESSION_DAYS` after sign-in however long the person is
idle, while every other page (account, reports, consent, tokens) asks for the password again
after the usual idle limit or absolute limit, counted from the last time the person used one of
those pages (`active_at`, in the signed cookie, so it cannot be moved). Sign-out, sign-out
everywhere and a password change revoke the row, and so end a kept session too.

A kept session's token rotates: the first use `KEPT_SESSION_ROTATE` (an hour) after the token
was issued replaces it (the row keeps the old one's digest). The old token still counts for
`ROTATION_GRACE` (2 minutes) for requests already in flight, whose answers then leave the
browser's newer cookie alone. Used after that, the old token is a copy in someone else's hands,
or the phone's, if the copy was used first: the row is revoked, which ends the session for both
("kept_session_token_reused" in the audit log). One exception, so that a phone that lost the
answer carrying its new token (a dropped connection) is not signed out: while the new token has
never been used, the old one is given another new one instead.
"""

from datetime import UTC, datetime, timedelta

from flask import current_app, request, session
from sqlalchemy import or_, select, update

from pact_feedback.accounts.models import User, UserSession
from pact_feedback.audit.log import record
from pact_feedback.core.security import leave_session_cookie
from pact_feedback.core.time import utcnow
from pact_feedback.core.tokens import new_token, token_digest
from pact_feedback.extensions import db

SESSION_KEY = "sid"
KEEP_KEY, ACTIVE_KEY = "keep", "active_at"
_TOUCH_EVERY = timedelta(seconds=60)  # avoid a write on every request
ROTATION_GRACE = timedelta(minutes=2)  # an old token's requests already in flight
# What a kept session opens after the idle limit: the diary (its pages, its service worker), the
# home page that links to it, and signing out (which must never ask for the password first and
# leave the diary signed in). Blueprint names, or endpoints.
KEPT_PAGES = frozenset({"diary", "home.index", "accounts.logout"})


def start_session(user: User, *, keep: bool = False) -> None:
    """Rotate the cookie session and open a new server-side session for `user`; `keep`: the
    diary stays signed in on this device (see the module's docstring)."""
    end_current_session()  # signing in again (a kept session asked for the password) replaces it
    leave_session_cookie(False)  # this answer carries the new session, whatever came before
    token = new_token()
    db.session.add(UserSession(token_hash=token_digest(token), user_id=user.id))
    session[SESSION_KEY] = token
    if keep:
        session[KEEP_KEY] = True
        session[ACTIVE_KEY] = _stamp(utcnow())
    session.permanent = True


def load_session_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the user, only if this browser's session row is still valid."""
    token = session.get(SESSION_KEY)
    if not token or not user_id.isdigit():
        return None
    digest = token_digest(token)
    row = db.session.scalar(select(UserSession).filter_by(token_hash=digest))
    if row is None and session.get(KEEP_KEY):
        row = _replaced_token_row(digest)
    if row is None or row.user_id != int(user_id) or not _still_valid(row):
        return None
    now = utcnow()
    if session.get(KEEP_KEY):
        if row.token_hash == digest:
            _rotate_if_due(row, digest, now)
        if not _kept_page() and _stamp(now) - session[ACTIVE_KEY] > 60:
            session[ACTIVE_KEY] = _stamp(now)
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return db.session.get(User, row.user_id)


def _rotate_if_due(row: UserSession, digest: str, now: datetime) -> None:
    """A kept session's token, presented: note that the browser has it, and replace it when it
    is `KEPT_SESSION_ROTATE` old."""
    if row.rotated_at is not None and not row.rotation_confirmed:
        row.rotation_confirmed = True
        db.session.commit()
    if now - (row.rotated_at or row.created_at) >= current_app.config["KEPT_SESSION_ROTATE"]:
        _rotate(row, digest, now)


def _rotate(row: UserSession, presented: str, now: datetime) -> None:
    """Give this browser a new token in place of the row's current one. Only one of two
    requests racing to rotate wins; the other's browser gets the winner's cookie."""
    token = new_token()
    won = db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.token_hash == row.token_hash)
        .values(
            token_hash=token_digest(token),
            previous_token_hash=presented,
            rotated_at=now,
            rotation_confirmed=False,
        )
        .execution_options(synchronize_session="fetch")
    ).rowcount
    db.session.commit()
    if won:
        session[SESSION_KEY] = token
    else:
        leave_session_cookie()


def _replaced_token_row(digest: str) -> UserSession | None:
    """The kept session whose token `digest` was until its last rotation, if it may still be
    used: in flight (within the grace), or a phone that never received its new token.
    Otherwise the token is a copy: the session ends everywhere."""
    row = db.session.scalar(select(UserSession).filter_by(previous_token_hash=digest))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if now - row.rotated_at <= ROTATION_GRACE:
        leave_session_cookie()
        return row
    if not row.rotation_confirmed:
        _rotate(row, digest, now)  # the new token's answer was lost: another one
        return row
    row.revoked_at = now
    user = db.session.get(User, row.user_id)
    record("kept_session_token_reused", by=user, obj=user, subject=user.email)
    db.session.commit()
    return None


def _still_valid(row: UserSession) -> bool:
    cfg = current_app.config
    now = utcnow()
    if row.revoked_at is not None:
        return False
    if session.get(KEEP_KEY):
        if now - row.created_at > cfg["KEPT_SESSION_TIMEOUT"]:
            return False
        if _kept_page():
            return True
        active_at = datetime.fromtimestamp(session.get(ACTIVE_KEY, 0), UTC).replace(tzinfo=None)
        return (
            now - active_at <= cfg["SESSION_IDLE_TIMEOUT"]
            and now - row.created_at <= cfg["SESSION_ABSOLUTE_TIMEOUT"]
        )
    return (
        now - row.last_seen_at <= cfg["SESSION_IDLE_TIMEOUT"]
        and now - row.created_at <= cfg["SESSION_ABSOLUTE_TIMEOUT"]
    )


def _stamp(moment: datetime) -> float:
    """Seconds since the epoch of a naive UTC time (the app's clock), for the cookie."""
    return moment.replace(tzinfo=UTC).timestamp()


def _kept_page() -> bool:
    return request.blueprint in KEPT_PAGES or request.endpoint in KEPT_PAGES


def end_current_session() -> None:
    token = session.get(SESSION_KEY)
    if token:
        digest = token_digest(token)  # the current token, or one just replaced (in flight)
        db.session.execute(
            update(UserSession)
            .where(or_(UserSession.token_hash == digest, UserSession.previous_token_hash == digest))
            .values(revoked_at=utcnow())
        )
    session.clear()
    leave_session_cookie(False)  # the answer clears the cookie, even one sent in flight


def end_all_sessions(user: User) -> int:
    """Revoke every open session of `user`; returns how many were open."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount
