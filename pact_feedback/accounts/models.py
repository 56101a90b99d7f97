"""People, their sessions, the roles they hold within practices and studies, and invitations."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pact_feedback.accounts.roles import ROLES, STAFF_ROLES
from pact_feedback.core.time import utcnow
from pact_feedback.extensions import db

_ROLE_LIST = ", ".join(f"'{role}'" for role in ROLES)
_STAFF_ROLE_LIST = ", ".join(f"'{code}'" for code, _ in STAFF_ROLES)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(
        String(320), unique=True, comment="Sign-in email, lower case"
    )
    name: Mapped[str] = mapped_column(String(200), default="", comment="Display name")
    password_hash: Mapped[str | None] = mapped_column(
        String(255), comment="Argon2id hash; empty until an invitation is accepted"
    )
    active: Mapped[bool] = mapped_column(default=True, comment="False blocks sign-in")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column()
    last_sign_in_at: Mapped[datetime | None] = mapped_column()

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def has_role(self, role: str) -> bool:
        return any(m.role == role for m in self.memberships)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(db.Model):
    """A signed-in browser. Deleting or revoking the row signs that browser out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the token")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column()
    # A kept session's token rotates (accounts/sessions.py): the one it replaced, still
    # accepted for a moment, and recognised afterwards as a copy to refuse.
    previous_token_hash: Mapped[str | None] = mapped_column(
        String(64), index=True, comment="SHA-256 of the token this session's token replaced"
    )
    rotated_at: Mapped[datetime | None] = mapped_column(
        comment="When the token was last replaced (empty: the sign-in's token)"
    )
    rotation_confirmed: Mapped[bool] = mapped_column(
        default=False,
        server_default=false(),
        comment="The browser has used the current token since the last rotation",
    )


class Membership(db.Model):
    """A role held by a person within a practice and/or a study.

    study_team: study_id set (or empty for every study); practice_lead: practice_id set;
    participant: practice_id and study_id set, with the staff role they work in.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="role_known"),
        CheckConstraint(
            f"staff_role IS NULL OR staff_role IN ({_STAFF_ROLE_LIST})", name="staff_role_known"
        ),
        CheckConstraint(
            "role != 'participant' OR (practice_id IS NOT NULL AND study_id IS NOT NULL)",
            name="participant_scoped",
        ),
        CheckConstraint(
            "role != 'practice_lead' OR practice_id IS NOT NULL", name="lead_has_practice"
        ),
        UniqueConstraint("user_id", "role", "practice_id", "study_id", name="uq_memberships_scope"),
        Index("ix_memberships_practice_role", "practice_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(
        String(20), comment="participant, practice_lead or study_team"
    )
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    study_id: Mapped[int | None] = mapped_column(
        ForeignKey("studies.id", ondelete="CASCADE"), index=True
    )
    staff_role: Mapped[str | None] = mapped_column(
        String(40), comment="Participant's staff role (PRODUCT.md section 1)"
    )
    shares_with_practice: Mapped[bool] = mapped_column(
        default=False, comment="Participant opted in to share their report with the practice"
    )
    shared_since: Mapped[datetime | None] = mapped_column(
        comment="When the participant last chose to share (empty while private)"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    practice: Mapped["Practice | None"] = relationship()  # noqa: F821
    study: Mapped["Study | None"] = relationship()  # noqa: F821


class Invitation(db.Model):
    """An emailed, single-use, expiring invitation to take a role."""

    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint(f"role IN ({_ROLE_LIST})", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, comment="SHA-256 of the token")
    email: Mapped[str] = mapped_column(String(320), index=True, comment="Invitee's email")
    name: Mapped[str] = mapped_column(String(200), default="", comment="Invitee's name")
    role: Mapped[str] = mapped_column(String(20), comment="Role offered")
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id", ondelete="CASCADE"))
    study_id: Mapped[int | None] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(comment="After this the link no longer works")
    accepted_at: Mapped[datetime | None] = mapped_column(comment="When used (single use)")

    practice: Mapped["Practice | None"] = relationship()  # noqa: F821
    study: Mapped["Study | None"] = relationship()  # noqa: F821


class Consent(db.Model):
    """A participant's consent to a study, with the information sheet version they read."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    pis_version: Mapped[str] = mapped_column(String(20), comment="Information sheet version read")
    consented_at: Mapped[datetime] = mapped_column(default=utcnow, comment="When consent was given")
