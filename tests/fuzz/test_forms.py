"""Hypothesis on the HTML form handlers: generated invalid input is refused with 422 and a
message beside the field (in the page's error summary), and writes no row at all.

The first tests sample sign-in, study creation, a diary task entry, a survey answer and a QI
project by hand. Below them, every HTML POST route that takes a form is fuzzed from its form's
declared validators (`ROUTES`), and the rest are exempt with a reason (`EXEMPT`); a new route
with neither fails `test_every_html_post_route_is_fuzzed_or_exempt`.
`PACT_FORM_EXAMPLES` sets examples per form (default 30, shared among a route's fields, at least
two each; the run stays a second or two a route).
"""

import io
import json
import os
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms.fields.choices import SelectChoice

from pact_feedback.accounts.roles import PARTICIPANT, STUDY_TEAM
from pact_feedback.extensions import db, limiter
from pact_feedback.studies.actions import study_by_slug
from pact_feedback.studies.queries import all_studies
from tests.conftest import PASSWORD, csrf_token, error_messages, login, make_user, page
from tests.fuzz.form_table import FORM_CLASSES, FORMS, Rule, Upload
from tests.fuzz.invalid_input import invalid_inputs, with_value
from tests.security._world import snapshot

FORM_SETTINGS = settings(
    max_examples=int(os.environ.get("PACT_FORM_EXAMPLES", "30")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any Unicode a browser can send (no lone surrogates), controls and quotes included.
TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
BLANK = st.sampled_from(["", " ", "\t", "\n  "])


def _submitted_values(data):
    """Each value the request-wide U+0000 guard reads, as text (a list field sends several; an
    upload its file name: the file's content is read by the import, which names a NUL beside the
    field, core.inputs.read_text_file)."""
    for value in data.values():
        if isinstance(value, Upload):
            yield value.filename
        else:
            yield from value if isinstance(value, list) else [value]


def _request_data(data: dict) -> dict:
    """The submission as the test client takes it: a fresh stream for each upload."""
    return {
        name: (io.BytesIO(value.content), value.filename) if isinstance(value, Upload) else value
        for name, value in data.items()
    }


def refusal_messages(response) -> list[str]:
    """Messages beside fields, and those only in the error summary (a file's row problems, a
    field the page does not show)."""
    summary = [
        " ".join(item.get_text(" ", strip=True).split())
        for item in page(response).select(".nhsuk-error-summary__body li, .pact-row-error")
    ]
    return error_messages(response) + summary


def _refused(client, url, data, *, form_url=None, token=None):
    """POST with a valid CSRF token; assert 422, a message, an error summary and no writes.
    `token`: the session's CSRF token when already known (it lasts the session)."""
    before = snapshot(with_logs=True)
    token = token or csrf_token(client, form_url or url)
    response = client.post(url, data={"csrf_token": token, **_request_data(data)})
    if any("\x00" in str(value) for value in _submitted_values(data)):
        # U+0000 is refused for every request before any form sees it (PostgreSQL cannot
        # store it): 400 and the error page's message.
        assert response.status_code == 400, (data, response.status_code)
        assert "There is a problem with your request" in page(response).get_text()
        assert {k: v for k, v in snapshot(with_logs=True).items() if v != before[k]} == {}
        return response
    assert response.status_code == 422, (data, response.status_code)
    messages = (
        refusal_messages(response)
        if response.mimetype == "text/html"
        else response.get_json(silent=True)
    )
    assert messages, data
    if response.mimetype == "text/html":
        assert page(response).select_one(".nhsuk-error-summary") is not None
    after = snapshot(with_logs=True)
    assert {k: v for k, v in after.items() if v != before[k]} == {}, data
    return response


def test_sign_in_refuses_malformed_input(client):
    make_user("real@example.org")

    @FORM_SETTINGS
    @given(
        email=st.one_of(BLANK, TEXT.filter(lambda s: "@" not in s)),
        password=st.one_of(BLANK, TEXT),
    )
    def run(email, password):
        _refused(client, "/account/sign-in", {"email": email, "password": password})
        assert client.get("/").status_code == 302

    run()


def _study_fields():
    return {
        "title": "Hidden workload 3",
        "slug": "hidden-workload-3",
        "description": "",
        "round": "1",
        "pis_version": "1.0",
        "collection_start": "",
        "collection_end": "",
    }


BAD_STUDY_FIELDS = st.one_of(
    st.tuples(st.just("title"), st.one_of(BLANK, st.text("ab ", min_size=201, max_size=260))),
    st.tuples(
        st.just("slug"),
        st.one_of(
            BLANK,
            st.text(string.ascii_lowercase + string.digits + "-", max_size=20).map(
                lambda s: s + "--x"
            ),
            TEXT.filter(lambda s: s.strip() and any(c not in "abcdefxyz0123-" for c in s)),
        ),
    ),
    st.tuples(
        st.just("round"),
        st.one_of(st.integers(max_value=0).map(str), st.integers(min_value=100).map(str), TEXT),
    ),
    st.tuples(st.just("collection_start"), TEXT.filter(lambda s: s.strip()).map(lambda s: s + "x")),
    st.tuples(st.just("pis_version"), st.one_of(BLANK, st.text("v1.", min_size=21, max_size=30))),
)


def test_study_creation_refuses_invalid_fields(client):
    login(client, make_user(role=STUDY_TEAM))

    @FORM_SETTINGS
    @given(bad=BAD_STUDY_FIELDS)
    def run(bad):
        name, value = bad
        data = {**_study_fields(), name: value}
        if name == "round" and value.strip().isdigit() and 1 <= int(value) <= 99:
            return  # a stray valid round number from the text strategy
        _refused(client, "/studies/new", data)

    run()

    # End before start: a rule across two fields.
    data = {
        **_study_fields(),
        "collection_start": "2027-03-10",
        "collection_end": "2027-03-01",
    }
    response = _refused(client, "/studies/new", data)
    assert "Last day must be on or after the first day" in error_messages(response)


def test_diary_entry_refuses_invalid_tasks(client, diary):
    from tests.diary.conftest import make_day

    day = make_day(diary.me, diary.study, diary.practice, on=date.today())
    login(client, diary.me)
    url = f"{diary.base}/{day.id}/entries"
    form_url = f"{diary.base}/{day.id}"
    category = str(diary.categories["B1"].id)

    @FORM_SETTINGS
    @given(
        bad=st.one_of(
            # no category at all
            st.fixed_dictionaries({"minutes": st.integers(1, 720).map(str)}),
            # a category that is not in this study's taxonomy
            st.fixed_dictionaries(
                {
                    "category_id": st.one_of(st.integers(100000, 10**9).map(str), TEXT),
                    "minutes": st.just("10"),
                }
            ),
            # minutes out of range, or not a number
            st.fixed_dictionaries(
                {
                    "category_id": st.just(category),
                    "minutes": st.one_of(
                        st.integers(max_value=0).map(str),
                        st.integers(min_value=721, max_value=10**12).map(str),
                        TEXT.filter(lambda s: not s.strip().isdigit()),
                    ),
                }
            ),
            # a note over 2,000 characters
            st.fixed_dictionaries(
                {
                    "category_id": st.just(category),
                    "minutes": st.just("10"),
                    "note": st.text("abc ", min_size=2001, max_size=2100),
                }
            ),
        )
    )
    def run(bad):
        _refused(client, url, bad, form_url=form_url)

    run()


def test_survey_answer_refuses_answers_outside_the_choices(client, world):
    users, values = world
    study_by_slug(values["slug"]).status = "survey_open"  # waves take answers only then
    db.session.commit()
    login(client, users["lead"])
    url = f"/practices/{values['ods_code']}/surveys/{values['slug']}/waves/1"

    @FORM_SETTINGS
    @given(
        discussed=TEXT.filter(lambda s: s.strip() not in {"yes", "no", "not_sure", ""}),
    )
    def run(discussed):
        _refused(client, url, {"discussed": discussed, "action": "submit"})

    run()
    # A submission with the required answer missing is refused too.
    _refused(client, url, {"action": "submit"})


def test_qi_project_refuses_invalid_fields(client, world):
    users, values = world
    login(client, users["lead"])
    url = f"/practices/{values['ods_code']}/qi/new"

    @FORM_SETTINGS
    @given(
        data=st.one_of(
            st.fixed_dictionaries({"title": BLANK, "aim_what": TEXT}),
            st.fixed_dictionaries(
                {"title": st.text("ab ", min_size=201, max_size=240), "aim_what": st.just("x")}
            ),
        )
    )
    def run(data):
        _refused(client, url, data)

    run()


def test_dates_in_the_past_window_are_accepted_so_refusals_are_not_blanket(client):
    """Control: the valid form goes through (so the refusals above are about the bad field)."""
    login(client, make_user(role=STUDY_TEAM))
    token = csrf_token(client, "/studies/new")
    start = date.today() + timedelta(days=30)
    data = {
        **_study_fields(),
        "collection_start": start.isoformat(),
        "collection_end": (start + timedelta(days=20)).isoformat(),
        "csrf_token": token,
    }
    assert client.post("/studies/new", data=data).status_code == 302


# Every HTML POST route ------------------------------------------------------------------------
#
# Each route that takes a form gets, through the real view with a valid CSRF token and signed in
# as a role allowed to use it, every field's invalid values (derived from the form's declared
# validators, tests/fuzz/invalid_input.py) in an otherwise valid submission; the refusals only
# the view or the data know (a taken date, a duplicate code); and, last, the valid submission
# itself, which must go through (so the refusals are about the bad field). A route without a
# case or a reasoned exemption fails `test_every_html_post_route_is_fuzzed_or_exempt`.


@dataclass(frozen=True)
class Target:
    """Who posts what where: the signed-in user (None: signed out), the URL, a submission
    that passes, and the page holding the form (for its CSRF token) when it is not the URL."""

    user: object
    url: str
    valid: dict
    form_url: str | None = None


@dataclass(frozen=True)
class Route:
    form: str  # the form class (key of tests/fuzz/form_table.py FORMS) whose fields are fuzzed
    fixture: str  # "world" (tests/test_access_matrix.py) or "diary" (tests/diary/conftest.py)
    target: Callable  # objects -> Target
    accepted: int = 302  # the valid submission's status
    rules: tuple = ()  # Rule(changes, field, message): refusals only the view or data know
    prefilled: bool = False  # the form starts from saved values: a field left out keeps them
    # Whole submissions (not one field) the view must refuse: uploads, lists of codes.
    submissions: st.SearchStrategy | None = None
    # The form as the view builds it, for the real choices (objects, form class) -> form.
    build: Callable | None = None


def _world_objects(world):
    users, values = world
    study = study_by_slug(values["slug"])
    # The shared world's first practice is the one its participant and lead belong to.
    practice = next(
        e.practice for e in study.enrolments if e.practice.ods_code == values["ods_code"]
    )
    other_practice = next(e.practice for e in study.enrolments if e.practice is not practice)
    return SimpleNamespace(
        **users, values=values, study=study, practice=practice, other_practice=other_practice
    )


def _diary_objects(diary):
    return diary


OBJECTS = {"world": _world_objects, "diary": _diary_objects}


def _upload(content: bytes, filename="upload.csv"):
    return Upload(content, filename)


def _day_before(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def _day_after(days: int) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


NEW_PASSWORD = {"password": "a long enough password", "confirm": "a long enough password"}


def _password_is_email(email):
    return Rule({"password": email, "confirm": email}, "password", "must not be your email")


def _reset_target(o):
    from pact_feedback.accounts.actions import _fingerprint, _reset_serializer

    user = o.participant
    token = _reset_serializer().dumps({"user": user.id, "fp": _fingerprint(user)})
    return Target(None, f"/account/reset-password/{token}", NEW_PASSWORD)


def _invitation_target(o):
    from pact_feedback.accounts.actions import invite

    token = invite(
        email="invitee@example.org",
        role=PARTICIPANT,
        by=o.team,
        practice=o.practice,
        study=o.study,
    )
    return Target(None, f"/account/invitation/{token}", {"name": "Dr C Jones", **NEW_PASSWORD})


def _team_form(o, cls):
    form = cls(meta={"csrf": False})
    form.study.choices = [SelectChoice("", "Every study")] + [
        SelectChoice(s.slug, s.title) for s in all_studies()
    ]
    return form


def _entry_form(o, cls):
    form = cls(meta={"csrf": False})
    form.set_categories(o.categories.values())
    return form


def _survey(o):
    from pact_feedback.surveys.queries import survey_for

    return survey_for(o.study)


def _question_target(o):
    """An editable question of the default survey, submitted as its edit page shows it."""
    from pact_feedback.surveys.definitions import FIXED_CODES

    question = next(q for q in _survey(o).questions if q.code not in FIXED_CODES)
    valid = {
        "text": question.text,
        "hint": question.hint,
        "type": question.type,
        "choices": "\n".join(f"{c.code} | {c.label}" for c in question.choices),
        "show_if_question": question.show_if["question"] if question.show_if else "",
        "show_if_choices": ", ".join(question.show_if["choices"]) if question.show_if else "",
    }
    if question.required:
        valid["required"] = "y"
    return Target(o.team, f"/studies/{o.study.slug}/survey/questions/{question.code}", valid)


def _survey_json(o):
    from pact_feedback.surveys.definitions import definition_of, to_json
    from pact_feedback.surveys.forms import pretty_json

    return pretty_json(to_json(definition_of(_survey(o)))).encode()


def _diary_day(o, *, before: int, entries=()):
    from tests.diary.conftest import make_day

    return make_day(
        o.me, o.study, o.practice, on=date.today() - timedelta(days=before), entries=entries
    )


def _new_day_target(o):
    _diary_day(o, before=2)  # a taken date, for the rule below
    valid = {
        "date": _day_before(1),
        "staff_role": "gp_partner",
        "scheduled_start": "08:00",
        "scheduled_end": "18:00",
    }
    return Target(o.me, f"{o.base}/new", valid)


def _edit_day_target(o):
    day = _diary_day(o, before=3)
    valid = {
        "date": _day_before(3),
        "staff_role": "gp_partner",
        "scheduled_start": "08:00",
        "scheduled_end": "18:00",
        "typical": "no",
    }
    return Target(o.me, f"{o.base}/{day.id}/edit", valid)


def _add_entry_target(o):
    day = _diary_day(o, before=0)
    valid = {"category_id": str(o.categories["B1"].id), "minutes": "10"}
    return Target(o.me, f"{o.base}/{day.id}/entries", valid, form_url=f"{o.base}/{day.id}")


def _edit_entry_target(o):
    day = _diary_day(o, before=1, entries=[("B1", 10)])
    valid = {"category_id": str(o.categories["B2"].id), "minutes": "15"}
    return Target(o.me, f"{o.base}/{day.id}/entries/{day.entries[0].id}/edit", valid)


TAKEN_DATE = Rule({"date": _day_before(2)}, "date", "already have a diary day")
FUTURE_DAY = Rule({"date": _day_after(1)}, "date", "cannot be in the future")
NHS_NUMBER_NOTE = Rule({"note": "Patient 943 476 5919 called"}, "note", "NHS number")
PRACTICES_CSV = (
    b"ods_code,name,nation,region,list_size,pct_65_plus,imd_score,imd_decile,pct_rural,"
    b"data_date\nQ12345,New Practice,England,London,8000,15,25,5,10,2026-04-01\n"
)
# Uploads a view must refuse: not UTF-8, or text without the columns it needs.
BAD_UPLOADS = st.one_of(
    st.binary(min_size=1, max_size=40).filter(lambda b: _not_utf8(b)),
    TEXT.map(lambda s: s.encode()),
).map(_upload)


def _not_utf8(content: bytes) -> bool:
    try:
        content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return True
    return False


def _json_containers(inner):
    return st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3)


AUDIT_CSV = (
    b"sequence,age_band,sex,requester,reasons,tests,result,outcome,new_diagnosis,necessity\n"
    b"1,age_18_39,female,gp,symptoms,fbc,normal,no_change,no,necessary\n"
)


def _audit_json() -> str:
    from pact_feedback.casebook.definition import template_json

    return json.dumps(template_json())


def _bad_json_files():
    """JSON the survey import must refuse: anything but the export format."""
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | TEXT, _json_containers, max_leaves=6
    )
    return st.one_of(
        json_values.map(lambda v: json.dumps(v).encode()), BAD_UPLOADS.map(lambda u: u.content)
    ).map(lambda b: _upload(b, "survey.json"))


# ODS codes that name no practice (or are not codes at all), typed or uploaded.
UNKNOWN_CODES = st.one_of(
    st.fixed_dictionaries({"ods_codes": st.one_of(BLANK, TEXT.filter(lambda s: s.strip()))}),
    st.fixed_dictionaries({"csv_file": BAD_UPLOADS}),
)

ROUTES = {
    # accounts -------------------------------------------------------------------------------
    "accounts.login": Route(
        "pact_feedback.accounts.forms.LoginForm",
        "world",
        lambda o: Target(
            None, "/account/sign-in", {"email": o.participant.email, "password": PASSWORD}
        ),
    ),
    "accounts.forgot_password": Route(
        "pact_feedback.accounts.forms.ForgotPasswordForm",
        "world",
        lambda o: Target(None, "/account/forgot-password", {"email": "nobody@example.org"}),
        accepted=200,
    ),
    "accounts.reset_password": Route(
        "pact_feedback.accounts.forms.ResetPasswordForm",
        "world",
        _reset_target,
        rules=(Rule({"confirm": "something else entirely"}, "confirm", "do not match"),),
    ),
    "accounts.change_password": Route(
        "pact_feedback.accounts.forms.ChangePasswordForm",
        "world",
        lambda o: Target(
            o.participant, "/account/password", {"current_password": PASSWORD, **NEW_PASSWORD}
        ),
        rules=(Rule({"current_password": "not my password"}, "current_password", "not correct"),),
    ),
    "accounts.accept_invitation": Route(
        "pact_feedback.accounts.forms.AcceptInvitationForm",
        "world",
        _invitation_target,
        rules=(_password_is_email("invitee@example.org"),),
    ),
    "team.index": Route(
        "pact_feedback.accounts.forms.TeamInviteForm",
        "world",
        lambda o: Target(o.team, "/account/team", {"email": "new.member@example.org", "study": ""}),
        build=_team_form,
    ),
    "api_tokens.index": Route(
        "pact_feedback.api.forms.TokenForm",
        "world",
        lambda o: Target(o.participant, "/account/api-tokens/", {"name": "My phone"}),
        accepted=200,
    ),
    # studies and practices ------------------------------------------------------------------
    "studies.new": Route(
        "pact_feedback.studies.forms.StudyForm",
        "world",
        lambda o: Target(
            o.team, "/studies/new", FORMS["pact_feedback.studies.forms.StudyForm"].valid
        ),
        rules=(
            Rule({"slug": "Not A Slug"}, "slug", "lower-case letters"),
            Rule({"collection_end": ""}, "collection_start", "both days"),
        ),
    ),
    # The first post shows the change and its effect (200); nothing is saved until confirmed.
    "study_admin.edit_settings": Route(
        "pact_feedback.study_admin.forms.SettingsForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/settings",
            {
                "title": "Renamed",
                "round": "2",
                "collection_start": o.study.collection_start.isoformat(),
                "collection_end": o.study.collection_end.isoformat(),
                "wave_months": "3, 6",
            },
        ),
        accepted=200,
        rules=(Rule({"collection_end": "2000-01-01"}, "collection_end", "on or after"),),
    ),
    "study_admin.remove_person": Route(
        "pact_feedback.study_admin.forms.RemoveRoleForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/people/{o.values['lead_membership_id']}/remove",
            {"hand_to": "new.lead@example.org"},
        ),
    ),
    "studies.enrol": Route(
        "pact_feedback.studies.forms.EnrolForm",
        "world",
        lambda o: Target(
            o.team, f"/studies/{o.study.slug}/enrol", {"ods_codes": o.other_practice.ods_code}
        ),
        submissions=UNKNOWN_CODES,
    ),
    "studies.invite_lead": Route(
        "pact_feedback.studies.forms.InviteForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/practices/{o.practice.ods_code}/invite-lead",
            {"email": "new.lead@example.org", "name": "Dr L"},
        ),
    ),
    "practices.import_csv": Route(
        "pact_feedback.practices.forms.ImportForm",
        "world",
        lambda o: Target(o.team, "/practices/import", {"csv_file": _upload(PRACTICES_CSV)}),
        submissions=st.fixed_dictionaries({"csv_file": BAD_UPLOADS}),
    ),
    "practice_lead.invite_participant": Route(
        "pact_feedback.studies.forms.InviteForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/practices/{o.practice.ods_code}/studies/{o.study.slug}/invite",
            {"email": "new.gp@example.org"},
        ),
    ),
    "participation.consent": Route(
        "pact_feedback.participation.forms.ConsentForm",
        "world",
        lambda o: Target(
            o.participant,
            f"/take-part/{o.study.slug}/consent",
            {"staff_role": "gp_partner", "agree": "y"},
        ),
        prefilled=True,
    ),
    # governance ------------------------------------------------------------------------------
    "governance.erase": Route(
        "pact_feedback.governance.forms.EraseForm",
        "world",
        lambda o: Target(o.participant, f"/take-part/{o.study.slug}/erase", {"confirm": "y"}),
    ),
    "governance.team_erase": Route(
        "pact_feedback.governance.forms.EraseForm",
        "world",
        lambda o: Target(
            o.team,
            f"/governance/studies/{o.study.slug}/participants/{o.values['membership_id']}/erase",
            {"confirm": "y"},
        ),
    ),
    "governance.information_sheet": Route(
        "pact_feedback.governance.forms.PisVersionForm",
        "world",
        lambda o: Target(
            o.team, f"/governance/studies/{o.study.slug}/information-sheet", {"version": "2.0"}
        ),
        rules=(Rule({"version": "1.0"}, "version", "already uses version 1.0"),),
    ),
    "governance.retention": Route(
        "pact_feedback.governance.forms.RetentionForm",
        "world",
        lambda o: Target(o.team, f"/governance/studies/{o.study.slug}/retention", {"months": "60"}),
        prefilled=True,
    ),
    # quality improvement ---------------------------------------------------------------------
    "qi.new_practice_project": Route(
        "pact_feedback.qi.forms.NewProjectForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/practices/{o.practice.ods_code}/qi/new",
            {"title": "Fewer letters", "aim_what": "Redirect letters"},
        ),
    ),
    "qi.new_private_project": Route(
        "pact_feedback.qi.forms.NewProjectForm",
        "world",
        lambda o: Target(o.participant, "/my/qi/new", {"title": "Mine", "aim_what": "Learn"}),
    ),
    "qi.edit_project": Route(
        "pact_feedback.qi.forms.ProjectForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/qi/{o.values['qi_id']}/edit",
            {"title": "Letters", "aim_what": "Fewer letters for GPs"},
        ),
        prefilled=True,
    ),
    "qi.new_measure": Route(
        "pact_feedback.qi.forms.MeasureForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/qi/{o.values['qi_id']}/measures/new",
            {"kind": "process", "name": "Letters redirected"},
        ),
    ),
    "qi.edit_measure": Route(
        "pact_feedback.qi.forms.MeasureForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/qi/{o.values['qi_id']}/measures/{o.values['qi_measure_id']}/edit",
            {"kind": "outcome", "name": "Minutes on letters", "unit": "minutes"},
        ),
        prefilled=True,
    ),
    "qi.values": Route(
        "pact_feedback.qi.forms.ValueForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/qi/{o.values['qi_id']}/measures/{o.values['qi_measure_id']}/values",
            {"measured_on": "2026-01-12", "value": "35"},
        ),
        rules=(
            Rule({"measured_on": _day_after(3)}, "measured_on", "today or in the past"),
            Rule({"measured_on": "2026-01-05"}, "measured_on", "already a value for this date"),
        ),
    ),
    "qi.new_cycle": Route(
        "pact_feedback.qi.forms.CycleForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/qi/{o.values['qi_id']}/cycles/new",
            {
                "number": "2",
                "objective": "Redirect",
                "prediction": "Less",
                "plan_what": "Triage letters",
            },
        ),
        rules=(
            Rule({"number": "1"}, "number", "already has a cycle with this number"),
            Rule({"do_notes": "We did it"}, "start_on", "date the test started"),
        ),
    ),
    "qi.edit_cycle": Route(
        "pact_feedback.qi.forms.CycleForm",
        "world",
        lambda o: Target(
            o.lead,
            f"/qi/{o.values['qi_id']}/cycles/{o.values['qi_cycle_id']}/edit",
            {
                "number": "1",
                "objective": "Redirect",
                "prediction": "Less",
                "plan_what": "Triage letters",
            },
        ),
        prefilled=True,
        rules=(
            Rule({"start_on": "2026-03-10", "end_on": "2026-03-01"}, "end_on", "after the start"),
        ),
    ),
    # reports ---------------------------------------------------------------------------------
    "reports.reissue": Route(
        "pact_feedback.reports.forms.ReissueForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/reports/reissue",
            {"reason": "A corrected figure"},
            form_url=f"/studies/{o.study.slug}/reports",
        ),
    ),
    "reports.mine": Route(
        "pact_feedback.reports.forms.SharingForm",
        "world",
        lambda o: Target(o.participant, f"/take-part/{o.study.slug}/report", {"share": "yes"}),
        prefilled=True,
    ),
    # casebook (record audits) ----------------------------------------------------------------
    "casebook.setup": Route(
        "pact_feedback.casebook.forms.SettingsForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/audit",
            FORMS["pact_feedback.casebook.forms.SettingsForm"].valid,
        ),
        prefilled=True,
    ),
    "casebook.edit_form": Route(
        "pact_feedback.casebook.forms.DefinitionForm",
        "world",
        lambda o: Target(
            o.team, f"/studies/{o.study.slug}/audit/form", {"definition": _audit_json()}
        ),
        submissions=st.fixed_dictionaries(
            {"definition": _bad_json_files().map(lambda u: u.content.decode("latin-1"))}
        ),
    ),
    "casebook.import_cases": Route(
        "pact_feedback.casebook.forms.CasesUploadForm",
        "world",
        lambda o: Target(
            o.participant,
            f"/take-part/{o.study.slug}/audit/import",
            {"csv_file": _upload(AUDIT_CSV)},
        ),
        submissions=st.fixed_dictionaries({"csv_file": BAD_UPLOADS}),
    ),
    "casebook.review": Route(
        "pact_feedback.casebook.forms.ReviewForm",
        "world",
        lambda o: Target(
            o.participant, f"/take-part/{o.study.slug}/audit/reviews/10", {"judgement": "necessary"}
        ),
    ),
    "casebook.assign_reviewer": Route(
        "pact_feedback.casebook.forms.ReviewerForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/audit/reviewers/{o.practice.ods_code}",
            {"reviewer": str(o.participant.id)},
        ),
    ),
    # surveys ---------------------------------------------------------------------------------
    "surveys.new_question": Route(
        "pact_feedback.surveys.forms.QuestionForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/survey/questions/new",
            {"code": "anything_else", "text": "Anything else?", "type": "text"},
        ),
        rules=(
            Rule({"code": "discussed"}, "code", "used by another question"),
            Rule({"code": "Not A Code"}, "code", "must start with a letter"),
            Rule({"type": "single", "choices": "no bar here"}, "choices", "code | label"),
            Rule(
                {"show_if_question": "nope", "show_if_choices": "yes"},
                "show_if_choices",
                "must name a question that comes before",
            ),
        ),
    ),
    "surveys.edit_question": Route(
        "pact_feedback.surveys.forms.QuestionForm",
        "world",
        _question_target,
    ),
    "surveys.new_wave": Route(
        "pact_feedback.surveys.forms.WaveForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/survey/waves/new",
            {"opens_on": _day_after(200), "closes_on": _day_after(230)},
        ),
        rules=(
            Rule({"closes_on": _day_after(199)}, "closes_on", "on or after the opening date"),
            Rule({"opens_on": _day_after(100)}, "opens_on", "must open after wave 2 closes"),
        ),
    ),
    "surveys.edit_wave": Route(
        "pact_feedback.surveys.forms.WaveForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/survey/waves/2",
            {"opens_on": _day_after(90), "closes_on": _day_after(120)},
        ),
    ),
    "surveys.import_json": Route(
        "pact_feedback.surveys.forms.ImportForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/survey/import",
            {"json_file": _upload(_survey_json(o), "survey.json")},
        ),
        submissions=st.one_of(st.just({}), st.fixed_dictionaries({"json_file": _bad_json_files()})),
    ),
    "surveys.import_responses": Route(
        "pact_feedback.surveys.forms.ResponsesForm",
        "world",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/survey/responses/import",
            {
                "csv_file": _upload(
                    f"ods_code,wave,discussed,used_for_qi\n{o.practice.ods_code},1,yes,no\n".encode()
                )
            },
        ),
        submissions=st.one_of(st.just({}), st.fixed_dictionaries({"csv_file": BAD_UPLOADS})),
    ),
    # diary -----------------------------------------------------------------------------------
    "diary.new_day": Route(
        "pact_feedback.diary.forms.DayForm",
        "diary",
        _new_day_target,
        rules=(
            TAKEN_DATE,
            FUTURE_DAY,
            Rule({"scheduled_end": "07:00"}, "scheduled_end", "after the scheduled start"),
            Rule({"sessions": "21"}, "sessions", "from 0 to 20"),
            Rule({"workload_rating": "11"}, "workload_rating", "from 0 to 10"),
        ),
    ),
    "diary.edit_day": Route(
        "pact_feedback.diary.forms.DayForm",
        "diary",
        _edit_day_target,
        prefilled=True,
        rules=(FUTURE_DAY, Rule({"staff_role": "astronaut"}, "staff_role", "Choose the role")),
    ),
    "diary.add_entry": Route(
        "pact_feedback.diary.forms.EntryForm",
        "diary",
        _add_entry_target,
        build=_entry_form,
        rules=(NHS_NUMBER_NOTE, Rule({"minutes": "721"}, "minutes", "from 1 to 720")),
    ),
    "diary.edit_entry": Route(
        "pact_feedback.diary.forms.EntryForm",
        "diary",
        _edit_entry_target,
        build=_entry_form,
        rules=(
            NHS_NUMBER_NOTE,
            Rule({"started_at": "10:00", "ended_at": "09:00"}, "ended_at", "after the start"),
        ),
    ),
    "diary.plan": Route(
        "pact_feedback.diary.forms.PlanForm",
        "diary",
        lambda o: Target(
            o.me, f"{o.base}/plan", {"planned_date": _day_after(1)}, form_url=f"{o.base}/settings"
        ),
        rules=(Rule({"planned_date": _day_before(1)}, "planned_date", "today or a day still"),),
    ),
    "diary_team.settings": Route(
        "pact_feedback.diary.forms.DiarySettingsForm",
        "diary",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/diary/",
            {"diary_days_required": "2", "day_selection": "choose"},
        ),
        rules=(Rule({"diary_days_required": "11"}, "diary_days_required", "between 1 and 10"),),
    ),
    "diary_team.new_category": Route(
        "pact_feedback.diary.forms.CategoryForm",
        "diary",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/diary/categories/new",
            {
                "code": "B99",
                "label": "Referral letters",
                "group": "B",
                "position": "45",
                "active": "y",
            },
        ),
        rules=(
            Rule({"code": "B1"}, "code", "already a category B1"),
            Rule({"code": "C99"}, "code", "start with its group letter"),
        ),
    ),
    "diary_team.edit_category": Route(
        "pact_feedback.diary.forms.CategoryForm",
        "diary",
        lambda o: Target(
            o.team,
            f"/studies/{o.study.slug}/diary/categories/{o.categories['B1'].id}",
            {"label": "Results", "group": "B", "position": "5", "active": "y"},
        ),
    ),
}

