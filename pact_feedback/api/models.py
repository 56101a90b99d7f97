"""Personal access tokens for the JSON API."""

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db


class ApiToken(db.Model):
    """A personal access token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), comment="What the token is for")
    prefix: Mapped[str] = mapped_column(String(12), index=True, comment="First characters, shown")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of token")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()

    user: Mapped["User"] = relationship()  # noqa: F821

    @property
    def active(self) -> bool:
        return self.revoked_at is None
