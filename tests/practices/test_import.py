"""Importing practice demographics: every row checked, nothing imported if any row is bad."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.extensions import db
from pact_feedback.practices.importing import parse_practices
from pact_feedback.practices.models import Practice
from tests.conftest import login, make_user, page, submit

HEADER = (
    "ods_code,name,nation,region,list_size,pct_65_plus,imd_score,imd_decile,pct_rural,data_date"
)
GOOD = [
    "A81001,Riverside Surgery,England,North East and Yorkshire,9120,18.2,31.5,3,4.0,2026-04-01",
    "S81002,Harbour Medical Centre,Scotland,NHS Lothian,6400,21.0,12.2,8,35.5,2026-04-01",
]


def _csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def test_parse_accepts_good_rows_and_normalises_codes():
    result = parse_practices(_csv(GOOD[0].replace("A81001", "a81001"), GOOD[1]))
    assert result.ok
    assert [r["ods_code"] for r in result.rows] == ["A81001", "S81002"]
    assert result.rows[0]["list_size"] == 9120


def test_parse_reports_every_problem_with_line_and_column():
    bad = "X1,,Atlantis,South,-5,120,abc,11,10,01/04/2026"
    result = parse_practices(_csv(GOOD[0], bad, GOOD[0]))
    problems = {(e.line, e.column) for e in result.errors}
    assert {
        (3, "ods_code"),
        (3, "name"),
        (3, "nation"),
        (3, "list_size"),
        (3, "pct_65_plus"),
        (3, "imd_score"),
        (3, "imd_decile"),
        (3, "data_date"),
        (4, "ods_code"),  # duplicate of line 2
    } <= problems
    assert not result.ok


def test_parse_reports_missing_columns_once():
    result = parse_practices("ods_code,name\nA81001,Riverside\n")
    assert len(result.errors) == 1
    assert "Missing column(s)" in result.errors[0].message


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text):
    """Whatever is uploaded, the parser answers with rows or row errors, never an exception."""
    result = parse_practices(text)
    assert result.ok or result.errors


def _upload(client, text: bytes):
    return submit(
        client,
        "/practices/import",
        {"csv_file": (io.BytesIO(text), "practices.csv")},
        content_type="multipart/form-data",
    )


def test_import_then_reimport_updates_by_ods_code(client):
    login(client, make_user(role=STUDY_TEAM))
    assert _upload(client, _csv(*GOOD).encode()).status_code == 302
    changed = GOOD[0].replace("9120", "9500")
    response = _upload(client, _csv(changed).encode())
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 2
    assert db.session.scalar(select(Practice.list_size).filter_by(ods_code="A81001")) == 9500


def test_import_with_one_bad_row_imports_nothing_and_lists_the_row(client):
    login(client, make_user(role=STUDY_TEAM))
    bad = GOOD[1].replace("Scotland", "Narnia")
    response = _upload(client, _csv(GOOD[0], bad).encode())
    assert response.status_code == 422
    cells = [td.get_text(strip=True) for td in page(response).select("#row-errors td")]
    assert "3" in cells and "nation" in cells
    assert any("Narnia" in c for c in cells)
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 0


def test_import_refuses_a_file_that_is_not_text(client):
    login(client, make_user(role=STUDY_TEAM))
    response = _upload(client, b"ods_code\n\x81\x8d\xff")  # undefined in Windows-1252 too
    assert response.status_code == 422
    assert "Save it as CSV UTF-8" in response.get_data(as_text=True)


def test_import_without_a_file_says_so(client):
    login(client, make_user(role=STUDY_TEAM))
    response = submit(client, "/practices/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a CSV file to import" in response.get_data(as_text=True)