BUTTON = "a button: no field but the CSRF token"
CASE_ANSWERS = (
    "its questions come from the record audit's form, not a form class: checked by "
    "casebook.entry.parse_case (tests/casebook/test_entry.py) through the view "
    "(tests/casebook/test_pages.py::test_a_case_with_errors_keeps_what_was_typed_and_says_why)"
)
# Routes that take no user-entered field, with the tests that cover them.
EXEMPT = {
    "accounts.logout": f"{BUTTON} (tests/accounts/test_sign_in.py::"
    "test_sign_out_requires_post_and_csrf)",
    "accounts.sign_out_everywhere": f"{BUTTON} (tests/diary/test_kept_sessions.py::"
    "test_sign_out_everywhere_ends_a_kept_session)",
    "api_tokens.revoke": f"{BUTTON} (tests/diary/test_api.py::"
    "test_token_page_creates_shows_once_and_revokes)",
    "diary.complete_day": f"{BUTTON}; its `complete` value only chooses complete or reopen "
    "(tests/diary/test_web.py::test_mark_complete_and_reopen)",
    "diary.delete_entry": f"{BUTTON} (tests/diary/test_web.py::test_repeat_edit_and_delete)",
    "diary.repeat_last": f"{BUTTON} (tests/diary/test_web.py::test_repeat_edit_and_delete)",
    "diary.settings": "checkboxes only: every combination of ticks is a valid answer "
    "(tests/diary/test_team.py::test_participant_plans_a_day_and_is_reminded)",
    "diary_team.allocate": f"{BUTTON} (tests/diary/test_team.py::"
    "test_team_sets_days_required_and_allocation)",
    "governance.withdraw": f"{BUTTON} (tests/governance/test_withdraw_erase.py::"
    "test_participant_reads_what_withdrawing_means_then_withdraws)",
    "governance.team_withdraw": f"{BUTTON} (tests/governance/test_withdraw_erase.py::"
    "test_study_team_withdraws_a_participant)",
    "governance.export": "checkboxes only: every combination is an export, answered with the "
    "file (tests/governance/test_export.py::test_web_download_is_audited_with_rows)",
    "qi.delete_value": f"{BUTTON} (tests/qi/test_measures_and_cycles.py::"
    "test_a_value_can_be_deleted_and_the_deletion_is_logged)",
    "jobs.retry": f"{BUTTON} (tests/jobs/test_pages.py::"
    "test_a_failed_job_is_retried_from_its_page)",
    "reports.generate": f"{BUTTON} (tests/reports/test_pages.py::"
    "test_team_generates_and_releases_from_the_review_page)",
    "reports.release": f"{BUTTON} (tests/reports/test_pages.py::"
    "test_team_generates_and_releases_from_the_review_page)",
    "study_admin.change_stage": "a button whose hidden value names the stage offered; any other "
    "value writes nothing (test_hidden_button_values_write_nothing below)",
    "surveys.move_question": "a button whose hidden value is up or down; any other value writes "
    "nothing (test_hidden_button_values_write_nothing below)",
    "surveys.send_wave": "a button whose hidden value is invitation or reminder; any other value "
    "writes nothing (test_hidden_button_values_write_nothing below)",
    "surveys.delete_question": f"{BUTTON} (tests/surveys/test_editor.py::"
    "test_fixed_questions_cannot_be_deleted_others_can)",
    "casebook.new_case": CASE_ANSWERS,
    "casebook.edit_case": CASE_ANSWERS,
    "casebook.submit": f"{BUTTON} (tests/casebook/test_pages.py::"
    "test_editing_works_until_the_practice_submits_then_cases_are_frozen)",
    "surveys.answer": "its questions come from the survey, not a form class: fuzzed by "
    "test_survey_answer_refuses_answers_outside_the_choices above",
}


