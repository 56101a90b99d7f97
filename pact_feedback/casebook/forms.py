"""Record-audit forms. The case questions come from the form definition (entry.parse_case)."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from pact_feedback.casebook.definition import MAX_TARGET


class CsrfForm(FlaskForm):
    """CSRF only: case answers are read and checked from the form definition."""


class SettingsForm(FlaskForm):
    title = StringField("Form title", validators=[DataRequired("Enter a title"), Length(max=200)])
    sampling_frame = TextAreaField(
        "Sampling frame",
        description="Which records each practice audits, for example 'patients with a blood "
        "test requested in April 2021, the first 50 in date order'",
        validators=[Optional(), Length(max=2000, message="Use 2,000 characters or fewer")],
    )
    target_cases = IntegerField(
        "Cases per practice",
        validators=[
            InputRequired("Enter how many cases each practice audits"),
            NumberRange(1, MAX_TARGET, message=f"Enter a number from 1 to {MAX_TARGET}"),
        ],
    )
    review_percent = IntegerField(
        "Percentage of cases second-reviewed",
        description="0 for no second review; 10 reviews every 10th case",
        validators=[
            InputRequired("Enter a percentage, 0 for none"),
            NumberRange(0, 100, message="Enter a number from 0 to 100"),
        ],
    )


class DefinitionForm(FlaskForm):
    definition = TextAreaField(
        "Form definition (JSON)",
        description="Edit the questions here, or upload a file exported from PACT Feedback. "
        "Codes that entered cases use cannot be removed.",
        validators=[Optional()],
    )
    json_file = FileField("Or upload a form definition (JSON)")


class CasesUploadForm(FlaskForm):
    csv_file = FileField(
        "Cases (CSV)",
        description="Columns: sequence (the case number), then one column per question code. "
        "Several choices are separated by ';'.",
    )


class ReviewForm(FlaskForm):
    judgement = RadioField("Your judgement", validators=[InputRequired("Select your judgement")])


class ReviewerForm(FlaskForm):
    reviewer = RadioField(
        "Who reviews this practice's sample?",
        validators=[InputRequired("Choose who reviews this practice's cases")],
    )
