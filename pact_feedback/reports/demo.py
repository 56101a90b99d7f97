"""Demo data for reports: a finished pilot round whose reports are released.

Every state a reader can meet is visible: lead.1's practice shows its own figures (enough
colleagues share), lead.2's practice has them withheld, and gp.1 and nurse.1 have private
reports of their own.
"""

import random
from datetime import date, datetime

from pact_feedback.accounts.actions import grant_role
from pact_feedback.accounts.models import Consent, User
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.diary.demo import seed_diary
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from pact_feedback.reports import actions
from pact_feedback.studies.models import Enrolment, Study

PILOT_SLUG = "hidden-workload-pilot"
PILOT_PRACTICES = 14  # all in England, so matching stays within one nation
SHARING_IN_SECOND_PRACTICE = 2  # below k_practice: that practice's own figures are withheld
PILOT_ROLES = (
    "gp_partner",
    "salaried_gp",
    "practice_nurse",
    "gp_partner",
    "anp",
    "clinical_pharmacist",
    "gp_registrar",
)


def seed_pilot_reports(
    *, team, practices, first_practice_people, password_hash, rng: random.Random
) -> Study:
    """`first_practice_people`: [(user, staff_role)] who also kept a pilot diary."""
    pilot = Study(
        slug=PILOT_SLUG,
        title="The Hidden Workload Study: pilot round",
        description="The first round of the Hidden Workload Study. Its reports are released.",
        status="analysing",
        collection_start=date(2026, 3, 2),
        collection_end=date(2026, 3, 27),
        pis_version="1.0",
    )
    db.session.add(pilot)
    db.session.flush()
    ensure_taxonomy(pilot)
    in_round = practices[:PILOT_PRACTICES]
    for practice in in_round:
        db.session.add(Enrolment(study=pilot, practice=practice))

    def join(person, practice, staff_role, *, share):
        membership = grant_role(person, PARTICIPANT, practice=practice, study=pilot, by=team)
        membership.staff_role = staff_role
        membership.shares_with_practice = share
        membership.shared_since = datetime(2026, 3, 30, 9, 0) if share else None
        db.session.add(Consent(user_id=person.id, study_id=pilot.id, pis_version="1.0"))

    for i, (person, staff_role) in enumerate(first_practice_people):
        join(person, in_round[0], staff_role, share=i != 1)  # nurse.1 keeps hers private
    for p, practice in enumerate(in_round[1:], start=2):
        for i in range(rng.randint(5, 7)):
            person = User(
                email=f"pilot.{p}.{i}@practice.example",
                name=f"Pilot clinician {p}.{i}",
                password_hash=password_hash,
            )
            db.session.add(person)
            db.session.flush()
            share = i < SHARING_IN_SECOND_PRACTICE if p == 2 else rng.random() < 0.8
            join(person, practice, PILOT_ROLES[(p + i) % len(PILOT_ROLES)], share=share)
    db.session.commit()
    seed_diary(pilot, rng)
    actions.generate(pilot, by=team)
    actions.release(pilot, by=team, notify=False)
    return pilot