def test_every_html_post_route_is_fuzzed_or_exempt(app):
    """Each HTML POST route has a fuzz case in ROUTES or a reasoned entry in EXEMPT."""
    served = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/api/")
    }
    missing = sorted(served - set(ROUTES) - set(EXEMPT))
    assert not missing, (
        "HTML POST routes with no fuzz case: add a Route to ROUTES in tests/fuzz/test_forms.py "
        "(the form class, who may post, a valid submission) or, for a button with no "
        f"user-entered field, a reason in EXEMPT: {missing}"
    )
    assert not set(ROUTES) & set(EXEMPT), "a route is both fuzzed and exempt"
    gone = sorted((set(ROUTES) | set(EXEMPT)) - served)
    assert not gone, f"ROUTES or EXEMPT name routes that no longer exist: {gone}"


def _refused_through_the_view(client, target, data, token):
    # The limits on sign-in, reset and invitation posts are tested elsewhere; here each
    # generated submission must reach the form.
    limiter.reset()
    return _refused(client, target.url, data, token=token)


def _fuzz_field(client, target, token, invalid, examples):
    @settings(FORM_SETTINGS, max_examples=examples)
    @given(value=invalid.values)
    def run(value):
        data = with_value(target.valid, invalid.field, value)
        _refused_through_the_view(client, target, data, token)

    run()


