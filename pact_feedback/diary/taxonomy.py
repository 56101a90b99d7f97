"""The default task taxonomy (PRODUCT.md section 3) and seeding it into a study."""

from sqlalchemy import select

from pact_feedback.diary.models import Category
from pact_feedback.extensions import db

GROUP_LABELS = {
    "A": "Care-related encounters",
    "B": "Care-related activity without the patient",
    "C": "Team and meetings",
    "D": "Administration and professional activity",
    "E": "Other",
}

# (code, label, description); the group is the code's first letter.
DEFAULT_TAXONOMY = (
    ("A1", "Booked consultation", "Scheduled face-to-face, phone, video or online consultations"),
    ("A2", "Unplanned patient contact", "Extras, duty calls, triage call-backs"),
    ("A3", "Home or care-home visit", "Including travel and write-up"),
    ("B1", "Test results", "Reviewing, filing, actioning, arranging follow-up"),
    (
        "B2",
        "Prescriptions and medicines",
        "Repeats, queries, hospital changes, monitoring, reconciliation",
    ),
    (
        "B3",
        "Correspondence and documents",
        "Hospital letters, discharge summaries, \u201cGP to\u2026\u201d requests",
    ),
    (
        "B4",
        "Referrals and advice requests",
        "Writing, chasing, advice and guidance, rejected-referral rework",
    ),
    (
        "B5",
        "Patient messages and online requests",
        "Online consultation triage, messages, reception tasks",
    ),
    ("B6", "Reports, forms and certificates", "Fit notes, DVLA, insurance, benefits, medicolegal"),
    ("B7", "Documentation overspill", "Finishing notes and coding after consultations"),
    (
        "B8",
        "Liaison with other professionals",
        "Specialists, community teams, pharmacies, social care",
    ),
    ("B9", "Safeguarding", "Reports, case conferences, liaison"),
    (
        "C1",
        "Supervision and debriefs",
        "Trainees, PAs, nurses, ARRS staff; ad-hoc colleague queries",
    ),
    ("C2", "Clinical meetings", "MDT, palliative care, practice and PCN meetings"),
    ("D1", "Practice management and admin", "Rotas, HR, finance, CQC, QOF admin"),
    ("D2", "Quality improvement and audit", "Audits, searches, significant-event analysis, QI"),
    ("D3", "Education and training", "Teaching, tutorials, own CPD, appraisal"),
    ("D4", "Email and non-patient communication", "Inbox, bulletins, non-patient calls"),
    (
        "D5",
        "IT problems and operational failures",
        "Log-in failures, missing information, looking for things",
    ),
    ("E1", "Break", "Lets hours worked be set against scheduled hours"),
    ("E9", "Other (specify)", "Say what it was in the note; the study team reviews these"),
)


def ensure_taxonomy(study) -> list[Category]:
    """Give `study` every default category it lacks (by code); never changes existing ones.

    Adds to the session without committing, so it joins the caller's transaction.
    """
    existing = {
        c.code: c for c in db.session.scalars(select(Category).filter_by(study_id=study.id))
    }
    for position, (code, label, description) in enumerate(DEFAULT_TAXONOMY, start=1):
        if code not in existing:
            category = Category(
                study_id=study.id,
                code=code,
                label=label,
                description=description,
                group=code[0],
                active=True,
                position=position * 10,
            )
            db.session.add(category)
            existing[code] = category
    db.session.flush()
    return sorted(existing.values(), key=lambda c: (c.position, c.code))


def taxonomy_for_new_study(study, **_) -> None:
    """`studies.signals.study_created` receiver: a new study starts with the default taxonomy."""
    ensure_taxonomy(study)
