"""Imports a study team will meet (issue 19, point 8; file encodings are issue 17's)."""

from sqlalchemy import select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.audit.log import record
from pact_feedback.extensions import db
from pact_feedback.practices.importing import parse_enrolments, parse_practices
from pact_feedback.surveys.importing import parse_responses
from pact_feedback.surveys.models import SurveyQuestion
from tests.conftest import login, make_practice, make_study, make_user, page, submit
from tests.surveys.helpers import surveyed_study


def test_semicolon_file_gets_a_separator_hint(ctx):
    result = parse_practices("ods_code;name;nation\nA81001;Alpha;England\n")
    message = result.errors[0].message
    assert "semicolons" in message and "CSV (Comma delimited)" in message
    assert "semicolons" in parse_enrolments("ods_code;report_sent_on\nA1;\n").errors[0].message


def test_choice_codes_match_case_insensitively_and_refusals_list_codes(ctx):
    study, survey, practices = surveyed_study(2)
    header = "ods_code,wave,discussed,used_for_qi"
    text = f"{header}\n{practices[0].ods_code},1,Yes,Planning\n"
    ok = parse_responses(text, survey)
    assert ok.errors == [] and ok.rows[0]["answers"]["used_for_qi"] == "planning"
    bad = parse_responses(f"{header}\n{practices[0].ods_code},1,yes,maybe\n", survey)
    assert "Allowed codes: yes, planning, no" in bad.errors[0].message


def test_labels_match_when_unambiguous(ctx):
    study, survey, practices = surveyed_study(1)
    question = db.session.scalar(select(SurveyQuestion).filter_by(code="discussed"))
    label = question.choices[0].label.upper()
    ok = parse_responses(
        f"ods_code,wave,discussed,used_for_qi\n{practices[0].ods_code},1,{label},no\n", survey
    )
    assert ok.errors == [] and ok.rows[0]["answers"]["discussed"] == question.choices[0].code


def test_pasted_codes_are_reported_by_item_number(client):
    make_practice(ods_code="A11111")
    study = make_study()
    login(client, make_user(role=STUDY_TEAM))
    codes = "A11111 A11111 ZZZ999"
    response = submit(client, f"/studies/{study.slug}/enrol", {"ods_codes": codes})
    rows = page(response).select("#row-errors tbody tr")
    cells = [[td.get_text(" ", strip=True) for td in r.select("td")] for r in rows]
    assert page(response).select_one("#row-errors th").get_text(strip=True) == "Item"
    assert ["3", "ods_code", "No practice with ODS code ZZZ999; import it first"] in cells


def test_audit_page_names_studies_and_explains_exports(client):
    study = make_study(title="Why Test")
    team = make_user(role=STUDY_TEAM)
    record("analysis_export_downloaded", by=team, obj=study, tables=["diary_days"], rows=12)
    db.session.commit()
    login(client, team)
    text = page(client.get("/audit/")).get_text(" ", strip=True)
    assert "Study 1" not in text or "Why Test" in text
    assert "Why Test" in text
