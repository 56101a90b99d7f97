"""Script payloads in every free-text field come out as text: escaped in every HTML page (as
every role), verbatim in plain-text emails (never HTML-escaped, never in a header), and as
literal text in the PDFs (WeasyPrint would drop a real <script> element, so the text proves it
was escaped before rendering).

The hostile world is the access matrix's world with every free-text column of every table
overwritten: a payload naming its own column, so a page that shows a column unescaped names it.
"""

import re

import pytest
from sqlalchemy import String, Text, select, update

from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.extensions import db
from pact_feedback.practices.models import Practice
from pact_feedback.surveys.actions import save_response
from pact_feedback.surveys.models import SurveyResponseVersion, SurveyWave
from tests.access_rows import ROLES
from tests.conftest import login
from tests.pdftext import pdf_text
from tests.security._world import routes, url

# Columns that are not free text although they are long strings: addresses, secrets, keys.
NOT_FREE_TEXT = {
    "email",
    "password_hash",
    "token_hash",
    "slug",
    "subject",
    "ip_address",
    "client_id",
    "body_hash",
    "prefix",
    "method_version",
}
SKIP_TABLES = {"audit_events", "alembic_version"}  # the audit log refuses updates, by design
# Free text the issue names; each must be shown (escaped) somewhere, or the test proves nothing.
MUST_BE_SHOWN = {
    "users.name",
    "practices.name",
    "studies.title",
    "studies.description",
    "diary_entries.note",
    "survey.change",
    "qi_projects.title",
    "qi_projects.aim_what",
    "qi_projects.change_ideas",
    "qi_measures.name",
    "qi_pdsa_cycles.objective",
    "reports.reissue_reason",
    "survey_questions.text",
    "diary_categories.label",
    "api_tokens.name",
}
UNSAFE = re.compile(r"<script>alert\(|<img src=x")
SEEN = re.compile(r"&lt;script&gt;alert\((?:&#34;|&quot;|&#x22;)([\w.]+)")


def payload(tag: str) -> str:
    return f'"><script>alert("{tag}")</script>'


def _free_text_columns():
    for table in db.metadata.sorted_tables:
        if table.name in SKIP_TABLES:
            continue
        for column in table.columns:
            long_string = isinstance(column.type, String) and (column.type.length or 1000) >= 100
            if (isinstance(column.type, Text) or long_string) and column.name not in NOT_FREE_TEXT:
                yield table, column


@pytest.fixture
def hostile(world):
    users, values = world
    filled = set()
    for table, column in _free_text_columns():
        tag = f"{table.name}.{column.name}"
        db.session.execute(update(table).values({column.name: payload(tag)}))
        filled.add(tag)
    # The lead's own practice saves a draft with free text (the other practice has answered).
    wave = db.session.scalar(select(SurveyWave).order_by(SurveyWave.id))
    practice = db.session.scalar(select(Practice).filter_by(ods_code=values["ods_code"]))
    answers = {"discussed": "yes", "used_for_qi": "yes", "change": payload("survey.change")}
    # Waves take answers only at the uptake-survey stage (tests/access_rows/surveys.py keeps the
    # shared study recruiting for the other rows), so the draft is saved at that stage.
    study = wave.survey.study
    stage, study.status = study.status, "survey_open"
    save_response(wave, practice, answers, by=users["lead"], submit=False)
    study.status = stage
    for version in db.session.scalars(select(SurveyResponseVersion)):
        version.answers = {**version.answers, **answers}
    db.session.commit()
    assert {"users.name", "studies.title", "diary_entries.note", "reports.reissue_reason"} <= filled
    return users, values, filled


def _html(response) -> str | None:
    if response.mimetype != "text/html":
        return None
    return response.get_data(as_text=True)


def test_every_page_escapes_every_free_text_field_for_every_role(app, client, hostile):
    users, values, filled = hostile
    unsafe, seen = {}, set()
    for role in ROLES:
        if role != "anonymous":
            client.delete_cookie("pact_session")
            login(client, users[role])
        for endpoint, _method in routes(app, {"GET"}):
            html = _html(client.get(url(app, endpoint, values)))
            if html is None:
                continue
            if UNSAFE.search(html):
                unsafe[f"{endpoint} as {role}"] = UNSAFE.search(html).group(0)
            seen.update(SEEN.findall(html))
    assert unsafe == {}
    assert MUST_BE_SHOWN - seen == set(), "these fields were never shown, so never tested"


def test_pdfs_show_the_payload_as_text(app, client, hostile):
    users, values, _ = hostile
    login(client, users["lead"])
    qi = client.get(url(app, "qi.export_pdf", values))
    assert qi.mimetype == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(qi.data))
    for tag in ("qi_projects.title", "qi_projects.aim_what", "qi_measures.name"):
        assert re.sub(r"\s+", "", payload(tag)) in text, tag
    report = client.get(url(app, "reports.download", values))
    assert report.mimetype == "application/pdf"
    text = re.sub(r"\s+", "", pdf_text(report.data))
    assert re.sub(r"\s+", "", payload("studies.title")) in text


def test_plain_text_emails_carry_the_payload_verbatim(app, client, hostile, outbox):
    users, values, _ = hostile
    from pact_feedback.studies.models import Study

    study = db.session.scalar(select(Study).filter_by(slug=values["slug"]))
    practice = db.session.scalar(select(Practice).filter_by(ods_code=values["ods_code"]))
    invite(
        email="new.lead@example.org",
        role=PRACTICE_LEAD,
        by=users["team"],
        name=payload("invitee"),
        practice=practice,
        study=study,
    )
    (message,) = outbox
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])
    body = message.body
    for tag in ("invitee", "practices.name", "studies.title"):
        assert payload(tag) in body, tag
    assert "&lt;" not in body and "&#34;" not in body
