"""A second reviewer assigned by the study team: only they review the practice's sample, never
a case they entered themselves, and every assignment is in the audit log."""

import pytest
from sqlalchemy import select

from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.audit.models import AuditEvent
from pact_feedback.casebook import actions
from pact_feedback.casebook.actions import CasebookError, audit_for
from pact_feedback.casebook.models import CaseReview
from pact_feedback.casebook.queries import case_by_sequence
from pact_feedback.extensions import db
from tests.casebook.helpers import COMPLETE, audit_world, fill
from tests.conftest import error_messages, login, make_user, page, submit


def _world_with_sample():
    """Cases 1-20 entered by the lead (10 and 20 are in the 10% sample); a second participant."""
    world = audit_world()
    fill(world, world.practices[0], [COMPLETE] * 20, by=world.lead, submit=False)
    world.colleague = make_user(
        role=PARTICIPANT, practice=world.practices[0], study=world.study, consented=True
    )
    return world


def _assign_url(world, practice=None):
    ods = (practice or world.practices[0]).ods_code
    return f"/studies/{world.study.slug}/audit/reviewers/{ods}"


def test_team_assigns_a_reviewer_and_the_assignment_is_audited(client, ctx):
    """The study team picks one of the practice's clinicians; the log says who and by whom."""
    world = _world_with_sample()
    login(client, world.team)

    choices = page(client.get(_assign_url(world)))
    response = submit(client, _assign_url(world), {"reviewer": str(world.participant.id)})

    labels = choices.select("input[name=reviewer]")
    assert {i["value"] for i in labels} == {
        "any",
        str(world.participant.id),
        str(world.lead.id),
        str(world.colleague.id),
    }
    assert response.status_code == 302
    assert actions.reviewer_for(world.form, world.practices[0]) == world.participant
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "casebook_reviewer_assigned")
    )
    assert event is not None and event.actor_id == world.team.id


def test_only_the_assigned_reviewer_may_review(app, client, ctx):
    """A colleague who is not the assigned reviewer finds no review page and cannot post one."""
    world = _world_with_sample()
    actions.assign_reviewer(world.form, world.practices[0], world.participant, by=world.team)
    url = f"/take-part/{world.study.slug}/audit/reviews/10"
    other = app.test_client()
    login(other, world.colleague)

    assert other.get(url).status_code == 404
    assert submit(other, url, {"judgement": "necessary"}, form_url="/").status_code == 404
    assert "Review case 10" not in page(other.get(f"/take-part/{world.study.slug}/audit")).text
    login(client, world.participant)
    assert "Review case 10" in page(client.get(f"/take-part/{world.study.slug}/audit")).text
    assert submit(client, url, {"judgement": "necessary"}).status_code == 302
    review = db.session.scalar(select(CaseReview))
    assert review.reviewer_id == world.participant.id


def test_the_action_refuses_anyone_but_the_assigned_reviewer(ctx):
    """The rule holds below the web pages too."""
    world = _world_with_sample()
    actions.assign_reviewer(world.form, world.practices[0], world.participant, by=world.team)
    case = case_by_sequence(audit_for(world.form, world.practices[0]), 10)

    with pytest.raises(CasebookError, match="assigned"):
        actions.review_case(case, judgement="necessary", by=world.colleague)


def test_an_assigned_reviewer_never_reviews_their_own_cases(client, ctx):
    """The lead, assigned, still may not review the cases they entered."""
    world = _world_with_sample()
    actions.assign_reviewer(world.form, world.practices[0], world.lead, by=world.team)
    login(client, world.lead)

    assert client.get(f"/take-part/{world.study.slug}/audit/reviews/10").status_code == 404


def test_team_cannot_assign_someone_outside_the_practice(client, ctx):
    """Only the practice's own clinicians are offered, and a forged choice is refused."""
    world = _world_with_sample()
    outsider = make_user(
        role=PARTICIPANT, practice=world.practices[1], study=world.study, consented=True
    )
    login(client, world.team)

    response = submit(client, _assign_url(world), {"reviewer": str(outsider.id)})

    assert response.status_code == 422
    assert error_messages(response)
    assert actions.reviewer_for(world.form, world.practices[0]) is None
    with pytest.raises(CasebookError):
        actions.assign_reviewer(world.form, world.practices[0], outsider, by=world.team)


def test_any_colleague_again_when_the_assignment_is_removed(client, ctx):
    """Choosing "any colleague" returns to the default: anyone in the practice but the first."""
    world = _world_with_sample()
    actions.assign_reviewer(world.form, world.practices[0], world.participant, by=world.team)
    login(client, world.team)

    assert submit(client, _assign_url(world), {"reviewer": "any"}).status_code == 302

    assert actions.reviewer_for(world.form, world.practices[0]) is None
    case = case_by_sequence(audit_for(world.form, world.practices[0]), 10)
    actions.review_case(case, judgement="necessary", by=world.colleague)
