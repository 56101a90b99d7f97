"""Report forms: the study team's actions and a participant's sharing choice."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length

from pact_feedback.core.text import strip_whitespace


class ConfirmForm(FlaskForm):
    """Generate or release: a button, with CSRF."""


class ReissueForm(FlaskForm):
    reason = TextAreaField(
        "Why are the reports being re-issued?",
        description="This is recorded in the audit log and shown with the new version.",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Say why the reports are being re-issued"),
            Length(max=500, message="Keep the reason under 500 characters"),
        ],
    )


class SharingForm(FlaskForm):
    share = RadioField(
        "Share your report with your practice?",
        choices=[
            SelectChoice("yes", "Yes, my practice lead can read my report"),
            SelectChoice("no", "No, keep my report private"),
        ],
        validators=[InputRequired("Choose whether to share your report")],
    )
