"""Diary forms. Field parsing is WTForms'; the rules are `validation.py`'s, shared with the API."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from pact_feedback.accounts.roles import STAFF_ROLES
from pact_feedback.diary import validation
from pact_feedback.diary.taxonomy import GROUP_LABELS
from pact_feedback.diary.validation import QUICK_DURATIONS, WHO_COULD_LABELS

TIME_FORMATS = ["%H:%M", "%H:%M:%S"]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _time(label, description=None):
    return TimeField(
        label,
        description=description,
        format=TIME_FORMATS,
        validators=[Optional()],
        invalid_value_message="Enter a time like 09:30 or 14:05",
    )


def _apply(form, checked: validation.Checked) -> bool:
    """Put the rule errors beside their fields; True when there were none."""
    for name, messages in checked.errors.items():
        if not form[name].errors:  # a field that could not be read already says why
            form[name].errors = list(messages)
    return checked.ok


class DayForm(FlaskForm):
    date = DateField(
        "Date of your diary day",
        description="For example 2027-03-14",
        validators=[InputRequired("Enter the date of your diary day")],
        invalid_value_message="Enter a real date, for example 2027-03-14",
    )
    staff_role = SelectField(
        "Role you worked in that day",
        choices=[SelectChoice(code, label) for code, label in STAFF_ROLES],
        validate_choice=False,
    )
    scheduled_start = _time("Scheduled start", "The time your working day was due to start")
    scheduled_end = _time("Scheduled finish", "The time it was due to end")
    sessions = FloatField(
        "Contracted sessions that day",
        description="Optional. For example 2 for a full day, or 1 for a morning",
        validators=[Optional()],
        invalid_value_message="Enter a number of sessions, like 2 or 1.5",
    )
    typical = RadioField(
        "Was this a typical day for you?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,  # so an unanswered question passes; AnyOf checks an answer
        validators=[Optional(), AnyOf(["yes", "no"], "Choose yes or no, or leave it unanswered")],
    )
    workload_rating = IntegerField(
        "How heavy was the workload? (optional)",
        description="0 means very light, 10 means unmanageable",
        validators=[Optional()],
        invalid_value_message="Enter a whole number from 0 to 10",
    )

    def values(self) -> dict:
        return {
            "date": self.date.data,
            "staff_role": self.staff_role.data,
            "scheduled_start": self.scheduled_start.data,
            "scheduled_end": self.scheduled_end.data,
            "sessions": self.sessions.data,
            "typical": {"yes": True, "no": False}.get(self.typical.data),
            "workload_rating": self.workload_rating.data,
        }

    def check(self, **rules) -> validation.Checked | None:
        """Validate fields and the diary rules; the checked values, or None with errors shown."""
        if not self.validate_on_submit():
            # Still run the rules, so every problem shows at once.
            _apply(self, validation.check_day(self.values(), **rules))
            return None
        checked = validation.check_day(self.values(), **rules)
        return checked if _apply(self, checked) else None


class EntryForm(FlaskForm):
    category_id = RadioField(
        "What was the task?", coerce=int, validate_choice=False, validators=[Optional()]
    )
    duration = RadioField(
        "How long did it take?",
        choices=[SelectChoice(str(m), f"{m} min") for m in QUICK_DURATIONS],
        validate_choice=False,
        validators=[Optional()],
    )
    minutes = IntegerField(
        "Or enter the minutes",
        validators=[Optional()],
        invalid_value_message="Enter the minutes as a whole number, like 12",
    )
    started_at = _time("Start time (optional)")
    ended_at = _time("End time (optional)")
    item_count = IntegerField(
        "How many items? (optional)",
        description="For example 23 results filed",
        validators=[Optional()],
        invalid_value_message="Enter the number of items as a whole number",
    )
    outside_hours = BooleanField("Done outside your scheduled hours")
    interrupted = BooleanField("Interrupted")
    could_be_done_by = RadioField(
        "Who else could have done it? (optional)",
        choices=[SelectChoice(code, label) for code, label in WHO_COULD_LABELS.items()],
        validate_choice=False,
        validators=[Optional()],
    )
    note = TextAreaField(
        "Note (optional)",
        description=(
            "Never include anything that could identify a patient: no names, NHS numbers "
            "or dates of birth."
        ),
        validators=[Optional(), Length(max=2000, message="Keep the note under 2,000 characters")],
    )
    client_id = HiddenField()

    def set_categories(self, categories) -> None:
        self.category_id.choices = [SelectChoice(c.id, c.label) for c in categories]

    def values(self) -> dict:
        minutes = self.minutes.data
        if minutes is None and self.duration.data:
            try:
                minutes = int(self.duration.data)
            except ValueError:
                minutes = None
        return {
            "category_id": self.category_id.data,
            "minutes": minutes,
            "started_at": self.started_at.data,
            "ended_at": self.ended_at.data,
            "item_count": self.item_count.data,
            "outside_hours": self.outside_hours.data,
            "interrupted": self.interrupted.data,
            "could_be_done_by": self.could_be_done_by.data or None,
            "note": self.note.data,
        }

    def check(self, *, before=None, **rules) -> validation.Checked | None:
        """`before`: the entry being edited, so that new minutes move its end time."""
        fields_ok = self.validate_on_submit()
        values = self.values()
        if before is not None:
            values = validation.minutes_edit(values, before=before)
        checked = validation.check_entry(values, **rules)
        return checked if _apply(self, checked) and fields_ok else None

    def fill(self, entry) -> None:
        """Show an entry's values (to edit it)."""
        self.category_id.data = entry.category_id
        self.minutes.data = None if entry.started_at else entry.minutes
        self.duration.data = (
            str(entry.minutes)
            if entry.minutes in QUICK_DURATIONS and not entry.started_at
            else None
        )
        if self.duration.data:
            self.minutes.data = None
        self.started_at.data, self.ended_at.data = entry.started_at, entry.ended_at
        self.item_count.data = entry.item_count
        self.outside_hours.data, self.interrupted.data = entry.outside_hours, entry.interrupted
        self.could_be_done_by.data = entry.could_be_done_by
        self.note.data = entry.note


