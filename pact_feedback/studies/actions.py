"""Study writes: creation, lifecycle transitions and enrolment, each one audited transaction."""

from sqlalchemy import select

from pact_feedback.audit.log import record
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.lifecycle import next_stage
from pact_feedback.studies.models import Enrolment, Study
from pact_feedback.studies.signals import reports_sent_elsewhere, study_created


class StudyError(Exception):
    """A study action was refused; the message is safe to show."""


def study_by_slug(slug: str) -> Study | None:
    return db.session.scalar(select(Study).filter_by(slug=slug))


def create_study(*, by, slug: str, title: str, **fields) -> Study:
    if study_by_slug(slug):
        raise StudyError(f"A study with the short name {slug} already exists")
    study = Study(slug=slug, title=title, **fields)
    db.session.add(study)
    db.session.flush()
    record("study_created", by=by, obj=study, slug=slug)
    study_created.send(study, by=by)  # the diary's taxonomy, the uptake survey
    commit()
    return study


def advance_study(study: Study, *, to: str, by) -> Study:
    """Move `study` one step along its lifecycle, to the stage `to` that the user saw offered."""
    following = next_stage(study.status)
    if following is None or following.code != to:
        raise StudyError("The study has already moved on. Check its current stage and try again.")
    if to == "collecting" and not (study.collection_start and study.collection_end):
        raise StudyError("Set the collection window before starting data collection")
    previous = study.status
    study.status = following.code
    setattr(study, following.date_field, utcnow())
    record("study_transition", by=by, obj=study, from_status=previous, to_status=following.code)
    commit()
    return study


def enrol_practices(study: Study, entries: list[dict], *, by) -> tuple[int, int]:
    """Enrol practices given as {"practice": Practice, "report_sent_on": date|None}.

    Already enrolled practices are updated (report_sent_on), not duplicated.
    Returns (newly enrolled, updated).
    """
    if study.status == "closed":
        raise StudyError("The study is closed: no more practices can be enrolled.")
    existing = {e.practice_id: e for e in study.enrolments}
    added = updated = 0
    for entry in entries:
        practice: Practice = entry["practice"]
        enrolment = existing.get(practice.id)
        if enrolment is None:
            enrolment = Enrolment(study=study, practice=practice)
            db.session.add(enrolment)
            existing[practice.id] = enrolment
            added += 1
        elif entry.get("report_sent_on") and enrolment.report_sent_on != entry["report_sent_on"]:
            updated += 1
        if entry.get("report_sent_on"):
            enrolment.report_sent_on = entry["report_sent_on"]
    record("practices_enrolled", by=by, obj=study, added=added, updated=updated)
    if any(entry.get("report_sent_on") for entry in entries):
        reports_sent_elsewhere.send(study, by=by)
    commit()
    return added, updated
