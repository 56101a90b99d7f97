"""The uptake statistics page and CSV, on the demo's Why Test answers and on small studies."""

import csv
import gc
import io

import pytest

from pact_feedback.demo import seed
from pact_feedback.extensions import db
from pact_feedback.reports.models import Report
from pact_feedback.surveys.actions import save_response
from tests.conftest import PASSWORD, login, page, submit
from tests.surveys.helpers import collections_inside, lead_of, surveyed_study, team_member

DISCUSSED = (
    "58% of participating practices have discussed their PACT practice report in a practice "
    "meeting (with a further 39% also planning to in the future)."
)
USED = (
    "50% of participating practices then went on to use their PACT practice report for quality "
    "improvement, education, or practice learning (with a further 44% also planning to in the "
    "future)."
)


@pytest.fixture
def demo(ctx):
    seed(PASSWORD)


def _text(html, selector):
    return html.select_one(selector).get_text(" ", strip=True)


def test_demo_reproduces_published_why_test_sentences(client, demo):
    """Wave 1 of the demo gives the published sentences, with denominators beside them."""
    login(client, "study.team@pact.example")
    response = client.get("/studies/why-test/uptake?wave=1")
    assert response.status_code == 200
    html = page(response)
    sentences = [p.get_text(strip=True) for p in html.select(".pact-headline")]
    assert sentences == [DISCUSSED, USED]
    assert _text(html, "#n-sent") == "57" and _text(html, "#n-responded") == "36"
    assert _text(html, "#response-rate").startswith("63.2%")
    yes_row = html.select_one("tr[data-answer=yes]")
    assert "21 / 36" in yes_row.text and "58%" in yes_row.text
    assert "42.2% to 72.9%" in yes_row.text
    assert html.select_one(".pact-chart figcaption").get_text().startswith("Uptake, wave")
    assert html.select("table caption")


def test_demo_wave_2_shows_planning_turning_into_yes(client, demo):
    login(client, "study.team@pact.example")
    html = page(client.get("/studies/why-test/uptake?wave=2"))
    moved = int(html.select_one("td[data-from=planning][data-to=yes]").text)
    assert moved > 0
    assert html.select_one("td[data-from=yes][data-to=planning]").text.strip() == "0"
    assert "now say yes" in _text(html, ".pact-movement[data-question=discussed]")


def test_demo_csv_download(client, demo):
    login(client, "study.team@pact.example")
    response = client.get("/studies/why-test/uptake.csv?wave=1")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    row = next(r for r in rows if r["question"] == "discussed" and r["answer"] == "yes")
    assert (row["n"], row["n_responded"], row["n_sent"]) == ("21", "36", "57")
    assert (row["percent"], row["percent_shown"], row["ci_low"], row["ci_high"]) == (
        "58.3",
        "58",
        "42.2",
        "72.9",
    )
    either = next(
        r for r in rows if r["question"] == "used_for_qi" and r["answer"] == "yes_or_planning"
    )
    assert either["n"] == "34"


def test_demo_xlsx_and_dta_downloads(client, demo):
    """The spreadsheet and Stata file hold the same figures as the page."""
    import pandas as pd

    login(client, "study.team@pact.example")
    xlsx = client.get("/studies/why-test/uptake.xlsx?wave=1")
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    figures = pd.read_excel(io.BytesIO(xlsx.data), sheet_name="uptake")
    row = figures[(figures.question == "discussed") & (figures.answer == "planning")].iloc[0]
    assert (row["n"], row["n_responded"], row["percent_shown"]) == (14, 36, 39)
    dta = client.get("/studies/why-test/uptake.dta?wave=1")
    data = pd.read_stata(io.BytesIO(dta.data))
    row = data[(data.question == "used_for_qi") & (data.answer == "yes")].iloc[0]
    assert (row["n"], row["percent_shown"], row["n_sent"]) == (18, 50, 57)


def test_demo_survey_page_shows_waves_and_send_log(client, demo):
    login(client, "study.team@pact.example")
    html = page(client.get("/studies/why-test/survey"))
    answered = [tr.select("td")[3].text for tr in html.select("tr[data-wave]")]
    assert answered == ["36 of 57", "30 of 57", "0 of 57"]
    assert html.select_one("tr[data-wave='3'] button").text.startswith("Send invitations")
    log = html.select("table")[-1].select("tbody tr")
    assert len(log) == 12 and "lead.1@practice.example" in html.select("table")[-1].text


def test_demo_lead_can_answer_the_open_wave(client, demo):
    login(client, "lead.1@practice.example")
    listing = page(client.get("/practices/A81001/surveys"))
    assert "Answer the survey" in listing.text
    assert "See what was sent" in listing.text


def test_n_sent_counts_reports_released_in_app_and_drafts_do_not_count(app, client):
    """A practice released in the app counts as sent; one with nothing released does not;
    a draft response is not counted as answered."""
    study, survey, (sent_elsewhere, in_app, not_sent) = surveyed_study(3, sent=False)
    enrolments = {e.practice_id: e for e in study.enrolments}
    enrolments[sent_elsewhere.id].report_sent_on = enrolments[sent_elsewhere.id].enrolled_at.date()
    db.session.add(
        Report(
            study=study,
            kind="practice",
            practice=in_app,
            status="released",
            payload={},
            method_version="t",
            released_at=enrolments[in_app.id].enrolled_at,
        )
    )
    db.session.commit()
    wave = survey.waves[0]
    save_response(
        wave,
        sent_elsewhere,
        {"discussed": "yes", "used_for_qi": "no"},
        by=lead_of(sent_elsewhere),
        submit=True,
    )
    save_response(wave, in_app, {"discussed": "planning"}, by=lead_of(in_app), submit=False)
    login(client, team_member(study))
    html = page(client.get(f"/studies/{study.slug}/uptake"))
    assert _text(html, "#n-sent") == "2" and _text(html, "#n-responded") == "1"
    assert "100% of participating practices have discussed" in html.text


