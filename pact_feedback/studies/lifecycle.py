"""The study lifecycle (PRODUCT.md section 2): an ordered list of states, one step at a time."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    action: str  # the button that moves a study *into* this stage
    date_field: str


STAGES = (
    Stage("setup", "Set-up", "", "created_at"),
    Stage("recruiting", "Recruiting", "Start recruiting", "recruiting_at"),
    Stage("collecting", "Collecting data", "Start data collection", "collecting_at"),
    Stage("analysing", "Analysing", "Close collection and start analysis", "analysing_at"),
    Stage("reports_released", "Reports released", "Mark reports released", "reports_released_at"),
    Stage("survey_open", "Uptake survey open", "Open the uptake survey", "survey_opened_at"),
    Stage("closed", "Closed", "Close the study", "closed_at"),
)
STATUS_CODES = tuple(stage.code for stage in STAGES)
_BY_CODE = {stage.code: stage for stage in STAGES}


def stage(code: str) -> Stage:
    return _BY_CODE[code]


def next_stage(code: str) -> Stage | None:
    """The stage a study in `code` may move to next, or None when it is closed."""
    index = STATUS_CODES.index(code)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None
