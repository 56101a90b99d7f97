"""Every Flask-WTF form class in the app, with a submission that passes and the examples its own
rules need (a `validate_<field>` method, a cross-field rule, a plain-function validator).

`tests/fuzz/test_form_validators.py` derives invalid values for every field from its declared
validators (tests/fuzz/invalid_input.py) and fails when a form class has no entry here.
"""

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from typing import NamedTuple

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

import pact_feedback
from pact_feedback.accounts.roles import STAFF_ROLE_LABELS
from pact_feedback.diary.validation import TimedEntry
from pact_feedback.governance.export import SPREADSHEET_LIMIT

NO_CSRF = {"csrf": False}  # the request tests post a real token; here the rules are the point


class Upload(NamedTuple):
    """A file to submit: (content, filename); a fresh stream is made for each request."""

    content: bytes
    filename: str


class Rule(NamedTuple):
    """An invalid example for a rule the fields do not declare: the changes to the valid
    submission, the field whose message says why, and part of that message."""

    changes: dict
    field: str
    message: str


def _plain(cls, **kwargs):
    return cls(meta=NO_CSRF, **kwargs)


def _validates(form) -> bool:
    return form.validate()


@dataclass(frozen=True)
class FormSpec:
    valid: dict
    # Construct the form as its view does (runtime choices, constructor arguments).
    build: Callable = _plain
    # How the view decides the submission is acceptable (some forms add rules in `check`).
    passes: Callable = _validates
    rules: tuple[Rule, ...] = ()
    # Choice fields with validate_choice=False whose values the form's rules check instead.
    rule_checked: frozenset = frozenset()
    # field -> why a value outside its choices is not refused by the form.
    unchecked_choices: dict = field(default_factory=dict)
    # Why the form refuses nothing by itself (a button, checkboxes only, a file the view reads).
    nothing_to_refuse: str = ""


EMAIL = "someone@example.org"
PASSWORD = "a long enough password"
NEW_PASSWORD = {"password": PASSWORD, "confirm": PASSWORD}
PASSWORD_IS_EMAIL = Rule(
    {"password": "Someone@Example.org", "confirm": "Someone@Example.org"},
    "password",
    "must not be your email address",
)


def _with_email_check(cls, **kwargs):
    form = _plain(cls, **kwargs)
    form.email_for_check = EMAIL
    return form


def _team_invite(cls):
    form = _plain(cls)
    form.study.choices = [SelectChoice("", "Every study"), SelectChoice("study-1", "Study 1")]
    return form


def _new_project(cls):
    form = _plain(cls)
    form.add_suggestions.choices = {"measure-0": "A suggested measure", "cycle": "A first cycle"}
    return form


def _question(cls):
    form = _plain(cls)
    form.show_if_question.choices = [SelectChoice("", "Always show this question")]
    return form


def _review(cls):
    form = _plain(cls)
    form.judgement.choices = {"necessary": "Necessary", "unnecessary": "Unnecessary"}
    return form


def _reviewer(cls):
    form = _plain(cls)
    form.reviewer.choices = [("any", "Any colleague"), ("1", "A clinician of the practice")]
    return form


# Fixed dates for the diary's rules, so the examples do not depend on the day the suite runs.
DAY_RULES = dict(
    start=date(2027, 3, 1),
    end=date(2027, 3, 31),
    today=date(2027, 3, 15),
    staff_roles=set(STAFF_ROLE_LABELS),
    taken_dates={date(2027, 3, 2)},
)
CATEGORIES = [SimpleNamespace(id=1, label="Results"), SimpleNamespace(id=2, label="Letters")]
# 1,400 minutes are recorded already: 40 more fit in the day.
ENTRY_RULES = dict(
    allowed_category_ids={1, 2},
    others=[TimedEntry(id=9, minutes=1400)],
)


def _entry(cls):
    form = _plain(cls)
    form.set_categories(CATEGORIES)
    return form


BUTTON = "a button: only the CSRF token, tested by the request tests (tests/test_access_matrix.py)"

