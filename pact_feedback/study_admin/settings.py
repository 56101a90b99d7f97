"""Editing a study after creation: the change is planned (with its effect) before it is applied.

One plan serves the settings page and `flask studies edit`, so both refuse for the same reasons.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, or_, select

from pact_feedback.audit.log import record
from pact_feedback.core.transaction import commit
from pact_feedback.diary.models import DiaryAllocation, DiaryDay
from pact_feedback.extensions import db
from pact_feedback.surveys import queries as survey_queries
from pact_feedback.surveys.definitions import DEFAULT_WAVE_DAYS_OPEN, DEFAULT_WAVE_MONTHS
from pact_feedback.surveys.models import SurveyWave

FIELDS = ("title", "round", "collection_start", "collection_end", "wave_months")
COLLECTED = ("analysing", "reports_released", "survey_open", "closed")
LABELS = {
    "title": "Title",
    "round": "Round",
    "collection_start": "First day of data collection",
    "collection_end": "Last day of data collection",
    "wave_months": "Survey waves (months after release)",
}


@dataclass
class SettingsPlan:
    """What saving would change: {field: (before, after)}, what follows from it, and refusals
    as {field: [sentences]}."""

    changes: dict = field(default_factory=dict)
    effects: list[str] = field(default_factory=list)
    problems: dict = field(default_factory=dict)

    def refuse(self, name: str, message: str) -> None:
        self.problems.setdefault(name, []).append(message)


def parse_wave_months(text: str) -> list[int]:
    """'3, 6' -> [3, 6]; ValueError with a sentence to show otherwise."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    if not parts or not all(p.isdigit() and 0 < int(p) <= 60 for p in parts):
        raise ValueError(
            "Enter the waves as whole numbers of months after release, from 1 to 60, like 3, 6"
        )
    return [int(p) for p in parts]


def current_settings(study) -> dict:
    survey = survey_queries.survey_for(study)
    # A study without a survey row yet gets the default waves when it is made.
    waves = [w.months_after_release for w in survey.waves] if survey else DEFAULT_WAVE_MONTHS
    return {
        "title": study.title,
        "round": study.round,
        "collection_start": study.collection_start,
        "collection_end": study.collection_end,
        "wave_months": list(waves),
    }


def show(value) -> str:
    """A setting as a person reads it."""
    if value is None or value == "":
        return "Not set"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "Not set"
    return str(value)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def plan_settings(study, wanted: dict) -> SettingsPlan:
    """Compare `wanted` (any of FIELDS) with the study, check the rules, describe the effect."""
    plan = SettingsPlan()
    before = current_settings(study)
    for name in FIELDS:
        if name in wanted and wanted[name] != before[name]:
            plan.changes[name] = (before[name], wanted[name])
    if "title" in plan.changes and not (wanted["title"] or "").strip():
        plan.refuse("title", "Enter a title")
    if "round" in plan.changes and not 1 <= int(wanted["round"]) <= 99:
        plan.refuse("round", "Round must be between 1 and 99")
    if {"collection_start", "collection_end"} & plan.changes.keys():
        _plan_window(
            study,
            plan,
            wanted.get("collection_start", study.collection_start),
            wanted.get("collection_end", study.collection_end),
        )
    if "wave_months" in plan.changes:
        _plan_waves(study, plan, wanted["wave_months"])
    return plan


