"""Confirmation and export forms."""

from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms.validators import DataRequired


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
    shift_dates = BooleanField(
        "Shift diary dates by a fixed number of days for each participant",
        description="Each participant's days move by the same number of days (up to 30), "
        "so their order and spacing are kept.",
    )
