"""Entering cases on the web and by CSV, submitting, second review, and the study team's
set-up pages, through the real views."""

import io
import json

from sqlalchemy import func, select

from pact_feedback.casebook.actions import audit_for, form_for
from pact_feedback.casebook.models import Case, CaseReview
from pact_feedback.extensions import db
from pact_feedback.studies.actions import study_by_slug
from tests.casebook.helpers import COMPLETE, as_post, audit_world, fill
from tests.conftest import error_messages, login, page, submit


def _cases(world, practice=None):
    audit = audit_for(world.form, practice or world.practices[0])
    return [] if audit is None else [(c.sequence, c.answers) for c in audit.cases]


def test_save_and_next_shows_progress_and_resumes_at_the_next_case(client, ctx):
    world = audit_world()
    login(client, world.participant)
    url = f"/take-part/{world.study.slug}/audit/cases/new"

    response = submit(client, url, {**as_post(COMPLETE), "then": "next"})

    assert response.status_code == 302 and response.location.endswith(url)
    form_page = page(client.get(url))
    assert form_page.select_one("h1").get_text(strip=True) == "Case 2"
    assert "1 of 50 entered" in form_page.select_one(".nhsuk-caption-l").get_text()
    submit(client, url, {**as_post(COMPLETE), "then": "list"})
    overview = page(client.get(f"/take-part/{world.study.slug}/audit"))
    assert overview.select_one("#progress").get_text(" ", strip=True).startswith("2 of 50")
    assert "Continue with case 3" in overview.get_text()
    assert [s for s, _ in _cases(world)] == [1, 2]


def test_a_case_with_errors_keeps_what_was_typed_and_says_why(client, ctx):
    world = audit_world()
    login(client, world.lead)
    url = f"/take-part/{world.study.slug}/audit/cases/new"

    response = submit(client, url, {**as_post(COMPLETE), "q_result": "", "then": "next"})

    assert response.status_code == 422
    assert "Select an answer" in error_messages(response)
    html = page(response)
    assert html.select_one("#q_reasons-symptoms").has_attr("checked")
    assert _cases(world) == []


def test_editing_works_until_the_practice_submits_then_cases_are_frozen(client, ctx):
    world = audit_world()
    fill(world, world.practices[0], [COMPLETE], submit=False)
    login(client, world.lead)
    url = f"/take-part/{world.study.slug}/audit/cases/1"

    changed = {**COMPLETE, "result": "abnormal"}
    assert submit(client, url, {**as_post(changed), "then": "list"}).status_code == 302
    assert _cases(world)[0][1]["result"] == "abnormal"

    done = submit(client, f"/take-part/{world.study.slug}/audit/submit", {}, form_url=url)
    assert done.status_code == 302
    response = client.get(url)
    assert response.status_code == 200 and page(response).select_one("main form") is None
    changed_again = submit(client, url, {**as_post(COMPLETE), "then": "list"}, form_url="/")
    assert changed_again.status_code == 200  # the read-only page, nothing saved
    new = client.get(f"/take-part/{world.study.slug}/audit/cases/new")
    assert new.status_code == 302
    assert _cases(world)[0][1]["result"] == "abnormal"


def _csv(rows):
    header = "sequence,age_band,sex,requester,reasons,tests,result,outcome,new_diagnosis,necessity"
    return "\n".join([header, *rows]) + "\n"


GOOD_ROW = (
    "{n},age_65_79,male,nurse,disease_monitoring;medication_monitoring,renal,borderline,"
    "no_change,no,necessary"
)


def _upload(client, world, text):
    url = f"/take-part/{world.study.slug}/audit/import"
    return submit(
        client,
        url,
        {"csv_file": (io.BytesIO(text.encode()), "cases.csv")},
        content_type="multipart/form-data",
    )


def test_csv_import_is_all_or_nothing_and_idempotent(client, ctx):
    world = audit_world()
    login(client, world.participant)
    bad = _csv([GOOD_ROW.format(n=1), GOOD_ROW.format(n=2).replace("borderline", "weird")])

    response = _upload(client, world, bad)

    assert response.status_code == 422
    cells = [td.get_text(strip=True) for td in page(response).select("#row-errors td")]
    assert cells == ["3", "result", "Select one of the answers shown"]
    assert _cases(world) == []

    good = _csv([GOOD_ROW.format(n=n) for n in (1, 2, 3)])
    assert _upload(client, world, good).status_code == 302
    assert _upload(client, world, good).status_code == 302
    cases = _cases(world)
    assert [s for s, _ in cases] == [1, 2, 3]
    assert cases[0][1]["reasons"] == ["disease_monitoring", "medication_monitoring"]
    messages = page(client.get(f"/take-part/{world.study.slug}/audit")).get_text(" ")
    assert "0 cases added, 0 changed, 3 unchanged" in messages


def test_csv_import_refuses_unknown_columns_and_repeated_case_numbers(client, ctx):
    world = audit_world()
    login(client, world.participant)

    unknown = _upload(client, world, "sequence,nhs_number\n1,9434765919\n")
    repeated = _upload(client, world, _csv([GOOD_ROW.format(n=1), GOOD_ROW.format(n=1)]))

    assert "Not a question code in this form: nhs_number" in page(unknown).get_text(" ")
    assert "Case 1 appears twice" in page(repeated).get_text(" ")
    assert _cases(world) == []


