"""Who may do what: permissions follow a role within a practice and a study, never a global flag.

Plain predicates over a user's memberships, and `require`, which turns a "no" into a 403 or 404.
The gates built on them: `studies.access.managed_study`, `participation.access.my_participation`."""

from flask import abort, request

from pact_feedback.accounts.roles import PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.audit.log import record_read


def memberships_with_role(user, role: str):
    """The signed-in `user`'s memberships in `role` (none for an anonymous visitor)."""
    if not user or not user.is_authenticated:
        return []
    return [m for m in user.memberships if m.role == role]


def is_study_team(user, study=None) -> bool:
    """A study-team member for every study (study_id empty) or for `study` in particular;
    without a study, a member of the team of any study (so one-study members find theirs)."""
    if study is None:
        return bool(memberships_with_role(user, STUDY_TEAM))
    return any(
        m.study_id is None or (study is not None and m.study_id == study.id)
        for m in memberships_with_role(user, STUDY_TEAM)
    )


def is_global_study_team(user) -> bool:
    return any(m.study_id is None for m in memberships_with_role(user, STUDY_TEAM))


def leads_practice(user, practice) -> bool:
    return any(m.practice_id == practice.id for m in memberships_with_role(user, PRACTICE_LEAD))


def led_practice_ids(user) -> set[int]:
    return {m.practice_id for m in memberships_with_role(user, PRACTICE_LEAD)}


def require(allowed: bool, *, hide: bool = False) -> None:
    """Stop the request unless `allowed`: 403, or 404 where even existence must not leak.

    The refusal is audited even on a GET: this is one of the documented read-audit paths
    (docs/decisions/0003-layers.md)."""
    if not allowed:
        record_read("access_denied", path=request.path, method=request.method, hidden=hide)
        abort(404 if hide else 403)
