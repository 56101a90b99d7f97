"""Lead coverage of a study: each enrolled practice's lead state (practices/leads.py)."""

from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.practices.leads import STATES, LeadCoverage, lead_states
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys import queries as survey_queries

__all__ = ["STATES", "LeadCoverage", "lead_coverage"]


def lead_coverage(study, *, only_sent: bool = False) -> list[LeadCoverage]:
    """Every enrolled practice (or only those sent a report) with its lead state, by name."""
    query = select(Practice).join(Enrolment).where(Enrolment.study_id == study.id)
    if only_sent:
        query = query.where(Enrolment.practice_id.in_(survey_queries.sent_practice_ids(study.id)))
    practices = db.session.scalars(query.order_by(Practice.name)).all()
    states = lead_states(practices)
    return [states[p.id] for p in practices]
