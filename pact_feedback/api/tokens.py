"""Personal access tokens: created once (shown once), stored as a SHA-256 digest, revocable."""

import secrets

from sqlalchemy import bindparam, select

from pact_feedback.accounts.models import User
from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.tokens import token_digest
from pact_feedback.diary.models import ApiToken
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
    db.session.commit()
    return token, secret


def revoke_token(token: ApiToken, *, by) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record("api_token_revoked", by=by, obj=token, user_id=token.user_id, prefix=token.prefix)
        db.session.commit()


def user_for_token(secret: str):
    """The active user a token belongs to, or None. Looks the row up by its prefix and digest
    (a prebuilt statement: every API request asks)."""
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    found = db.session.execute(
        _TOKEN_LOOKUP, {"prefix": secret[:12], "token_hash": token_digest(secret)}
    ).first()
    if found is None or not found.User.active:
        return None
    now = utcnow()
    last_used = found.last_used_at
    if last_used is None or (now - last_used).total_seconds() > 60:
        # At most once a minute, committed with the request.
        db.session.connection().execute(_TOKEN_USED, {"token_id": found.id, "now": now})
    return found.User


_TOKEN_LOOKUP = (
    select(ApiToken.id, ApiToken.last_used_at, User)
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.prefix == bindparam("prefix"),
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
    )
)
_TOKEN_USED = (
    ApiToken.__table__.update()
    .where(ApiToken.__table__.c.id == bindparam("token_id"))
    .values(last_used_at=bindparam("now"))
)


def tokens_for(user) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).filter_by(user_id=user.id).order_by(ApiToken.created_at.desc())
        )
    )
