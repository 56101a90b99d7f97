"""Survey writes: the default survey, the editor, waves and practice responses.

Each action validates, writes, records an audit event; the caller-facing ones commit.
"""

from dataclasses import replace
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError

from pact_feedback.audit.log import record
from pact_feedback.core.time import today, utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.surveys import queries
from pact_feedback.surveys.checking import check_definition
from pact_feedback.surveys.definitions import (
    DEFAULT_WAVE_DAYS_OPEN,
    DEFAULT_WAVE_MONTHS,
    Definition,
    default_definition,
    definition_of,
)
from pact_feedback.surveys.models import (
    Survey,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseVersion,
    SurveyWave,
)


class SurveyError(Exception):
    """A survey change was refused; `problems` are sentences safe to show."""

    def __init__(self, *problems: str):
        super().__init__("; ".join(problems))
        self.problems = list(problems)


# The default survey and its waves ---------------------------------------------------------


def ensure_default_survey(study, *, by=None) -> Survey:
    """The study's survey, creating the default report-uptake survey and waves if it has none.

    Adds to the session without committing, so it joins the caller's transaction.
    """
    survey = queries.survey_for(study)
    if survey is not None:
        return survey
    definition = default_definition()
    survey = Survey(study=study, title=definition.title, introduction=definition.introduction)
    db.session.add(survey)
    _sync_questions(survey, definition)
    for number, months in enumerate(DEFAULT_WAVE_MONTHS, start=1):
        survey.waves.append(SurveyWave(number=number, months_after_release=months))
    db.session.flush()
    schedule_waves(survey)
    record("survey_created", by=by, obj=survey, study=study.slug)
    return survey


def survey_for_new_study(study, *, by=None, **_) -> None:
    """`studies.signals.study_created` receiver: a new study starts with the uptake survey."""
    ensure_default_survey(study, by=by)


def date_waves_for_study(study, **_) -> None:
    """`reports_released` / `reports_sent_elsewhere` receiver: date the survey's waves."""
    survey = queries.survey_for(study)
    if survey is not None:
        schedule_waves(survey)


def schedule_waves(survey: Survey) -> int:
    """Date the waves that have no dates yet, once the study's release date is known.

    Returns how many waves were dated. Does not commit.
    """
    released = queries.release_date(survey.study)
    if released is None:
        return 0
    dated = 0
    for wave in survey.waves:
        if wave.opens_on is None and wave.months_after_release is not None:
            wave.opens_on = released + relativedelta(months=wave.months_after_release)
            wave.closes_on = wave.opens_on + timedelta(days=DEFAULT_WAVE_DAYS_OPEN - 1)
            dated += 1
    if dated:
        record("survey_waves_scheduled", obj=survey, released_on=released.isoformat())
    return dated


# The editor --------------------------------------------------------------------------------


def apply_definition(survey: Survey, definition: Definition, *, by, action: str) -> Survey:
    """Replace the survey's questions with `definition` (matched by code), or refuse.

    Question and choice codes are the stable keys: a question keeps its row (and its code)
    when edited or moved. Nothing is written when any check fails.
    """
    problems = check_definition(definition) or _answers_lost(survey, definition)
    if problems:
        raise SurveyError(*problems)
    survey.title = definition.title
    survey.introduction = definition.introduction
    _sync_questions(survey, definition)
    record(action, by=by, obj=survey, questions=[q.code for q in definition.questions])
    commit()
    return survey


def _answers_lost(survey: Survey, definition: Definition) -> list[str]:
    """A sentence naming every answered question the definition would remove or retype.

    Answers are kept by question code, so a question that has any stays as it is: the export
    columns never vanish under the analyst (docs/surveys.md).
    """
    wanted = {spec.code: spec.type for spec in definition.questions}
    changed = {
        q.code: ("removed" if q.code not in wanted else "type changed")
        for q in survey.questions
        if wanted.get(q.code) != q.type
    }
    if not changed:
        return []
    counts = queries.answer_counts(survey, changed)
    lost = [
        f"{code} ({n} answer{'s' if n != 1 else ''}, {changed[code]})"
        for code, n in sorted(counts.items())
        if n
    ]
    if not lost:
        return []
    return [
        "Nothing was changed: these questions have answers, so they cannot be removed or "
        "change type: " + "; ".join(lost) + ". Keep them in the definition (you can move "
        "them to the end) so their answers stay in the exports."
    ]


def _sync_questions(survey: Survey, definition: Definition) -> None:
    existing = {q.code: q for q in survey.questions}
    wanted = {spec.code for spec in definition.questions}
    for code, question in existing.items():
        if code not in wanted:
            survey.questions.remove(question)
    db.session.flush()  # free the codes of removed rows before anything reuses them
    for position, spec in enumerate(definition.questions, start=1):
        question = existing.get(spec.code)
        if question is None:
            question = SurveyQuestion(code=spec.code)
            survey.questions.append(question)
        question.text, question.hint, question.type = spec.text, spec.hint, spec.type
        question.required, question.position = spec.required, position
        question.show_if = dict(spec.show_if) if spec.show_if else None
        _sync_choices(question, spec)
    survey.questions.sort(key=lambda q: q.position)


