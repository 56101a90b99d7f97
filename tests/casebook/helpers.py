"""A small record-audit world: a study with the Why Test form, practices, a lead and a
participant in the first practice, and a way to write complete cases."""

from types import SimpleNamespace

from pact_feedback.accounts.roles import PARTICIPANT, PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.casebook.actions import audit_for, save_case, set_up_audit
from tests.conftest import make_practice, make_study, make_user

COMPLETE = {
    "age_band": "age_40_64",
    "sex": "female",
    "requester": "gp",
    "reasons": ["symptoms"],
    "tests": ["fbc"],
    "result": "normal",
    "outcome": ["no_change"],
    "new_diagnosis": "no",
    "necessity": "necessary",
}


def as_post(answers: dict) -> dict:
    """Answers as the case form posts them."""
    return {f"q_{code}": value for code, value in answers.items()}


def audit_world(practices: int = 2, **study_fields) -> SimpleNamespace:
    places = [make_practice(imd_score=10.0 + 3 * i) for i in range(practices)]
    study = make_study(practices=places, **{"status": "collecting", **study_fields})
    team = make_user(role=STUDY_TEAM)
    form = set_up_audit(study, by=team)
    return SimpleNamespace(
        study=study,
        form=form,
        practices=places,
        team=team,
        lead=make_user(role=PRACTICE_LEAD, practice=places[0]),
        participant=make_user(
            role=PARTICIPANT,
            practice=places[0],
            study=study,
            consented=True,
            staff_role="gp_partner",
        ),
    )


def fill(world, practice, answers_list, *, by=None, submit=True):
    """Write cases 1..n for `practice` (and submit its audit)."""
    from pact_feedback.casebook.actions import submit_audit

    audit = audit_for(world.form, practice, create=True)
    for answers in answers_list:
        save_case(audit, answers=answers, by=by or world.team)
    if submit:
        submit_audit(audit, by=by or world.team)
    return audit
