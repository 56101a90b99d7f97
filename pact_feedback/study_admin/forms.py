"""Forms of the study team's running pages."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    Optional,
    ValidationError,
)

from pact_feedback.core.text import strip_whitespace
from pact_feedback.studies.forms import StudyFieldsForm
from pact_feedback.study_admin.settings import parse_wave_months


class SettingsForm(StudyFieldsForm):
    """The window rules are checked by study_admin.settings.plan_settings (web and CLI)."""

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
