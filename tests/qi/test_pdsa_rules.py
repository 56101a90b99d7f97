"""PDSA stage rules: a stage's fields are required only once that stage is written up."""

from datetime import date

from pact_feedback.qi.pdsa import recorded_stage, stage_errors

PLAN = {"objective": "Redirect letters", "prediction": "GP time falls", "plan_what": "Pilot"}


def test_a_planned_cycle_needs_only_the_plan():
    assert recorded_stage(PLAN) == "Plan"
    assert stage_errors(PLAN) == {}


def test_an_empty_cycle_asks_for_the_plan_only():
    assert set(stage_errors({})) == {"objective", "prediction", "plan_what"}


def test_writing_up_do_needs_a_start_date():
    errors = stage_errors({**PLAN, "do_notes": "Ran for a week"})
    assert errors == {"start_on": "Enter the date the test started"}


def test_writing_up_act_needs_every_earlier_stage_and_says_why():
    errors = stage_errors({**PLAN, "act": "adopt"})
    assert set(errors) == {"start_on", "do_notes", "end_on", "study_notes", "next_steps"}
    assert "you have written up the Act stage" in errors["do_notes"]
    assert "you have written up" not in errors["next_steps"]


def test_blank_text_does_not_count_as_recorded():
    assert recorded_stage({**PLAN, "study_notes": "   "}) == "Plan"


def test_end_date_before_start_date_is_refused():
    values = {**PLAN, "start_on": date(2026, 3, 10), "end_on": date(2026, 3, 1)}
    assert stage_errors(values) == {
        "end_on": "The end date must be the same as or after the start date"
    }


def test_a_complete_cycle_has_no_errors():
    values = {
        **PLAN,
        "start_on": date(2026, 3, 1),
        "end_on": date(2026, 3, 14),
        "do_notes": "Done",
        "study_notes": "As predicted",
        "act": "adapt",
        "next_steps": "Try with two GPs",
    }
    assert recorded_stage(values) == "Act"
    assert stage_errors(values) == {}
