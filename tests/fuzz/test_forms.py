"""Hypothesis on the HTML form handlers: generated invalid input is refused with 422 and a
message beside the field (in the page's error summary), and writes no row at all.

Forms sampled: sign-in, study creation, a diary task entry, a survey answer and a QI project.
`PACT_FORM_EXAMPLES` sets examples per form (default 30; the run stays a few seconds a form).
"""

import os
import string
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pact_feedback.accounts.roles import STUDY_TEAM
from tests.conftest import csrf_token, error_messages, login, make_user, page
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


def _refused(client, url, data, *, form_url=None):
    """POST with a valid CSRF token; assert 422, a message, an error summary and no writes."""
    before = snapshot(with_logs=True)
    token = csrf_token(client, form_url or url)
    response = client.post(url, data={"csrf_token": token, **data})
    if any("\x00" in str(value) for value in data.values()):
        # U+0000 is refused for every request before any form sees it (PostgreSQL cannot
        # store it): 400 and the error page's message.
        assert response.status_code == 400, (data, response.status_code)
        assert "There is a problem with your request" in page(response).get_text()
        assert {k: v for k, v in snapshot(with_logs=True).items() if v != before[k]} == {}
        return response
    assert response.status_code == 422, (data, response.status_code)
    messages = error_messages(response) or response.get_json(silent=True)
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