def _sync_choices(question: SurveyQuestion, spec) -> None:
    existing = {c.code: c for c in question.choices}
    wanted = {c.code for c in spec.choices}
    for code, choice in existing.items():
        if code not in wanted:
            question.choices.remove(choice)
    for position, c in enumerate(spec.choices, start=1):
        choice = existing.get(c.code)
        if choice is None:
            choice = SurveyChoice(code=c.code)
            question.choices.append(choice)
        choice.label, choice.position = c.label, position
    question.choices.sort(key=lambda c: c.position)


def save_question(survey: Survey, spec, *, by, original_code: str | None = None) -> Survey:
    """Add a question at the end, or replace the question `original_code` in place."""
    definition = definition_of(survey)
    codes = [q.code for q in definition.questions]
    if original_code is None:
        definition.questions.append(spec)
        action = "survey_question_added"
    else:
        spec = replace(spec, code=original_code)  # codes never change once created
        definition.questions[codes.index(original_code)] = spec
        action = "survey_question_changed"
    return apply_definition(survey, definition, by=by, action=action)


def delete_question(survey: Survey, code: str, *, by) -> Survey:
    definition = definition_of(survey)
    definition.questions = [q for q in definition.questions if q.code != code]
    return apply_definition(survey, definition, by=by, action="survey_question_deleted")


def move_question(survey: Survey, code: str, direction: str, *, by) -> Survey:
    definition = definition_of(survey)
    codes = [q.code for q in definition.questions]
    index = codes.index(code)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(codes):
        raise SurveyError("That question cannot move further")
    qs = definition.questions
    qs[index], qs[other] = qs[other], qs[index]
    return apply_definition(survey, definition, by=by, action="survey_question_moved")


# Waves -------------------------------------------------------------------------------------


def save_wave(
    survey: Survey, *, number: int | None, opens_on: date, closes_on: date, by
) -> SurveyWave:
    """Add a wave (number None) or change a wave's dates; waves must follow one another."""
    if closes_on < opens_on:
        raise SurveyError("The closing date must be on or after the opening date")
    if number is None:
        wave = SurveyWave(number=max((w.number for w in survey.waves), default=0) + 1)
    else:
        wave = next(w for w in survey.waves if w.number == number)
    for other in survey.waves:
        if other is wave or not (other.opens_on and other.closes_on):
            continue
        if other.number < wave.number and opens_on <= other.closes_on:
            raise SurveyError(
                f"Wave {wave.number} must open after wave {other.number} closes "
                f"({other.closes_on:%-d %B %Y})"
            )
        if other.number > wave.number and closes_on >= other.opens_on:
            raise SurveyError(
                f"Wave {wave.number} must close before wave {other.number} opens "
                f"({other.opens_on:%-d %B %Y})"
            )
    wave.opens_on, wave.closes_on = opens_on, closes_on
    if wave not in survey.waves:
        survey.waves.append(wave)
    db.session.flush()
    record(
        "survey_wave_saved",
        by=by,
        obj=wave,
        number=wave.number,
        opens_on=opens_on.isoformat(),
        closes_on=closes_on.isoformat(),
    )
    commit()
    return wave


# Responses ---------------------------------------------------------------------------------


class WaveClosed(SurveyError):
    """The wave is not open for answers."""


class SavedByColleague(SurveyError):
    """Someone else saved the practice's answers after this person's form was shown (or at the
    same moment): nothing was saved, so they can see both and decide."""


def save_response(
    wave: SurveyWave,
    practice,
    answers: dict,
    *,
    by,
    submit: bool,
    on: date | None = None,
    based_on: int | None = None,
) -> SurveyResponse:
    """Save a new version of the practice's answers to `wave` (a draft, or submitted).
    `based_on`: the version number the form showed (0 for none); if another save came since,
    SavedByColleague is raised and nothing is saved. Two saves at the same moment cannot both
    become the same version (unique constraints): the loser gets SavedByColleague too."""
    if not wave.is_open(on or today()):
        raise WaveClosed("This survey wave is not open for answers")
    response = queries.response_for(wave, practice)
    latest = response.latest.number if response and response.latest else 0
    if based_on is not None and based_on != latest:
        raise SavedByColleague("A colleague saved answers for this wave just now")
    try:
        return _add_version(wave, practice, response, answers, by=by, submit=submit)
    except IntegrityError:
        db.session.rollback()
        raise SavedByColleague("A colleague saved answers for this wave just now") from None


def _add_version(wave, practice, response, answers, *, by, submit) -> SurveyResponse:
    if response is None:
        response = SurveyResponse(wave=wave, practice=practice)
        db.session.add(response)
    version = SurveyResponseVersion(
        number=len(response.versions) + 1, answers=answers, submitted=submit, saved_by=by
    )
    response.versions.append(version)
    if submit and response.submitted_at is None:
        response.submitted_at = utcnow()
    db.session.flush()
    record(
        "survey_response_submitted" if submit else "survey_response_draft_saved",
        by=by,
        obj=response,
        wave=wave.number,
        version=version.number,
    )
    commit()
    return response
