"""Actions combine: inside `atomic()` their commits become one, a failure anywhere leaves
nothing, and work after the commit (an invitation email) waits for it (core/transaction.py)."""

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.models import Invitation
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.transaction import TransactionDoomed, atomic, commit, on_commit
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from tests.conftest import make_practice, make_user, practice_fields


def _practice_named(name: str) -> None:
    """A one-write action: a practice, committed by the action's `commit()`."""
    db.session.add(Practice(**practice_fields(name=name)))
    commit()


def _names() -> set[str]:
    db.session.rollback()  # what another connection would see
    return set(db.session.scalars(select(Practice.name)))


class Refused(Exception):
    pass


def test_an_action_on_its_own_commits(ctx):
    _practice_named("Alone")
    assert "Alone" in _names()


def test_actions_in_a_block_commit_once_at_its_end(ctx):
    with atomic():
        _practice_named("First")
        _practice_named("Second")
        assert db.session().in_transaction()  # flushed, not yet committed
    assert {"First", "Second"} <= _names()


def test_a_failure_in_a_block_leaves_nothing_of_it(ctx):
    with pytest.raises(Refused), atomic():
        _practice_named("Kept only with its partner")
        with atomic():  # a nested block joins the outer one
            _practice_named("Partner")
        raise Refused
    assert not {"Kept only with its partner", "Partner"} & _names()


def test_a_caught_failure_inside_a_block_still_dooms_it(ctx):
    """A caller that swallows an inner failure cannot commit its half-done work."""
    with pytest.raises(TransactionDoomed), atomic():
        _practice_named("Half")
        try:
            with atomic():
                _practice_named("Broken")
                raise Refused
        except Refused:
            pass
    assert not {"Half", "Broken"} & _names()


def test_work_after_commit_waits_for_the_outermost_commit_and_never_follows_a_rollback(ctx):
    done = []
    on_commit(lambda: done.append("outside a block: at once"))
    assert done == ["outside a block: at once"]
    with atomic():
        on_commit(lambda: done.append("after the commit"))
        assert done == ["outside a block: at once"]
    assert done[-1] == "after the commit"
    with pytest.raises(Refused), atomic():
        on_commit(lambda: done.append("never"))
        raise Refused
    assert "never" not in done


def test_an_invitation_in_a_failed_block_is_neither_saved_nor_emailed(ctx, outbox):
    team = make_user(role="study_team")
    practice = make_practice()
    with pytest.raises(Refused), atomic():
        invite(email="new.lead@practice.example", role=PRACTICE_LEAD, practice=practice, by=team)
        assert outbox == []  # the email waits for the commit
        raise Refused
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
    assert outbox == []
    invite(email="new.lead@practice.example", role=PRACTICE_LEAD, practice=practice, by=team)
    assert [m.to for m in outbox] == [["new.lead@practice.example"]]
