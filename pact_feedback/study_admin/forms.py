"""Forms of the study team's running pages."""

from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, HiddenField, IntegerField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from pact_feedback.core.text import strip_whitespace
from pact_feedback.study_admin.settings import parse_wave_months


class SettingsForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[DataRequired("Enter a title"), Length(max=200, message="Title is too long")],
    )
    round = IntegerField(
        "Round",
        description="Shown after the title in lists, for example Why Test (round 2)",
        validators=[
            InputRequired("Enter the round number, 1 for a first round"),
            NumberRange(min=1, max=99, message="Round must be between 1 and 99"),
        ],
    )
    collection_start = DateField(
        "First day of data collection",
        description="For example 2027-03-01",
        validators=[Optional()],
    )
    collection_end = DateField(
        "Last day of data collection", description="For example 2027-03-31", validators=[Optional()]
    )
    wave_months = StringField(
        "Survey waves (months after release)",
        description="One number a wave, for example 3, 6",
        validators=[DataRequired("Enter the months after release of each wave, like 3, 6")],
    )
    confirm = HiddenField()

    def validate_wave_months(self, field):
        try:
            self.wave_months_list = parse_wave_months(field.data)
        except ValueError as problem:
            raise ValidationError(str(problem)) from None

    def wanted(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "round": self.round.data,
            "collection_start": self.collection_start.data,
            "collection_end": self.collection_end.data,
            "wave_months": self.wave_months_list,
        }


class ConfirmForm(FlaskForm):
    """A confirmed action: what the person saw offered travels with it."""

    to = HiddenField(validators=[DataRequired()])


class RemoveRoleForm(FlaskForm):
    hand_to = EmailField(
        "Hand the practice to a new lead (optional)",
        description="Their email address: they are invited as this practice's lead",
        validators=[Optional(), Email("Enter a valid email address")],
        filters=[strip_whitespace],
    )
