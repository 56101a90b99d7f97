"""QI forms. The PDSA stage rules live in `qi.pdsa`; the form only shows their messages."""

import math

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from pact_feedback.core.time import today
from pact_feedback.qi.models import ACT_DECISIONS, EVIDENCE_TAGS, MEASURE_KINDS, STATUSES
from pact_feedback.qi.pdsa import stage_errors


class FriendlyDateField(DateField):
    """A date field whose message says what to type instead of 'Not a valid date value'."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a real date, for example 2026-03-14") from error


class NumberField(StringField):
    """A number typed as text, so a mistake comes back exactly as typed with a clear message."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.number = None
        text = (self.data or "").strip().replace(",", "")
        if not text:
            return
        try:
            self.number = float(text)
        except ValueError:
            self.number = None
        if self.number is None or not math.isfinite(self.number):
            self.number = None
            raise ValueError("Enter the value as a number, for example 42 or 12.5")


class CsrfOnlyForm(FlaskForm):
    """A button that changes something: nothing to fill in but the CSRF token."""


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _text(label, *, required=None, max_length=5000, description=None):
    validators = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=max_length, message=f"Keep this under {max_length} characters"))
    return TextAreaField(label, validators=validators, description=description)


class ProjectForm(FlaskForm):
    title = StringField(
        "Project title",
        validators=[DataRequired("Enter a title for the project"), Length(max=200)],
    )
    aim_what = _text(
        "Aim: what are we trying to accomplish?",
        required="Say what the project is trying to accomplish",
    )
    aim_how_much = StringField(
        "Aim: by how much?",
        description="For example: by a quarter from our baseline",
        validators=[Optional(), Length(max=500, message="Keep this under 500 characters")],
    )
    aim_by_when = FriendlyDateField(
        "Aim: by when?", description="For example 2027-03-31", validators=[Optional()]
    )
    status = RadioField("Status", choices=dict(STATUSES), default="planning")
    change_ideas = _text(
        "Change ideas", description="What changes could lead to an improvement? One per line."
    )
    team_members = _text(
        "Team members", max_length=2000, description="Names and roles, for example Dr A Patel (GP)"
    )
    reflection = _text(
        "Reflection", description="What did the team learn? This goes into the exported summary."
    )
    evidence_tags = CheckboxesField(
        "Use this project as evidence for",
        choices=dict(EVIDENCE_TAGS),
        validate_choice=True,
        default=[],
    )


class NewProjectForm(ProjectForm):
    add_suggestions = CheckboxesField(
        "Also add these suggestions to the project",
        choices={},
        validate_choice=True,
        default=[],
        coerce=str,
    )


class MeasureForm(FlaskForm):
    kind = RadioField(
        "Kind of measure",
        choices=dict(MEASURE_KINDS),
        validators=[InputRequired("Choose outcome, process or balancing")],
        description="Outcome: is it getting better? Process: are we doing what we planned? "
        "Balancing: is something else getting worse?",
    )
    name = StringField(
        "Name", validators=[DataRequired("Enter a name for the measure"), Length(max=200)]
    )
    definition = _text("Definition", description="Exactly what is counted, and how")
    data_source = StringField("Data source", validators=[Optional(), Length(max=300)])
    frequency = StringField(
        "How often", description="For example: weekly", validators=[Optional(), Length(max=100)]
    )
    unit = StringField(
        "Unit", description="For example: minutes, %", validators=[Optional(), Length(max=60)]
    )


class ValueForm(FlaskForm):
    measured_on = FriendlyDateField(
        "Date", description="For example 2026-03-14", validators=[InputRequired("Enter a date")]
    )
    value = NumberField("Value", validators=[DataRequired("Enter the value")])
    note = StringField(
        "Note (optional)",
        description="Anything unusual about this point. Do not include patient details.",
        validators=[Optional(), Length(max=500, message="Keep the note under 500 characters")],
    )

    def validate_measured_on(self, field):
        if field.data and field.data > today():
            raise ValidationError("The date must be today or in the past")


class CycleForm(FlaskForm):
    number = IntegerField(
        "Cycle number",
        validators=[
            InputRequired("Enter the cycle number, for example 1"),
            NumberRange(min=1, max=999, message="The cycle number must be between 1 and 999"),
        ],
    )
    start_on = FriendlyDateField("Start date", validators=[Optional()])
    end_on = FriendlyDateField("End date", validators=[Optional()])
    objective = _text("Objective of this cycle", description="What is this test of change for?")
    purpose = _text("Purpose", description="Why this test, and what it will tell you")
    questions = _text("Questions", description="What questions will the test answer?")
    prediction = _text("Prediction", description="What do you think will happen?")
    plan_what = _text("Plan: what will be done?")
    plan_who = _text("Plan: who will do it?")
    plan_when = _text("Plan: when?")
    plan_where = _text("Plan: where?")
    do_notes = _text(
        "Do: what happened?", description="Carry out the test. Record problems and observations."
    )
    study_notes = _text(
        "Study: what did the results show?",
        description="Compare the results with your prediction.",
    )
    act = RadioField(
        "Act: what will you do with the change?",
        choices={"": "Not decided yet", **dict(ACT_DECISIONS)},
        default="",
    )
    next_steps = _text("Next steps")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A saved cycle with no decision has act None, which matches no radio button: show
        # (and, when nothing is posted, keep) "Not decided yet" instead of refusing the form.
        if self.act.data is None:
            self.act.data = ""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        values = {name: self[name].data for name in self._fields if name != "csrf_token"}
        for name, message in stage_errors(values).items():
            if message not in self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid

    def cleaned(self) -> dict:
        data = {name: self[name].data for name in self._fields if name != "csrf_token"}
        data["act"] = data["act"] or None
        return {
            k: (v if v is not None else "") if k not in NULLABLE else v for k, v in data.items()
        }


NULLABLE = {"start_on", "end_on", "act", "number"}
