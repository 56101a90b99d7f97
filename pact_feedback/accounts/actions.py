"""Account writes: sign-in, sign-out, passwords, invitations; each commits with an audit event."""

from datetime import timedelta

from blinker import Namespace
from flask import current_app, request
from flask_login import login_user, logout_user
from sqlalchemy import func, select

from pact_feedback.accounts.models import Invitation, Membership, User
from pact_feedback.accounts.passwords import hash_password, verify_password
from pact_feedback.accounts.roles import ROLE_LABELS
from pact_feedback.accounts.sessions import end_all_sessions, end_current_session, start_session
from pact_feedback.audit.log import record
from pact_feedback.audit.models import AuditEvent
from pact_feedback.core.mail import external_url, send_email, send_email_or_log
from pact_feedback.core.time import utcnow
from pact_feedback.core.tokens import new_token, token_digest
from pact_feedback.core.transaction import commit, on_commit
from pact_feedback.extensions import db

# Sent (with `by=`) inside set_password's transaction: receivers revoke other credentials
# (api.tokens revokes access tokens) and return how many. A signal, because accounts sits
# below the packages that hold those credentials.
password_changed = Namespace().signal("password-changed")


class SignInRefused(Exception):
    """Sign-in did not succeed; the message is safe to show."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).filter_by(email=normalise_email(email)))


def _failures_since(since, **filters) -> int:
    query = select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "sign_in_failed", AuditEvent.at >= since
    )
    for column, value in filters.items():
        query = query.where(getattr(AuditEvent, column) == value)
    return db.session.scalar(query)


def _signed_in_from(email: str, address: str | None) -> bool:
    """Whether `email` has signed in from `address` lately (its practice's network, say)."""
    days = current_app.config["LOGIN_KNOWN_ADDRESS_DAYS"]
    query = select(AuditEvent.id).where(
        AuditEvent.action == "sign_in",
        AuditEvent.subject == email,
        AuditEvent.ip_address == address,
        AuditEvent.at >= utcnow() - timedelta(days=days),
    )
    return db.session.scalar(query.limit(1)) is not None


def is_throttled(email: str) -> bool:
    """Too many recent failures (counted in the shared DB) for this account from this address,
    for this account from anywhere, or from this address for an account not known there.
    A completed password reset starts the account's counts again."""
    cfg = current_app.config
    email, address = normalise_email(email), request.remote_addr
    window_start = utcnow() - cfg["LOGIN_THROTTLE_WINDOW"]
    user = user_by_email(email)
    changed = user.password_changed_at if user is not None else None
    account_since = max(window_start, changed) if changed else window_start
    return (
        _failures_since(account_since, subject=email, ip_address=address)
        >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
        or _failures_since(account_since, subject=email) >= cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or (
            _failures_since(window_start, ip_address=address)
            >= cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"]
            and not _signed_in_from(email, address)
        )
    )


def sign_in(email: str, password: str, *, keep: bool = False) -> User:
    """`keep`: "keep me signed in on this device" for the diary (accounts/sessions.py)."""
    email = normalise_email(email)
    if is_throttled(email):
        record("sign_in_throttled", subject=email)
        commit()
        raise SignInRefused(
            "Too many unsuccessful attempts. Wait 15 minutes, or reset your password."
        )
    user = user_by_email(email)
    if user is None or not verify_password(user.password_hash, password) or not user.active:
        record("sign_in_failed", subject=email)
        commit()
        raise SignInRefused("Enter a correct email address and password.")
    start_session(user, keep=keep)
    login_user(user)
    user.last_sign_in_at = utcnow()
    record("sign_in", by=user, obj=user, subject=email, kept=keep)
    commit()
    return user


def sign_out(user: User) -> None:
    end_current_session()
    logout_user()
    record("sign_out", by=user, obj=user)
    commit()


def sign_out_everywhere(user: User) -> None:
    """End every session of `user`, on every device, kept ones included."""
    ended = end_all_sessions(user)
    end_current_session()
    logout_user()
    record("sign_out_everywhere", by=user, obj=user, sessions_ended=ended)
    commit()


def set_password(user: User, password: str, *, by: User, reason: str) -> int:
    """Set a new password and end every session of the user; whatever else holds the old
    credentials (API tokens) is revoked by receivers of `password_changed`. Returns how many
    such credentials were revoked. Also restarts the account's sign-in throttling counts."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    ended = end_all_sessions(user)
    revoked = sum(n or 0 for _, n in password_changed.send(user, by=by))
    record("password_set", by=by, obj=user, reason=reason, sessions_ended=ended, revoked=revoked)
    commit()
    return revoked


def change_password(user: User, new_password: str) -> int:
    """Returns how many API tokens were revoked (the page says so)."""
    revoked = set_password(user, new_password, by=user, reason="changed")
    start_session(user)  # this browser stays signed in, with a fresh session
    login_user(user)
    commit()
    return revoked


# Password reset -------------------------------------------------------------------------------


def _reset_serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; say nothing either way (no account probing)."""
    user = user_by_email(email)
    record("password_reset_requested", subject=normalise_email(email), known=user is not None)
    commit()
    if user is None or not user.active:
        return
    # The token carries a fingerprint of the current hash: once the password changes, it is spent.
    token = _reset_serializer().dumps({"user": user.id, "fp": _fingerprint(user)})
    sent = send_email_or_log(
        user.email,
        "reset your password",
        "password_reset",
        user=user,
        link=external_url("accounts.reset_password", token=token),
        hours=int(current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds() // 3600),
    )
    if not sent:  # the page says the same as ever; the log and the audit trail say what failed
        record("email_failed", obj=user, subject=user.email, template="password_reset")
        commit()


def _fingerprint(user: User) -> str:
    return token_digest(user.password_hash or f"unset-{user.id}")[:16]


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token belongs to, or None if it is unknown, expired or already used."""
    from itsdangerous import BadData

    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"].total_seconds()
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadData:
        return None
    user = db.session.get(User, data.get("user")) if isinstance(data, dict) else None
    if user is None or data.get("fp") != _fingerprint(user) or not user.active:
        return None
    return user


# Invitations ----------------------------------------------------------------------------------


def invite(*, email: str, role: str, by: User, name: str = "", practice=None, study=None) -> str:
    """Create an invitation and email its link; returns the token (shown once to CLI users)."""
    token = new_token()
    invitation = Invitation(
        token_hash=token_digest(token),
        email=normalise_email(email),
        name=name.strip(),
        role=role,
        practice_id=practice.id if practice else None,
        study_id=study.id if study else None,
        invited_by_id=by.id if by else None,
        expires_at=utcnow() + current_app.config["INVITATION_MAX_AGE"],
    )
    db.session.add(invitation)
    db.session.flush()
    record("invitation_sent", by=by, obj=invitation, subject=invitation.email, role=role)
    commit()
    email = {
        "invitation": invitation,
        "role_label": ROLE_LABELS[role],
        "link": external_url("accounts.accept_invitation", token=token),
        "days": current_app.config["INVITATION_MAX_AGE"].days,
    }
    # Only a committed invitation is emailed (its link would not open otherwise).
    on_commit(
        lambda: send_email(
            invitation.email,
            f"you are invited to take part as {ROLE_LABELS[role].lower()}",
            "invitation",
            **email,
        )
    )
    return token


def open_invitation(token: str) -> Invitation | None:
    """The invitation for `token` if it exists, is unused and has not expired."""
    invitation = db.session.scalar(select(Invitation).filter_by(token_hash=token_digest(token)))
    if invitation is None or invitation.accepted_at or invitation.expires_at < utcnow():
        return None
    return invitation


def accept_invitation(invitation: Invitation, *, name: str, password: str | None) -> User:
    """Create (or reuse) the invitee's account and grant the role; the invitation is spent."""
    user = user_by_email(invitation.email)
    if user is None:
        user = User(email=invitation.email, name=name.strip())
        db.session.add(user)
    if password:
        user.password_hash = hash_password(password)
        user.password_changed_at = utcnow()
    db.session.flush()
    grant_role(user, invitation.role, practice=invitation.practice, study=invitation.study)
    invitation.accepted_at = utcnow()
    record("invitation_accepted", by=user, obj=invitation, subject=user.email)
    commit()
    return user


def grant_role(user: User, role: str, *, practice=None, study=None, by: User | None = None):
    """Give `user` a role in a practice/study unless they hold it already (caller commits)."""
    existing = db.session.scalar(
        select(Membership).filter_by(
            user_id=user.id,
            role=role,
            practice_id=practice.id if practice else None,
            study_id=study.id if study else None,
        )
    )
    if existing:
        return existing
    membership = Membership(user=user, role=role, practice=practice, study=study)
    db.session.add(membership)
    db.session.flush()
    record("role_granted", by=by or user, obj=membership, subject=user.email, role=role)
    return membership
