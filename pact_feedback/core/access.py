"""Who may do what: permissions follow a role within a practice and a study, never a global flag."""

from flask import abort, request

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM


def _memberships(user, role: str):
    if not user or not user.is_authenticated:
        return []
    return [m for m in user.memberships if m.role == role]


def is_study_team(user, study=None) -> bool:
    """A study-team member for every study (study_id empty) or for `study` in particular."""
    return any(
        m.study_id is None or (study is not None and m.study_id == study.id)
        for m in _memberships(user, STUDY_TEAM)
    )


def is_global_study_team(user) -> bool:
    return any(m.study_id is None for m in _memberships(user, STUDY_TEAM))


def leads_practice(user, practice) -> bool:
    return any(m.practice_id == practice.id for m in _memberships(user, PRACTICE_LEAD))


def led_practice_ids(user) -> set[int]:
    return {m.practice_id for m in _memberships(user, PRACTICE_LEAD)}


def participation_in(user, study):
    """The participant membership of `user` in `study`, or None."""
    return next((m for m in _memberships(user, PARTICIPANT) if m.study_id == study.id), None)


def require(allowed: bool, *, hide: bool = False) -> None:
    """Stop the request unless `allowed`: 403, or 404 where even existence must not leak."""
    if not allowed:
        from pact_feedback.audit.log import record
        from pact_feedback.extensions import db

        record("access_denied", path=request.path, method=request.method, hidden=hide)
        db.session.commit()
        abort(404 if hide else 403)