class ConfirmForm(FlaskForm):
    """A POST with only a CSRF token: delete, complete, repeat last."""


class WeekdaysForm(FlaskForm):
    """Weekdays a participant does not work, so allocated days avoid them."""

    monday = BooleanField("Monday")
    tuesday = BooleanField("Tuesday")
    wednesday = BooleanField("Wednesday")
    thursday = BooleanField("Thursday")
    friday = BooleanField("Friday")
    saturday = BooleanField("Saturday")
    sunday = BooleanField("Sunday")

    def days(self) -> list[int]:
        return [i for i, name in enumerate(WEEKDAYS) if self[name.lower()].data]

    def fill(self, days: list[int]) -> None:
        for i, name in enumerate(WEEKDAYS):
            self[name.lower()].data = i in days


class DiarySettingsForm(FlaskForm):
    """The study team's diary settings for a study."""

    diary_days_required = IntegerField(
        "How many diary days does the study ask of each participant?",
        validators=[InputRequired("Enter how many diary days to ask for")],
        invalid_value_message="Enter a whole number of days, like 1",
    )
    day_selection = RadioField(
        "Who chooses the diary days?",
        choices=[
            SelectChoice("choose", "Participants choose their own days in the collection window"),
            SelectChoice(
                "allocate",
                "The study allocates days at random (reproducible, spread across weekdays)",
            ),
        ],
        validators=[InputRequired("Choose who picks the diary days")],
    )

    def validate_diary_days_required(self, field):
        from wtforms.validators import ValidationError

        if field.data is not None and not 1 <= field.data <= 10:
            raise ValidationError("Ask for between 1 and 10 diary days")


class CategoryForm(FlaskForm):
    """A task category: codes are stable, so the code is set once, when it is added."""

    code = StringField(
        "Code",
        description="A letter for the group and a number, like B10. It cannot change later",
        validators=[Optional(), Length(max=10, message="Keep the code to 10 characters")],
    )
    label = StringField(
        "Label",
        description="Short: it is shown on the button participants tap",
        validators=[
            DataRequired("Enter a label"),  # not only spaces: it is stripped
            Length(max=100, message="Keep the label under 100 characters"),
        ],
    )
    description = TextAreaField(
        "What it covers",
        validators=[Optional(), Length(max=1000, message="Keep it under 1,000 characters")],
    )
    group = RadioField(
        "Group",
        choices=[],
        validators=[InputRequired("Choose the group")],
    )
    position = IntegerField(
        "Order",
        description="Categories are listed by this number, smallest first",
        validators=[
            InputRequired("Enter a number for the order"),
            NumberRange(0, 100000, "Enter a number from 0 to 100,000"),
        ],
        invalid_value_message="Enter a whole number, like 45",
    )
    active = BooleanField("In use (untick to retire it: past entries keep it)", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.group.choices = [SelectChoice(g, f"{g}. {label}") for g, label in GROUP_LABELS.items()]


class PlanForm(FlaskForm):
    """A participant plans the day they will keep their diary (studies where they choose)."""

    planned_date = DateField(
        "Plan your diary day",
        description="We will email you a reminder the day before. For example 2027-03-14",
        validators=[InputRequired("Enter the date you plan to keep your diary")],
        invalid_value_message="Enter a real date, for example 2027-03-14",
    )
