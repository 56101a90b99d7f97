"""Consent and staff role."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from pact_feedback.accounts.roles import STAFF_ROLES


class ConsentForm(FlaskForm):
    staff_role = RadioField(
        "Which role do you work in at this practice?",
        choices=[SelectChoice(code, label) for code, label in STAFF_ROLES],
        validators=[DataRequired("Choose the role you work in")],
    )
    agree = BooleanField(
        "I have read the participant information sheet and agree to take part",
        validators=[DataRequired("Tick the box to confirm you agree to take part")],
    )