def test_stats_for_another_study_are_refused(client):
    """A study-team member for one study cannot read another study's statistics."""
    study, *_ = surveyed_study(1)
    other, *_ = surveyed_study(1)
    login(client, team_member(study))
    assert client.get(f"/studies/{study.slug}/uptake").status_code == 200
    assert client.get(f"/studies/{other.slug}/uptake").status_code == 403
    assert client.get(f"/studies/{study.slug}/uptake?wave=9").status_code == 404


def test_answers_by_practice_show_report_views_and_downloads(client):
    from pact_feedback.reports.models import ReportAccess

    study, survey, (viewed, other) = surveyed_study(2)
    report = Report(
        study=study,
        kind="practice",
        practice=viewed,
        status="released",
        payload={},
        method_version="t",
        released_at=study.created_at,
    )
    db.session.add(report)
    db.session.flush()
    db.session.add_all(
        [ReportAccess(report_id=report.id, action=a) for a in ("view", "view", "download")]
    )
    db.session.commit()
    save_response(
        survey.waves[0],
        viewed,
        {"discussed": "planning", "used_for_qi": "yes"},
        by=lead_of(viewed),
        submit=True,
    )
    login(client, team_member(study))
    html = page(client.get(f"/studies/{study.slug}/uptake/practices?wave=1"))
    cells = [td.text for td in html.select(f"tr[data-ods={viewed.ods_code}] td")]
    assert cells == ["2", "1", "Not yet, but planning to", "Yes"]
    assert [td.text for td in html.select(f"tr[data-ods={other.ods_code}] td")] == [
        "0",
        "0",
        "Not answered",
        "Not answered",
    ]


def test_stats_page_before_any_report_is_sent(client):
    """No denominators yet: the page says so rather than failing or dividing by zero."""
    study, survey, practices = surveyed_study(2, sent=False)
    login(client, team_member(study))
    response = client.get(f"/studies/{study.slug}/uptake")
    assert response.status_code == 200
    html = page(response)
    assert _text(html, "#n-sent") == "0" and "No reports sent yet" in html.text
    assert html.select(".pact-headline") == []


def test_closed_study_accepts_no_more_answers(client):
    study, survey, (practice, _) = surveyed_study()
    study.status = "closed"
    db.session.commit()
    login(client, lead_of(practice))
    url = f"/practices/{practice.ods_code}/surveys/{study.slug}/waves/1"
    assert "closed" in page(client.get(url)).select_one(".nhsuk-inset-text").text
    assert submit(client, url, {"q_discussed": "yes"}, form_url="/").status_code == 409


def test_the_statistics_page_reads_the_survey_questions_once(client, ctx):
    """The view's audit row is committed before the figures are worked out: committed after
    them, it expired the survey's questions and the page read each again while rendering."""
    from sqlalchemy import event

    study, _, _ = surveyed_study(2)
    login(client, team_member())
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        assert client.get(f"/studies/{study.slug}/uptake?wave=1").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert sum("FROM survey_questions" in s for s in statements) == 1


def test_the_page_reads_the_tables_as_to_dict_gives_them():
    """The template reads plain rows built a column at a time: exactly `to_dict("index")`,
    withheld groups (empty counts) and a question nobody answered (no percentages) included."""
    import math

    import pandas as pd

    from pact_feedback.surveys.stats import plain_rows
    from pact_feedback.tabulation.breakdowns import breakdown
    from pact_feedback.tabulation.tables import choice_table

    choices = [("yes", "Yes"), ("planning", "Planning"), ("no", "No")]
    answers = ["yes", "no", "yes", "planning", "yes", "no", "no", "yes"]
    frame = pd.DataFrame({"nation": list("AAAABBBC"), "discussed": answers})
    tables = [
        breakdown(frame, "nation", "discussed", choices),
        choice_table(frame["discussed"], choices),
        choice_table(pd.Series([None, None], dtype=object), choices),
    ]
    assert tables[0]["withheld"].any() and tables[2]["percent"].isna().all()

    def same(value):  # NaN is not equal to itself
        return "nan" if isinstance(value, float) and math.isnan(value) else (type(value), value)

    for table in tables:
        rows, expected = plain_rows(table), table.to_dict("index")
        assert list(rows) == list(expected)
        for key, row in expected.items():
            assert list(rows[key]) == list(row)
            assert [same(v) for v in rows[key].values()] == [same(v) for v in row.values()]


def test_the_page_is_rendered_without_cycle_collections(client, ctx):
    """The figures' frames and rows stay alive while the page is rendered, in no cycle: the
    collector is paused meanwhile, as while they are worked out, and runs again afterwards."""
    study, _, _ = surveyed_study(3)
    login(client, team_member())

    def page():
        assert client.get(f"/studies/{study.slug}/uptake?wave=1").status_code == 200

    inside, outside = collections_inside("render_template", page)
    assert not inside
    assert gc.isenabled() and outside