FORMS = {
    # accounts ---------------------------------------------------------------------------------
    "pact_feedback.accounts.forms.LoginForm": FormSpec({"email": EMAIL, "password": "x"}),
    "pact_feedback.accounts.forms.ForgotPasswordForm": FormSpec({"email": EMAIL}),
    "pact_feedback.accounts.forms.ResetPasswordForm": FormSpec(
        NEW_PASSWORD, build=_with_email_check, rules=(PASSWORD_IS_EMAIL,)
    ),
    "pact_feedback.accounts.forms.ChangePasswordForm": FormSpec(
        {"current_password": "the old one", **NEW_PASSWORD},
        build=_with_email_check,
        rules=(PASSWORD_IS_EMAIL,),
    ),
    "pact_feedback.accounts.forms.AcceptInvitationForm": FormSpec(
        {"name": "Dr A Patel", **NEW_PASSWORD},
        build=_with_email_check,
        rules=(PASSWORD_IS_EMAIL,),
    ),
    "pact_feedback.accounts.forms.ConfirmForm": FormSpec({}, nothing_to_refuse=BUTTON),
    "pact_feedback.accounts.forms.TeamInviteForm": FormSpec(
        {"email": EMAIL, "name": "", "study": "study-1"}, build=_team_invite
    ),
    # studies ----------------------------------------------------------------------------------
    "pact_feedback.studies.forms.StudyForm": FormSpec(
        {
            "title": "Hidden workload 3",
            "slug": "hidden-workload-3",
            "round": "1",
            "pis_version": "1.0",
            "collection_start": "2027-03-01",
            "collection_end": "2027-03-31",
        },
        rules=(
            Rule({"slug": "Hidden Workload"}, "slug", "lower-case letters"),
            Rule({"slug": "hidden--workload"}, "slug", "single hyphens"),
            Rule({"collection_end": "2027-02-28"}, "collection_end", "on or after the first"),
            Rule({"collection_end": ""}, "collection_start", "both days"),
            Rule({"collection_start": ""}, "collection_end", "both days"),
        ),
    ),
    "pact_feedback.studies.forms.StudyFieldsForm": FormSpec(
        {
            "title": "Hidden workload 3",
            "round": "1",
            "collection_start": "2027-03-01",
            "collection_end": "2027-03-31",
        }
    ),
    "pact_feedback.study_admin.forms.SettingsForm": FormSpec(
        {
            "title": "Hidden workload 3",
            "round": "2",
            "collection_start": "2027-03-01",
            "collection_end": "2027-03-31",
            "wave_months": "3, 6",
        },
        rules=(Rule({"wave_months": "nine"}, "wave_months", "whole numbers of months"),),
    ),
    "pact_feedback.study_admin.forms.ConfirmForm": FormSpec({"to": "collecting"}),
    "pact_feedback.study_admin.forms.RemoveRoleForm": FormSpec({"hand_to": EMAIL}),
    "pact_feedback.studies.forms.InviteForm": FormSpec({"email": EMAIL, "name": "Dr B"}),
    "pact_feedback.studies.forms.EnrolForm": FormSpec(
        {"ods_codes": "A81001"},
        nothing_to_refuse="the view checks the codes (or the CSV) against the practices: "
        "fuzzed through studies.enrol in test_forms.py",
    ),
    # practices and participation --------------------------------------------------------------
    "pact_feedback.practices.forms.ImportForm": FormSpec(
        {"csv_file": Upload(b"ods_code,name\n", "practices.csv")}
    ),
    "pact_feedback.participation.forms.ConsentForm": FormSpec(
        {"staff_role": "gp_partner", "agree": "y"}
    ),
    # surveys ----------------------------------------------------------------------------------
    "pact_feedback.surveys.forms.AnswerForm": FormSpec(
        {},
        nothing_to_refuse="CSRF only: the answers are read by surveys/answers.py against the "
        "survey's questions, fuzzed through surveys.answer in test_forms.py",
    ),
    "pact_feedback.surveys.forms.ActionForm": FormSpec(
        {"value": "up"},
        nothing_to_refuse="a button with a hidden value the view interprets (move up or down, "
        "invitations or reminders); a bad value only flashes a message, see test_forms.py",
    ),
    "pact_feedback.surveys.forms.QuestionForm": FormSpec(
        {"code": "extra", "text": "Anything else?", "type": "text", "show_if_question": ""},
        build=_question,
        unchecked_choices={
            "show_if_question": "checked against the earlier questions by "
            "surveys.checking.check_question in the view (fuzzed through surveys.new_question)"
        },
    ),
    "pact_feedback.surveys.forms.ImportForm": FormSpec(
        {"json_file": Upload(b"{}", "survey.json")},
        nothing_to_refuse="the view reads the JSON file; fuzzed through surveys.import_json",
    ),
    "pact_feedback.surveys.forms.ResponsesForm": FormSpec(
        {"csv_file": Upload(b"ods_code,wave\n", "responses.csv")},
        nothing_to_refuse="the view reads the CSV file; fuzzed through surveys.import_responses",
    ),
    "pact_feedback.surveys.forms.WaveForm": FormSpec(
        {"opens_on": "2027-04-15", "closes_on": "2027-05-12"}
    ),
    # casebook (record audits) -----------------------------------------------------------------
    "pact_feedback.casebook.forms.CsrfForm": FormSpec(
        {},
        nothing_to_refuse="CSRF only: a button, or case answers read by casebook/entry.py "
        "against the form definition (tests/casebook/test_entry.py, test_pages.py)",
    ),
    "pact_feedback.casebook.forms.SettingsForm": FormSpec(
        {"title": "Why Test", "sampling_frame": "", "target_cases": "50", "review_percent": "10"}
    ),
    "pact_feedback.casebook.forms.DefinitionForm": FormSpec(
        {"definition": "{}"},
        nothing_to_refuse="the view reads the JSON; fuzzed through casebook.edit_form",
    ),
    "pact_feedback.casebook.forms.CasesUploadForm": FormSpec(
        {"csv_file": Upload(b"sequence\n", "cases.csv")},
        nothing_to_refuse="the view reads the CSV file; fuzzed through casebook.import_cases",
    ),
    "pact_feedback.casebook.forms.ReviewForm": FormSpec({"judgement": "necessary"}, build=_review),
    "pact_feedback.casebook.forms.ReviewerForm": FormSpec({"reviewer": "any"}, build=_reviewer),
    # reports ----------------------------------------------------------------------------------
    "pact_feedback.reports.forms.ConfirmForm": FormSpec({}, nothing_to_refuse=BUTTON),
    "pact_feedback.reports.forms.ReissueForm": FormSpec({"reason": "A corrected figure"}),
    "pact_feedback.reports.forms.SharingForm": FormSpec({"share": "yes"}),
    # diary ------------------------------------------------------------------------------------
    "pact_feedback.diary.forms.DayForm": FormSpec(
        {
            "date": "2027-03-10",
            "staff_role": "gp_partner",
            "scheduled_start": "08:00",
            "scheduled_end": "18:00",
            "sessions": "2",
            "typical": "yes",
            "workload_rating": "5",
        },
        passes=lambda form: form.check(**DAY_RULES) is not None,
        rule_checked=frozenset({"staff_role"}),
        rules=(
            Rule({"date": "2027-03-16"}, "date", "cannot be in the future"),
            Rule({"date": "2027-02-28"}, "date", "data collection dates"),
            Rule({"date": "2027-03-02"}, "date", "already have a diary day"),
            Rule({"scheduled_end": "08:00"}, "scheduled_end", "after the scheduled start"),
            Rule({"sessions": "20.5"}, "sessions", "from 0 to 20"),
            Rule({"sessions": "-1"}, "sessions", "from 0 to 20"),
            Rule({"sessions": "nan"}, "sessions", "from 0 to 20"),
            Rule({"workload_rating": "11"}, "workload_rating", "from 0 to 10"),
            Rule({"workload_rating": "-1"}, "workload_rating", "from 0 to 10"),
        ),
    ),
    "pact_feedback.diary.forms.EntryForm": FormSpec(
        {"category_id": "1", "minutes": "10", "note": "Letters from the hospital"},
        build=_entry,
        passes=lambda form: form.check(**ENTRY_RULES) is not None,
        rule_checked=frozenset({"category_id", "could_be_done_by"}),
        unchecked_choices={
            "duration": "a duration outside the quick buttons is read as minutes and checked by "
            "the minutes rule (see the rules below)"
        },
        rules=(
            Rule({"category_id": ""}, "category_id", "Choose what kind of task"),
            Rule({"minutes": "0"}, "minutes", "from 1 to 720"),
            Rule({"minutes": "721"}, "minutes", "from 1 to 720"),
            Rule({"minutes": "", "duration": "abc"}, "minutes", "Choose how long"),
            Rule({"minutes": "", "duration": "999"}, "minutes", "from 1 to 720"),
            Rule({"minutes": "41"}, "minutes", "past 24 hours"),
            Rule({"started_at": "10:00", "ended_at": "09:00"}, "ended_at", "after the start"),
            Rule({"started_at": "01:00", "ended_at": "13:01"}, "ended_at", "at most 12 hours"),
            Rule({"ended_at": "09:00"}, "started_at", "start time too"),
            Rule({"started_at": "23:55", "minutes": "10"}, "minutes", "past midnight"),
            Rule({"item_count": "-1"}, "item_count", "from 0 to 10,000"),
            Rule({"item_count": "10001"}, "item_count", "from 0 to 10,000"),
            Rule({"note": "Patient 943 476 5919 called"}, "note", "NHS number"),
            Rule({"note": "DOB 03/04/1956"}, "note", "date of birth"),
        ),
    ),
    "pact_feedback.diary.forms.ConfirmForm": FormSpec({}, nothing_to_refuse=BUTTON),
    "pact_feedback.api.forms.ConfirmForm": FormSpec({}, nothing_to_refuse=BUTTON),  # revoke
    "pact_feedback.jobs.views.RetryForm": FormSpec({}, nothing_to_refuse=BUTTON),
    "pact_feedback.api.forms.TokenForm": FormSpec({"name": "My phone"}),
    "pact_feedback.diary.forms.WeekdaysForm": FormSpec(
        {"monday": "y"},
        nothing_to_refuse="checkboxes only: every combination of ticks is an answer",
    ),
    "pact_feedback.diary.forms.DiarySettingsForm": FormSpec(
        {"diary_days_required": "2", "day_selection": "choose"},
        rules=(
            Rule({"diary_days_required": "0"}, "diary_days_required", "between 1 and 10"),
            Rule({"diary_days_required": "11"}, "diary_days_required", "between 1 and 10"),
        ),
    ),
    "pact_feedback.diary.forms.CategoryForm": FormSpec(
        {"code": "B99", "label": "Referral letters", "group": "B", "position": "45", "active": "y"}
    ),
    "pact_feedback.diary.forms.PlanForm": FormSpec({"planned_date": "2027-03-10"}),
    # governance -------------------------------------------------------------------------------
    "pact_feedback.governance.forms.WithdrawForm": FormSpec({}, nothing_to_refuse=BUTTON),
    "pact_feedback.governance.forms.EraseForm": FormSpec({"confirm": "y"}),
    "pact_feedback.governance.forms.ExportForm": FormSpec(
        {"include_notes": "y"},
        build=lambda cls: _plain(cls, rows=SPREADSHEET_LIMIT + 1),  # one diary row too many
        rules=(Rule({"spreadsheets": "y"}, "spreadsheets", "built only for up to"),),
    ),
    "pact_feedback.governance.forms.PisVersionForm": FormSpec(
        {"version": "2.0"},
        build=lambda cls: _plain(cls, current="1.0"),
        rules=(
            Rule({"version": "1.0"}, "version", "already uses version 1.0"),
            Rule({"version": " 1.0 "}, "version", "already uses version 1.0"),
        ),
    ),
    "pact_feedback.governance.forms.RetentionForm": FormSpec({"months": "60"}),
    # quality improvement ----------------------------------------------------------------------
    "pact_feedback.qi.forms.CsrfOnlyForm": FormSpec({}, nothing_to_refuse=BUTTON),
    "pact_feedback.qi.forms.ProjectForm": FormSpec(
        {"title": "Letters", "aim_what": "Fewer letters for GPs", "evidence_tags": ["appraisal"]}
    ),
    "pact_feedback.qi.forms.NewProjectForm": FormSpec(
        {"title": "Letters", "aim_what": "Fewer letters", "add_suggestions": ["measure-0"]},
        build=_new_project,
    ),
    "pact_feedback.qi.forms.MeasureForm": FormSpec({"kind": "outcome", "name": "Minutes"}),
    "pact_feedback.qi.forms.ValueForm": FormSpec(
        {"measured_on": "2026-01-10", "value": "12.5"},
        rules=(
            Rule(
                {"measured_on": (date.today() + timedelta(days=30)).isoformat()},
                "measured_on",
                "today or in the past",
            ),
        ),
    ),
    "pact_feedback.qi.forms.CycleForm": FormSpec(
        {"number": "1", "objective": "Redirect", "prediction": "Less", "plan_what": "Triage"},
        rules=(
            Rule({"do_notes": "We did it"}, "start_on", "date the test started"),
            Rule({"study_notes": "It worked"}, "end_on", "date the test finished"),
            Rule({"next_steps": "Scale up"}, "act", "adopt, adapt, abandon"),
            Rule({"objective": ""}, "objective", "objective of this cycle"),
            Rule(
                {"start_on": "2026-03-10", "end_on": "2026-03-01"},
                "end_on",
                "same as or after the start date",
            ),
        ),
    ),
}


def all_form_classes() -> dict[str, type]:
    """Every FlaskForm subclass defined under pact_feedback, by dotted name."""
    for info in pkgutil.walk_packages(pact_feedback.__path__, "pact_feedback."):
        importlib.import_module(info.name)
    found, pending = {}, list(FlaskForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("pact_feedback."):
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


FORM_CLASSES = all_form_classes()
