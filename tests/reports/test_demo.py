"""The demo data shows every report state a reader can meet."""

from sqlalchemy import select

from pact_feedback.accounts.models import User
from pact_feedback.demo import seed
from pact_feedback.extensions import db
from pact_feedback.reports.demo import PILOT_SLUG
from pact_feedback.reports.models import Report
from pact_feedback.studies.actions import study_by_slug


def _report(kind, **filters):
    return db.session.scalar(select(Report).filter_by(kind=kind, status="released", **filters))


def test_demo_pilot_round_has_released_reports_in_every_state(ctx):
    seed("demo-password-x")
    pilot = study_by_slug(PILOT_SLUG)
    assert pilot.status == "reports_released"

    lead_1 = db.session.scalar(select(User).filter_by(email="lead.1@practice.example"))
    lead_2 = db.session.scalar(select(User).filter_by(email="lead.2@practice.example"))
    first = _report("practice", practice_id=lead_1.memberships[0].practice_id)
    second = _report("practice", practice_id=lead_2.memberships[0].practice_id)
    assert first.payload["own"]["by_category"]["values"] is not None  # five colleagues share
    assert second.payload["own"]["by_category"]["values"] is None  # two share: withheld
    assert first.payload["comparator"] is not None and first.payload["peer_group"] is not None

    gp = db.session.scalar(select(User).filter_by(email="gp.1@practice.example"))
    mine = _report("participant", user_id=gp.id)
    assert mine.payload["own"]["total"] > 0 and mine.payload["benchmark"]["by_category"]
