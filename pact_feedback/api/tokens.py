"""Personal access tokens: created once (shown once), stored as a SHA-256 digest, revocable."""

import secrets

from sqlalchemy import bindparam, select

from pact_feedback.accounts.actions import password_changed
from pact_feedback.accounts.models import User
from pact_feedback.api.models import ApiToken
from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.tokens import token_digest
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db

TOKEN_PREFIX = "pact_"  # noqa: S105  (a label, not a secret)


def create_token(user, name: str, *, by) -> tuple[ApiToken, str]:
    """A new token for `user`; returns (row, the token text, which is never stored)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id, name=name, prefix=secret[:12], token_hash=token_digest(secret)
    )
    db.session.add(token)
    db.session.flush()
    record("api_token_created", by=by, obj=token, user_id=user.id, prefix=token.prefix)
    commit()
    return token, secret


def revoke_token(token: ApiToken, *, by) -> None:
    if token.revoked_at is None:
        _revoke(token, by=by)
        commit()


def _revoke(token: ApiToken, *, by, **why) -> None:
    token.revoked_at = utcnow()
    record("api_token_revoked", by=by, obj=token, user_id=token.user_id, prefix=token.prefix, **why)


@password_changed.connect
def revoke_all_tokens(user, *, by) -> int:
    """A new password ends every access token (whoever made one with the old password loses
    it); returns how many were open. Runs inside set_password's transaction."""
    open_tokens = db.session.scalars(
        select(ApiToken).filter_by(user_id=user.id, revoked_at=None)
    ).all()
    for token in open_tokens:
        _revoke(token, by=by, reason="password changed")
    return len(open_tokens)


def user_id_for_token(secret: str) -> int | None:
    """The id of the active user a token belongs to, or None. Looks the row up by its prefix
    and digest: a prebuilt Core statement, as every API request asks."""
    key = token_key(secret)
    if key is None:
        return None
    found = db.session.connection().execute(_TOKEN_LOOKUP, key).first()
    return accepted_user_id(*found) if found is not None else None


def token_key(secret: str) -> dict | None:
    """The bind parameters (`prefix`, `token_hash`) that find a token's row by TOKEN_WHERE, or
    None for text that cannot be a token."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    return {"prefix": secret[:12], "token_hash": token_digest(secret)}


def accepted_user_id(token_id, last_used_at, user_id, active) -> int | None:
    """The caller's user id from the values of TOKEN_COLUMNS for an open token (None: its user
    is not active). Notes the token's use, at most once a minute, committed with the request."""
    if not active:
        return None
    now = utcnow()
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        db.session.connection().execute(_TOKEN_USED, {"token_id": token_id, "now": now})
    return user_id


_TOKENS, _USERS = ApiToken.__table__, User.__table__
# An open token and its user, by `token_key`'s parameters: for a statement of its own
# (_TOKEN_LOOKUP) or at the head of a request's first statement (the API's new entry).
TOKEN_COLUMNS = (
    _TOKENS.c.id.label("token_id"),
    _TOKENS.c.last_used_at.label("token_last_used_at"),
    _TOKENS.c.user_id.label("token_user_id"),
    _USERS.c.active.label("token_user_active"),
)
TOKEN_FROM = _TOKENS.join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
TOKEN_USER_ID = _TOKENS.c.user_id
TOKEN_WHERE = (
    _TOKENS.c.prefix == bindparam("prefix"),
    _TOKENS.c.token_hash == bindparam("token_hash"),
    _TOKENS.c.revoked_at.is_(None),
)
_TOKEN_LOOKUP = select(*TOKEN_COLUMNS).select_from(TOKEN_FROM).where(*TOKEN_WHERE)
_TOKEN_USED = (
    _TOKENS.update()
    .where(_TOKENS.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def tokens_for(user) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc())
        )
    )
