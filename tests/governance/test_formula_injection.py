"""CSV injection (OWASP): text that a spreadsheet would run as a formula leaves every CSV and
XLSX the app writes as inert text."""

import csv
import io
import zipfile

import openpyxl
import pandas as pd

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.audit.log import record
from pact_feedback.diary.models import TaskEntry
from pact_feedback.extensions import db
from pact_feedback.governance.export import ExportOptions, build_export
from pact_feedback.surveys.actions import save_response
from pact_feedback.surveys.models import SurveyResponseVersion
from pact_feedback.tabulation.exports import FORMULA_STARTS, csv_bytes, neutralise, xlsx_bytes
from tests.conftest import login, make_user
from tests.governance.test_export import _study_with_data
from tests.surveys.helpers import lead_of, surveyed_study, team_member

HOSTILE = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _no_formula_in_csv(data: bytes) -> None:
    """Only a plain number may start with a sign; no text cell starts a formula."""
    for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        for cell in row:
            assert _is_number(cell) or not cell.startswith(FORMULA_STARTS), f"live {cell!r}"


def _no_formula_in_xlsx(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def test_writer_neutralises_every_dangerous_start_and_keeps_numbers():
    """The shared writer prefixes text cells with ' in CSV and types XLSX cells as strings;
    numbers, even negative ones, stay numbers."""
    frame = pd.DataFrame({"text": HOSTILE, "number": [-1, 2, -3.5, 4, 5, 6]})
    _no_formula_in_csv(csv_bytes(frame))
    back = pd.read_csv(io.BytesIO(csv_bytes(frame)))
    assert back["number"].tolist() == [-1, 2, -3.5, 4, 5, 6]
    texts = _no_formula_in_xlsx(xlsx_bytes({"sheet": frame}))
    assert HOSTILE[0] in texts  # kept as the text typed, not run
    assert neutralise("=1") == "'=1" and neutralise("plain") == "plain" and neutralise(-1) == -1


def test_study_export_has_no_formula_in_any_csv_or_xlsx(ctx):
    """A free-text survey answer and a diary note that look like formulas stay text."""
    study, _, _ = _study_with_data()
    version = db.session.scalars(db.select(SurveyResponseVersion)).one()
    version.answers = {**version.answers, "change": HOSTILE[0]}
    for entry, text in zip(db.session.scalars(db.select(TaskEntry)), HOSTILE, strict=False):
        entry.note = text
    db.session.commit()
    data = build_export(study, ExportOptions(include_notes=True, spreadsheets=True)).data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    for name, body in files.items():
        if name.endswith(".csv"):
            _no_formula_in_csv(body)
    texts = _no_formula_in_xlsx(files["analysis.xlsx"])
    assert HOSTILE[0] in texts


def test_uptake_downloads_have_no_formula(client):
    """A choice label the study team typed as a formula stays text in the CSV and XLSX."""
    study, survey, practices = surveyed_study(3)
    question = next(q for q in survey.questions if q.code == "discussed")
    question.choices[0].label = HOSTILE[0]
    db.session.commit()
    for practice in practices:
        save_response(
            survey.waves[0], practice, {"discussed": "yes"}, by=lead_of(practice), submit=True
        )
    login(client, team_member(study))
    _no_formula_in_csv(client.get(f"/studies/{study.slug}/uptake.csv?wave=1").data)
    texts = _no_formula_in_xlsx(client.get(f"/studies/{study.slug}/uptake.xlsx?wave=1").data)
    assert HOSTILE[0] in texts


def test_audit_csv_has_no_formula(client):
    """An audit subject typed at the sign-in form (any email-like text) stays text."""
    team = make_user(role=STUDY_TEAM)
    for text in HOSTILE:
        record("sign_in_failed", subject=text)
    db.session.commit()
    login(client, team)
    response = client.get("/audit/export.csv")
    assert response.status_code == 200
    _no_formula_in_csv(response.data)
    assert "'=HYPERLINK" in response.data.decode()
