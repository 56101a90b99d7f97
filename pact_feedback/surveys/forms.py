"""Survey forms. Answers are read by the generic validator (answers.py); these carry CSRF and
the study team's editor fields."""

import json

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from pact_feedback.surveys.definitions import TYPE_LABELS


class AnswerForm(FlaskForm):
    """CSRF only: the questions come from the survey and are validated by answers.py."""


class ActionForm(FlaskForm):
    """A button that posts: moving a question, deleting, sending emails."""

    value = HiddenField()


class QuestionForm(FlaskForm):
    code = StringField(
        "Code",
        description="Used in exports and cannot be changed later: lower-case letters, numbers "
        "and underscores, for example barriers_other",
        validators=[Optional(), Length(max=40)],
    )
    text = StringField(
        "Question",
        validators=[DataRequired("Enter the question"), Length(max=500, message="Too long")],
    )
    hint = StringField("Hint (optional)", validators=[Optional(), Length(max=500)])
    type = SelectField(
        "Type of answer", choices=[SelectChoice(code, label) for code, label in TYPE_LABELS.items()]
    )
    required = BooleanField("Practices must answer this question when it is shown")
    choices = TextAreaField(
        "Choices",
        description="For one-choice and several-choice questions: one choice per line, as "
        "code | label, for example planning | Planning to. Put them in the order to show.",
        validators=[Optional()],
    )
    show_if_question = SelectField(
        "Show only if this earlier question…", choices=[], validate_choice=False
    )
    show_if_choices = StringField(
        "…was answered with one of these choice codes",
        description="Separate codes with commas, for example yes, planning",
        validators=[Optional()],
    )


class ImportForm(FlaskForm):
    json_file = FileField(
        "Survey definition (JSON)",
        description="A file exported from a PACT Feedback survey. It replaces every question.",
    )


class ResponsesForm(FlaskForm):
    csv_file = FileField(
        "Responses (CSV)",
        description="Columns ods_code, wave, then one column per question code. Several choices "
        "go in one cell separated by ;, dates as YYYY-MM-DD.",
    )


class WaveForm(FlaskForm):
    opens_on = DateField(
        "Opens on",
        description="For example 2027-04-15",
        validators=[DataRequired("Enter the opening date as YYYY-MM-DD")],
    )
    closes_on = DateField(
        "Closes on",
        description="For example 2027-05-12",
        validators=[DataRequired("Enter the closing date as YYYY-MM-DD")],
    )


def parse_choice_lines(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """`code | label` lines -> pairs; problems as sentences."""
    pairs, problems = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        code, bar, label = line.partition("|")
        if not bar:
            problems.append(f"Line {number}: write the choice as code | label")
            continue
        pairs.append((code.strip(), label.strip()))
    return pairs, problems


def pretty_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)
