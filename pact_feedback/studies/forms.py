"""Study forms."""

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    StringField,
    TextAreaField,
)
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

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _slug(form, field):
    if field.data and not SLUG_PATTERN.match(field.data):
        raise ValidationError(
            "Slug must use lower-case letters, numbers and single hyphens, like hidden-workload-2"
        )


class StudyFieldsForm(FlaskForm):
    """The fields a study keeps after creation (also on the settings page, study_admin)."""

    title = StringField(
        "Title",
        validators=[DataRequired("Enter a title"), Length(max=200, message="Title is too long")],
    )
    round = IntegerField(
        "Round",
        default=1,
        description="Shown after the title in lists from round 2, for example Why Test (round 2)",
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


class StudyForm(StudyFieldsForm):
    slug = StringField(
        "Short name (slug)",
        description="Used in web addresses and commands, for example hidden-workload-2",
        validators=[DataRequired("Enter a short name"), Length(max=64), _slug],
    )
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    pis_version = StringField(
        "Participant information sheet version",
        default="1.0",
        validators=[DataRequired("Enter the information sheet version"), Length(max=20)],
    )
    instrument = RadioField(
        "How the study collects data",
        choices={
            "diary": "Workload diary: clinicians record the work of a diary day",
            "record_audit": "Record audit: one case report form for each audited record",
        },
        default="diary",  # left out (scripts, older clients): the diary, as before
    )

    def validate_collection_start(self, field):
        # The end field's own check is skipped when it is left blank (Optional), so a first day
        # alone is caught here.
        if field.data and not self.collection_end.data:
            raise ValidationError("Enter both days of the collection window, or neither")

    def validate_collection_end(self, field):
        start = self.collection_start.data
        if field.data and start and field.data < start:
            raise ValidationError("Last day must be on or after the first day")
        if bool(field.data) != bool(start):
            raise ValidationError("Enter both days of the collection window, or neither")


class InviteForm(FlaskForm):
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter an email address"), Email("Enter a valid email address")],
        filters=[strip_whitespace],
    )


class EnrolForm(FlaskForm):
    ods_codes = TextAreaField(
        "ODS codes",
        description="One or more practice ODS codes, separated by commas, spaces or new lines",
        validators=[Optional()],
    )
    csv_file = FileField(
        "Or upload a CSV file",
        description="Column ods_code, and optionally report_sent_on (YYYY-MM-DD) for reports "
        "produced outside PACT Feedback",
    )
