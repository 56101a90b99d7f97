"""Shared set-up for survey tests: a study whose reports went out, with wave 1 open."""

import gc
import sys
from collections.abc import Callable
from datetime import date, timedelta

from pact_feedback.accounts.roles import PRACTICE_LEAD, STUDY_TEAM
from pact_feedback.extensions import db
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys.actions import ensure_default_survey
from tests.conftest import make_practice, make_study, make_user


def surveyed_study(n_practices=2, *, sent=True, **practice_fields):
    practices = [make_practice(**practice_fields) for _ in range(n_practices)]
    study = make_study(status="survey_open")
    for practice in practices:
        db.session.add(
            Enrolment(
                study=study,
                practice=practice,
                report_sent_on=date.today() - timedelta(days=100) if sent else None,
            )
        )
    db.session.commit()
    survey = ensure_default_survey(study)
    open_wave(survey.waves[0])
    survey.waves[1].opens_on = date.today() + timedelta(days=60)
    survey.waves[1].closes_on = date.today() + timedelta(days=80)
    db.session.commit()
    return study, survey, practices


def open_wave(wave):
    wave.opens_on = date.today() - timedelta(days=3)
    wave.closes_on = date.today() + timedelta(days=20)


def close_wave(wave):
    wave.opens_on = date.today() - timedelta(days=30)
    wave.closes_on = date.today() - timedelta(days=1)
    db.session.commit()


def lead_of(practice):
    return make_user(role=PRACTICE_LEAD, practice=practice)


def team_member(study=None):
    return make_user(role=STUDY_TEAM, study=study)


def answer_url(practice, study, number=1):
    return f"/practices/{practice.ods_code}/surveys/{study.slug}/waves/{number}"


def collections_inside(function_name: str, run: Callable[[], object]) -> tuple[list, list]:
    """Run `run` with the cyclic collector made as eager as it goes (a collection at every
    allocation it counts) and return the collection phases seen inside a call of
    `function_name` and those seen elsewhere (so a test can check that a pause covered the
    one and that the collector still ran outside it)."""
    inside, outside = [], []

    def note(phase, info):
        frame = sys._getframe(1)
        while frame and frame.f_code.co_name != function_name:
            frame = frame.f_back
        (inside if frame else outside).append(phase)

    threshold = gc.get_threshold()
    gc.set_threshold(1, 1, 1)  # without a pause, the function would collect
    gc.callbacks.append(note)
    try:
        run()
        [[] for _ in range(10)]  # allocations after it, which must collect
    finally:
        gc.callbacks.remove(note)
        gc.set_threshold(*threshold)
    return inside, outside
