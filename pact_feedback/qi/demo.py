"""Demo QI project for the first demo practice: letters redirected, two PDSA cycles, and a run
chart whose 24 weekly values show a shift once the change took hold."""

from datetime import timedelta

from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.core.time import today
from pact_feedback.extensions import db
from pact_feedback.qi import actions
from pact_feedback.qi.models import QIMeasureValue
from pact_feedback.qi.outlines import AFTER

# Minutes per GP per day on correspondence, weekly: 12 baseline weeks, then the change.
WEEKLY_MINUTES = (
    62, 58, 65, 60, 63, 57, 61, 64, 59, 62, 60, 63,
    55, 52, 50, 53, 49, 47, 50, 46, 48, 45, 47, 44,
)  # fmt: skip


def seed_qi(practice) -> None:
    """Give `practice` a QI project from the 'after' outline with data and two cycles."""
    lead = db.session.scalar(
        select(User)
        .join(Membership)
        .where(Membership.role == PRACTICE_LEAD, Membership.practice_id == practice.id)
        .order_by(User.id)
    )
    if lead is None:
        return
    first_week = today() - timedelta(weeks=len(WEEKLY_MINUTES))
    change = first_week + timedelta(weeks=12)
    project = actions.create_project(
        by=lead,
        practice=practice,
        fields={
            "title": AFTER.title,
            "aim_what": AFTER.aim_what,
            "aim_how_much": "From about 61 to 45 minutes per GP per day",
            "aim_by_when": today() + timedelta(weeks=8),
            "status": "active",
            "change_ideas": AFTER.change_ideas,
            "team_members": "Practice Lead 1 (practice manager)\nDr Asha Patel (GP partner)\n"
            "Two senior administrators",
            "evidence_tags": list(AFTER.evidence_tags),
        },
        measures=AFTER.measures,
    )
    outcome = project.measures[0]
    db.session.add_all(
        QIMeasureValue(
            measure=outcome,
            measured_on=first_week + timedelta(weeks=i),
            value=value,
            recorded_by_id=lead.id,
        )
        for i, value in enumerate(WEEKLY_MINUTES)
    )
    db.session.commit()
    actions.save_cycle(project, by=lead, fields=_first_cycle(change))
    actions.save_cycle(project, by=lead, fields=_second_cycle(change + timedelta(weeks=3)))


def _first_cycle(start) -> dict:
    return {
        "number": 1,
        **AFTER.first_cycle,
        "start_on": start,
        "end_on": start + timedelta(days=13),
        "do_notes": "Admin staff filed 41 letters for Dr Patel; 3 were passed back with queries.",
        "study_notes": "Dr Patel's correspondence time fell by about 9 minutes a day, close to "
        "the prediction. No missed actions in the daily check.",
        "act": "adapt",
        "next_steps": "Add discharge summaries with no medication changes; check a sample "
        "rather than every letter.",
    }


def _second_cycle(start) -> dict:
    return {
        "number": 2,
        "objective": "Extend redirection to every GP, with a weekly sample check",
        "prediction": "GP time on correspondence falls below 50 minutes a day within a month",
        "plan_what": "All no-action clinic letters and simple discharge summaries go to the "
        "admin team; a GP checks 20 processed letters each Friday",
        "plan_who": "All GPs and the admin team",
        "start_on": start,
        "do_notes": "Running for all GPs; one letter returned for a missed blood test request.",
    }
