"""Every file import (practices, enrolment, survey responses, survey definitions; web and command
line) reads files through one function, core.inputs.read_text_file: UTF-8 with or without a
BOM, UTF-16 with a BOM (Excel's "Unicode text"), Windows-1252 and Latin-1 (Excel's "CSV" on
Windows) are read; anything else is refused with one sentence naming what was found, never a
UnicodeDecodeError traceback or a bare 400."""

import codecs
import io
import json

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.core.inputs import UnreadableInput, read_text_file
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.studies.models import Enrolment
from pact_feedback.surveys import queries
from pact_feedback.surveys.models import SurveyResponse
from tests.conftest import login, make_practice, make_study, make_user, page, submit
from tests.practices.test_import import GOOD, HEADER, _upload
from tests.surveys.helpers import surveyed_study, team_member

NAME = "Ysgol Feddygol Caerdydd – Mênai Bridge"  # an en dash (cp1252 0x96) and a circumflex
PRACTICES = f"{HEADER}\r\n{GOOD[0].replace('Riverside Surgery', NAME)}\r\n"

ENCODED = {
    "UTF-8": PRACTICES.encode("utf-8"),
    "UTF-8 with BOM": PRACTICES.encode("utf-8-sig"),
    "UTF-16 LE with BOM": PRACTICES.encode("utf-16"),
    "UTF-16 BE with BOM": codecs.BOM_UTF16_BE + PRACTICES.encode("utf-16-be"),
    "Windows-1252": PRACTICES.encode("cp1252"),
}
UNREADABLE = {
    "UTF-16 without BOM": (PRACTICES.encode("utf-16-le"), "UTF-16 text without a byte order mark"),
    "broken UTF-16": (codecs.BOM_UTF16_LE + b"o\x00d\x00\x00\xd8", "not valid UTF-16"),
    "binary": (b"PK\x03\x04\x81\x8d\x90 spreadsheet", "not UTF-8 or Windows-1252"),
    "NUL in UTF-8": (b"ods_code\nA8\x001001\n", "NUL character"),
}


@pytest.mark.parametrize("encoding", ENCODED)
def test_readable_encodings_give_the_same_text(encoding):
    assert read_text_file(ENCODED[encoding]).replace("\r\n", "\n") == PRACTICES.replace(
        "\r\n", "\n"
    )


def test_latin1_text_reads_as_windows_1252():
    assert read_text_file("Mênai Brïdge".encode("latin-1")) == "Mênai Brïdge"


@pytest.mark.parametrize("case", UNREADABLE)
def test_unreadable_files_are_refused_in_one_sentence(case):
    raw, says = UNREADABLE[case]
    with pytest.raises(UnreadableInput, match=says) as refusal:
        read_text_file(raw, what="practices.csv")
    assert str(refusal.value).startswith("practices.csv ")
    assert "Save it as CSV UTF-8" in str(refusal.value) or "NUL" in str(refusal.value)


@pytest.mark.parametrize("encoding", ["UTF-16 LE with BOM", "Windows-1252"])
def test_web_practice_import_reads_utf16_and_windows_1252(client, encoding):
    login(client, make_user(role=STUDY_TEAM))
    response = _upload(client, ENCODED[encoding])
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:600]
    assert db.session.scalar(select(Practice.name)) == NAME


def test_web_import_of_an_unreadable_file_says_why_next_to_the_field(client):
    """UTF-16 without a BOM is full of NUL bytes: the message is the reader's, on the field,
    not the generic 'problem with your request' the NUL-byte guard used to give."""
    login(client, make_user(role=STUDY_TEAM))
    response = _upload(client, UNREADABLE["UTF-16 without BOM"][0])
    assert response.status_code == 422
    message = page(response).select_one("#csv_file-error").get_text(" ", strip=True)
    assert "looks like UTF-16 text without a byte order mark" in message
    assert db.session.scalar(select(func.count()).select_from(Practice)) == 0


def test_web_enrolment_reads_a_utf16_file(client):
    practice = make_practice(ods_code="A11111")
    study = make_study()
    login(client, make_user(role=STUDY_TEAM))
    csv = "ods_code,report_sent_on\r\nA11111,2026-01-15\r\n".encode("utf-16")
    response = submit(
        client,
        f"/studies/{study.slug}/enrol",
        {"csv_file": (io.BytesIO(csv), "enrol.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:600]
    assert db.session.scalar(select(Enrolment.practice_id)) == practice.id


def test_web_survey_responses_and_definitions_read_utf16_and_cp1252(client):
    study, survey, practices = surveyed_study(1)
    login(client, team_member(study))
    text = f"ods_code,wave,discussed,used_for_qi\n{practices[0].ods_code},1,yes,no\n"
    response = submit(
        client,
        f"/studies/{study.slug}/survey/responses/import",
        {"csv_file": (io.BytesIO(text.encode("utf-16")), "responses.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:600]
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1

    exported = json.loads(client.get(f"/studies/{study.slug}/survey/export.json").data)
    exported["questions"][0]["text"] = "Has the practice discussed it – in a meeting?"
    url = f"/studies/{study.slug}/survey/import"
    body = json.dumps(exported, ensure_ascii=False).encode("cp1252")
    response = submit(
        client, url, {"json_file": (io.BytesIO(body), "s.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 302, page(response).get_text(" ", strip=True)[:600]
    assert queries.survey_for(study).questions[0].text.endswith("it – in a meeting?")
    deep = b'{"questions": ' + b"[" * 200 + b"]" * 200 + b"}"
    response = submit(
        client, url, {"json_file": (io.BytesIO(deep), "s.json")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "32 levels" in page(response).get_text()


@pytest.mark.parametrize("encoding", ["UTF-16 LE with BOM", "Windows-1252", "UTF-8 with BOM"])
def test_cli_practice_import_reads_every_named_encoding(app, ctx, tmp_path, encoding):
    path = tmp_path / "practices.csv"
    path.write_bytes(ENCODED[encoding])
    result = app.test_cli_runner().invoke(args=["import-practices", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Practice.name)) == NAME


@pytest.mark.parametrize(
    "args",
    [
        ["import-practices"],
        ["studies", "enrol", "some-study"],
        ["surveys", "import-responses", "x"],
    ],
)
def test_cli_imports_refuse_an_unreadable_file_in_one_line(app, ctx, tmp_path, args):
    path = tmp_path / "data.csv"
    path.write_bytes(UNREADABLE["UTF-16 without BOM"][0])
    result = app.test_cli_runner().invoke(args=[*args, str(path)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert "data.csv looks like UTF-16 text without a byte order mark" in result.output