def test_second_review_is_blind_and_not_by_the_first_clinician(app, client, ctx):
    world = audit_world()
    answers = [{**COMPLETE, "necessity": "unnecessary"}] * 10
    fill(world, world.practices[0], answers, by=world.lead, submit=False)
    url = f"/take-part/{world.study.slug}/audit/reviews/10"

    lead = app.test_client()
    login(lead, world.lead)
    assert lead.get(url).status_code == 404  # the lead entered it
    login(client, world.participant)
    review_page = page(client.get(url))

    assert "Unnecessary" not in review_page.select_one(".nhsuk-summary-list").get_text()
    assert client.get(f"/take-part/{world.study.slug}/audit/reviews/9").status_code == 404
    response = submit(client, url, {"judgement": "necessary"})
    assert response.status_code == 302
    review = db.session.scalar(select(CaseReview))
    assert (review.judgement, review.reviewer_id) == ("necessary", world.participant.id)


def test_team_creates_a_record_audit_study_from_the_template(client, ctx):
    world = audit_world()
    login(client, world.team)
    # Only the global study team creates studies; world.team is one.
    response = submit(
        client,
        "/studies/new",
        {
            "title": "Why Test 2",
            "slug": "why-test-2",
            "round": "1",
            "pis_version": "1.0",
            "instrument": "record_audit",
        },
    )
    assert response.status_code == 302 and response.location.endswith("/studies/why-test-2/audit")
    assert form_for(study_by_slug("why-test-2")) is None

    response = submit(client, "/studies/why-test-2/audit", {})

    form = form_for(study_by_slug("why-test-2"))
    assert response.status_code == 302 and form.target_cases == 50
    assert [q["code"] for q in form.questions][:3] == ["age_band", "sex", "requester"]


def test_team_edits_the_form_as_json_and_cannot_drop_a_code_cases_use(client, ctx):
    world = audit_world()
    fill(world, world.practices[0], [COMPLETE], submit=False)
    login(client, world.team)
    url = f"/studies/{world.study.slug}/audit/form"
    exported = client.get(f"/studies/{world.study.slug}/audit/form.json").get_json()

    exported["target_cases"] = 40
    ok = submit(client, url, {"definition": json.dumps(exported)})
    assert ok.status_code == 302 and form_for(world.study).target_cases == 40

    exported["questions"] = [q for q in exported["questions"] if q["code"] != "sex"]
    refused = submit(client, url, {"definition": json.dumps(exported)})
    assert refused.status_code == 422
    assert "The question sex has answers in entered cases: keep it" in error_messages(refused)
    broken = submit(client, url, {"definition": "{not json"})
    assert any("not valid JSON" in m for m in error_messages(broken))
    assert len(form_for(world.study).questions) == 9


def test_settings_form_rejects_a_target_out_of_range(client, ctx):
    world = audit_world()
    login(client, world.team)
    response = submit(
        client,
        f"/studies/{world.study.slug}/audit",
        {"title": "T", "target_cases": "0", "review_percent": "10"},
    )
    assert response.status_code == 422
    assert "Enter a number from 1 to 1000" in error_messages(response)


def test_only_a_pseudonymous_case_number_is_stored(client, ctx):
    """The case table holds a number, coded answers and who entered it: nothing else."""
    columns = set(Case.__table__.columns.keys())
    assert columns == {
        "id",
        "audit_id",
        "sequence",
        "answers",
        "entered_by_id",
        "entered_at",
        "updated_at",
    }
    world = audit_world()
    fill(world, world.practices[0], [COMPLETE, COMPLETE])
    assert db.session.scalar(select(func.count(Case.id))) == 2


def _home(client):
    home = page(client.get("/"))
    button = home.select_one("main a.nhsuk-button")
    return home.select_one("main").get_text(" ", strip=True), button and (
        button.get_text(" ", strip=True),
        button["href"],
    )


def test_the_home_page_leads_a_record_audit_clinician_to_consent_then_the_audit(client, ctx):
    """Issue 21's journey: in a record-audit study the home page's first step is consent, then
    the practice's audit while the study collects and the audit is open; never a diary."""
    from pact_feedback.accounts.roles import PARTICIPANT
    from tests.conftest import make_user

    world = audit_world()
    slug = world.study.slug
    newcomer = make_user(role=PARTICIPANT, practice=world.practices[0], study=world.study)
    login(client, newcomer)
    text, button = _home(client)
    assert button == ("Read about the study and give your consent", f"/take-part/{slug}/consent")
    assert "Then you can enter your practice's cases" in text
    assert "diary" not in text.lower()

    client = client.application.test_client()  # the consented clinician, in another browser
    login(client, world.participant)
    text, button = _home(client)
    assert button == ("Enter your practice's cases", f"/take-part/{slug}/audit")
    assert "diary" not in text.lower()

    fill(world, world.practices[0], [COMPLETE])  # submitted: nothing left to enter
    assert _home(client)[1] is None