def _plan_window(study, plan: SettingsPlan, start, end) -> None:
    if bool(start) != bool(end):
        plan.refuse("collection_end", "Enter both days of the collection window, or neither")
        return
    if start and end < start:
        plan.refuse("collection_end", "Last day must be on or after the first day")
        return
    if study.status in COLLECTED:
        plan.refuse(
            "collection_end",
            "Data collection has closed, so the window can no longer change. Step the study "
            "back to data collection first.",
        )
        return
    if start is None:
        if study.status == "collecting":
            plan.refuse("collection_end", "A study collecting data needs its collection window")
        return
    outside = or_(DiaryDay.date < start, DiaryDay.date > end)
    recorded = db.session.execute(
        select(func.count(), func.min(DiaryDay.date), func.max(DiaryDay.date)).where(
            DiaryDay.study_id == study.id, outside
        )
    ).one()
    if recorded[0]:
        days = _plural(
            recorded[0], "diary day already recorded falls", "diary days already recorded fall"
        )
        plan.refuse(
            "collection_end",
            f"{days} outside the new window ({show(recorded[1])} to {show(recorded[2])}); "
            "the window must keep them inside it",
        )
    allocated = db.session.execute(
        select(func.count(), func.count(func.distinct(DiaryAllocation.user_id))).where(
            DiaryAllocation.study_id == study.id,
            or_(DiaryAllocation.date < start, DiaryAllocation.date > end),
        )
    ).one()
    if allocated[0]:
        days = _plural(
            allocated[0], "allocated or planned diary day", "allocated or planned diary days"
        )
        people = _plural(allocated[1], "participant", "participants")
        verb = "falls" if allocated[0] == 1 else "fall"
        plan.effects.append(
            f"{days} ({people}) {verb} outside the new window and will be removed; allocate "
            "days again (flask diary allocate) to give them days inside it."
        )
    if study.collection_start and study.collection_end:
        old = (study.collection_end - study.collection_start).days
        new = (end - start).days
        if new > old:
            plan.effects.append(
                f"The window gains {new - old} more days. Allocated days stay as they are; "
                "participants who choose their own days can pick the new dates."
            )
        elif new < old:
            plan.effects.append(f"The window loses {old - new} days.")


def _plan_waves(study, plan: SettingsPlan, months: list[int]) -> None:
    survey = survey_queries.survey_for(study)
    if survey is None:
        plan.refuse("wave_months", "This study has no uptake survey to schedule")
        return
    waves = survey.waves
    if len(months) < len(waves):
        plan.refuse("wave_months", f"Give a number of months for each of the {len(waves)} waves")
        return
    released = survey_queries.release_date(study)
    for wave, wanted in zip(waves, months, strict=False):
        if wave.months_after_release == wanted:
            continue
        if wave.invitations_sent_at is not None:
            plan.refuse(
                "wave_months", f"Wave {wave.number}'s invitations went out, so it cannot move"
            )
        elif released:
            opens = released + relativedelta(months=wanted)
            plan.effects.append(
                f"Wave {wave.number} will open on {show(opens)} (was {show(wave.opens_on)})."
            )
    for number in range(len(waves) + 1, len(months) + 1):
        plan.effects.append(
            f"A new wave {number} is added, {months[number - 1]} months after release."
        )


def apply_settings(study, plan: SettingsPlan, *, by) -> None:
    """Save a plan without problems, in one audited transaction."""
    assert not plan.problems, "apply only a plan without problems"
    for name in ("title", "round", "collection_start", "collection_end"):
        if name in plan.changes:
            setattr(study, name, plan.changes[name][1])
    if study.collection_start:
        db.session.execute(
            delete(DiaryAllocation).where(
                DiaryAllocation.study_id == study.id,
                or_(
                    DiaryAllocation.date < study.collection_start,
                    DiaryAllocation.date > study.collection_end,
                ),
            )
        )
    if "wave_months" in plan.changes:
        _apply_waves(study, plan.changes["wave_months"][1])
    record(
        "study_settings_changed",
        by=by,
        obj=study,
        changes={name: [_json(a), _json(b)] for name, (a, b) in plan.changes.items()},
    )
    commit()


def _apply_waves(study, months: list[int]) -> None:
    survey = survey_queries.survey_for(study)
    released = survey_queries.release_date(study)
    for number, wanted in enumerate(months, start=1):
        wave = next((w for w in survey.waves if w.number == number), None)
        if wave is None:
            wave = SurveyWave(number=number)
            survey.waves.append(wave)
        elif wave.months_after_release == wanted:
            continue
        wave.months_after_release = wanted
        wave.opens_on = released + relativedelta(months=wanted) if released else None
        wave.closes_on = (
            wave.opens_on + timedelta(days=DEFAULT_WAVE_DAYS_OPEN - 1) if released else None
        )
    db.session.flush()


def _json(value):
    return value.isoformat() if isinstance(value, date) else value