def _fuzz_submissions(client, target, token, submissions):
    @FORM_SETTINGS
    @given(data=submissions)
    def run(data):
        _refused_through_the_view(client, target, data, token)

    run()


def _invalid_fields(app, route, target, objects):
    spec = FORMS[route.form]
    cls = FORM_CLASSES[route.form]
    with app.test_request_context(method="POST"):
        form = route.build(objects, cls) if route.build else spec.build(cls)
        return invalid_inputs(
            form, target.valid, rule_checked=spec.rule_checked, prefilled=route.prefilled
        )


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_form_handler_refuses_invalid_input(app, client, request, endpoint):
    route = ROUTES[endpoint]
    objects = OBJECTS[route.fixture](request.getfixturevalue(route.fixture))
    target = route.target(objects)
    if target.user is not None:
        login(client, target.user)
    invalids = _invalid_fields(app, route, target, objects)
    token = csrf_token(client, target.form_url or target.url)
    # The example budget is shared, so every (field, reason) is tried at least twice.
    examples = max(2, FORM_SETTINGS.max_examples // max(len(invalids), 1))
    for invalid in invalids:
        _fuzz_field(client, target, token, invalid, examples)
    if route.submissions is not None:
        _fuzz_submissions(client, target, token, route.submissions)
    for rule in route.rules:
        data = {**target.valid, **rule.changes}
        response = _refused_through_the_view(client, target, data, token)
        messages = refusal_messages(response)
        assert any(rule.message in m for m in messages), (rule, messages)
    # Control: the valid submission goes through.
    limiter.reset()
    response = client.post(target.url, data={"csrf_token": token, **_request_data(target.valid)})
    assert response.status_code == route.accepted, (
        endpoint,
        response.status_code,
        refusal_messages(response),
    )


# Buttons carrying a hidden value: (URL, field, the values the view acts on).
HIDDEN_BUTTONS = {
    "study_admin.change_stage": (
        lambda o: f"/studies/{o.study.slug}/stage/collecting",
        "to",
        {"collecting"},
    ),
    "surveys.move_question": (
        lambda o: f"/studies/{o.study.slug}/survey/questions/used_for_qi/move",
        "value",
        {"up", "down"},
    ),
    "surveys.send_wave": (
        lambda o: f"/studies/{o.study.slug}/survey/waves/1/send",
        "value",
        {"invitation", "reminder"},
    ),
}


@pytest.mark.parametrize("endpoint", sorted(HIDDEN_BUTTONS))
def test_hidden_button_values_write_nothing(client, world, endpoint):
    """A hand-made hidden value is answered with the page again (a message), never a write."""
    objects = _world_objects(world)
    url_for_objects, field, acted_on = HIDDEN_BUTTONS[endpoint]
    url = url_for_objects(objects)
    login(client, objects.team)
    token = csrf_token(client, "/")

    @FORM_SETTINGS
    @given(value=TEXT.filter(lambda s: s not in acted_on))
    def run(value):
        before = snapshot(with_logs=True)
        response = client.post(url, data={"csrf_token": token, field: value})
        assert response.status_code == (400 if "\x00" in value else 302), value
        assert snapshot(with_logs=True) == before, value

    run()
