"""The default report-uptake survey: every study gets it, with fixed codes and dated waves."""

from datetime import date, datetime

from sqlalchemy import select

from pact_feedback.extensions import db
from pact_feedback.reports.models import Report
from pact_feedback.studies.actions import create_study
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys.actions import ensure_default_survey, schedule_waves
from pact_feedback.surveys.models import Survey
from tests.conftest import make_practice, make_study


def test_new_study_gets_default_survey_with_fixed_codes_first(ctx):
    """create_study adds the uptake survey: discussed and used_for_qi first, yes/planning/no."""
    study = create_study(by=None, slug="fresh", title="Fresh")
    survey = db.session.scalar(select(Survey).filter_by(study_id=study.id))
    codes = [q.code for q in survey.questions]
    assert codes[:2] == ["discussed", "used_for_qi"]
    assert len(codes) >= 11
    for question in survey.questions[:2]:
        assert [c.code for c in question.choices] == ["yes", "planning", "no"]
        assert question.required and question.type == "single"
    assert [(w.number, w.months_after_release, w.opens_on) for w in survey.waves] == [
        (1, 3, None),
        (2, 6, None),
    ]


def test_ensure_default_survey_is_idempotent(ctx):
    """Calling it twice leaves one survey."""
    study = make_study()
    first = ensure_default_survey(study)
    db.session.commit()
    assert ensure_default_survey(study) is first
    assert len(db.session.scalars(select(Survey)).all()) == 1


def test_waves_dated_from_report_sent_elsewhere(ctx):
    """A study whose reports went out elsewhere dates its waves 3 and 6 months after sending."""
    practice = make_practice()
    study = make_study()
    db.session.add(Enrolment(study=study, practice=practice, report_sent_on=date(2026, 1, 15)))
    db.session.commit()
    survey = ensure_default_survey(study)
    db.session.commit()
    assert [(w.opens_on, w.closes_on) for w in survey.waves] == [
        (date(2026, 4, 15), date(2026, 5, 12)),
        (date(2026, 7, 15), date(2026, 8, 11)),
    ]


def test_waves_dated_when_report_released_in_app(ctx):
    """Waves without dates are dated once a practice report is released in the app."""
    practice = make_practice()
    study = make_study(practices=[practice])
    survey = ensure_default_survey(study)
    db.session.commit()
    assert schedule_waves(survey) == 0
    db.session.add(
        Report(
            study=study,
            kind="practice",
            practice=practice,
            status="released",
            payload={},
            method_version="t",
            released_at=datetime(2026, 2, 28, 10, 0),
        )
    )
    db.session.commit()
    assert schedule_waves(survey) == 2
    assert survey.waves[0].opens_on == date(2026, 5, 28)
    assert survey.waves[1].opens_on == date(2026, 8, 28)
