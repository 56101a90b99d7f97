"""PDSA cycle rules, pure: which stage a cycle has reached and what each stage needs.

A cycle is planned first; a later stage counts as recorded once any of its own fields is filled
in (Do: what happened; Study: results; Act: the decision or next steps). A stage's required
fields are required only once that stage, or a later one, is recorded: the form never asks for
results of a test that has not run yet.
"""

from collections.abc import Mapping

STAGES = ("Plan", "Do", "Study", "Act")

# Fields whose content means the stage has been written up.
MARKERS = {"Do": ("do_notes",), "Study": ("study_notes",), "Act": ("act", "next_steps")}

# field -> message, per stage, in the order the form shows them.
REQUIRED = {
    "Plan": {
        "objective": "Enter the objective of this cycle",
        "prediction": "Say what you predict will happen",
        "plan_what": "Say what will be done in this test",
    },
    "Do": {
        "start_on": "Enter the date the test started",
        "do_notes": "Describe what happened when you carried out the test",
    },
    "Study": {
        "end_on": "Enter the date the test finished",
        "study_notes": "Compare the results with your prediction",
    },
    "Act": {
        "act": "Choose whether to adopt, adapt, abandon or scale up the change",
        "next_steps": "Say what you will do next",
    },
}
STAGE_FIELDS = tuple(name for fields in REQUIRED.values() for name in fields)


def _filled(value) -> bool:
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def recorded_stage(values: Mapping) -> str:
    """The furthest stage with any of its own fields filled in ('Plan' at least)."""
    reached = "Plan"
    for stage, markers in MARKERS.items():
        if any(_filled(values.get(name)) for name in markers):
            reached = stage
    return reached


def stage_errors(values: Mapping) -> dict[str, str]:
    """Messages for missing fields of every stage up to the one recorded, and date order."""
    reached = recorded_stage(values)
    errors = {}
    for stage in STAGES[: STAGES.index(reached) + 1]:
        for name, message in REQUIRED[stage].items():
            if not _filled(values.get(name)):
                later = stage != reached
                errors[name] = message + (
                    f": you have written up the {reached} stage, which comes after it"
                    if later
                    else ""
                )
    start, end = values.get("start_on"), values.get("end_on")
    if start and end and end < start:
        errors["end_on"] = "The end date must be the same as or after the start date"
    return errors
