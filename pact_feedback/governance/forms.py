"""Confirmation and export forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from pact_feedback.governance.export import SPREADSHEET_LIMIT, spreadsheet_refusal


class WithdrawForm(FlaskForm):
    """Withdrawing needs only the button: it keeps the data and stops collection."""


class EraseForm(FlaskForm):
    confirm = BooleanField(
        "I understand this cannot be undone",
        validators=[DataRequired("Tick the box to confirm the diary data should be erased")],
    )


class ExportForm(FlaskForm):
    include_notes = BooleanField(
        "Include free text (diary notes and free-text survey answers)",
        description="Free text can identify people. Leave this unticked unless the analysis "
        "needs it and the data management plan allows it.",
    )
    real_dates = BooleanField(
        "Keep the real dates (only for the study's own secure environment)",
        description="By default each participant's diary dates (and each practice's survey "
        "dates) move by the same number of days, up to 30, so their order and spacing are "
        "kept but real dates do not travel. Choosing real dates is recorded in the audit log.",
    )
    spreadsheets = BooleanField(
        "Also include Excel (XLSX) and Stata (.dta) versions of the files",
        description=f"Only for studies of up to {SPREADSHEET_LIMIT:,} diary rows (days and task "
        "entries); the CSVs open in Excel, Stata, R and Python at any size.",
    )

    def __init__(self, *args, study=None, rows: int | None = None, **kwargs):
        """`study`: counted only when spreadsheets are asked for; or its `rows`, if known."""
        super().__init__(*args, **kwargs)
        self.study, self.rows = study, rows

    def validate_spreadsheets(self, field):
        """Refused above the limit (they need every row in memory), next to the box."""
        if not field.data or (self.study is None and self.rows is None):
            return
        if refusal := spreadsheet_refusal(self.study, self.rows):
            raise ValidationError(refusal)


class PisVersionForm(FlaskForm):
    version = StringField(
        "New information sheet version",
        description="For example 2.0. Everyone will be asked to read it and confirm again.",
        validators=[DataRequired("Enter the new version"), Length(max=20)],
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def validate_version(self, field):
        from wtforms.validators import ValidationError

        if field.data and field.data.strip() == self.current:
            raise ValidationError(f"The study already uses version {self.current}")


class RetentionForm(FlaskForm):
    months = IntegerField(
        "Months to keep the data after the study closes",
        description="For example 60 for five years. Use the period in the study's approvals.",
        validators=[
            InputRequired("Enter the number of months, for example 60"),
            NumberRange(1, 600, "Enter a number of months from 1 to 600"),
        ],
    )
