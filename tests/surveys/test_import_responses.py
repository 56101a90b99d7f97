"""Responses gathered elsewhere: the CSV import reproduces Why Test's published figures, rejects
a file with any bad row, and changes nothing the second time."""

import io

from sqlalchemy import func, select

from pact_feedback.extensions import db
from pact_feedback.surveys.figures import compute_uptake
from pact_feedback.surveys.models import SurveyResponseVersion
from tests.conftest import login, page, submit
from tests.surveys.helpers import surveyed_study, team_member

DISCUSSED = ["yes"] * 21 + ["planning"] * 14 + ["no"]
USED = ["yes"] * 18 + ["planning"] * 16 + ["no"] * 2


def _published_csv(practices) -> str:
    lines = ["ods_code,wave,discussed,used_for_qi,seen_by,useful,change_by"]
    for i, practice in enumerate(practices):
        lines.append(
            f"{practice.ods_code},1,{DISCUSSED[i]},{USED[i]},gp_partners;pcn,4,"
            + ("2027-03-31" if USED[i] != "no" else "")
        )
    return "\n".join(lines) + "\n"


def _upload(client, study, text):
    return submit(
        client,
        f"/studies/{study.slug}/survey/responses/import",
        {"csv_file": (io.BytesIO(text.encode()), "responses.csv")},
        content_type="multipart/form-data",
    )


def test_import_reproduces_published_figures_and_is_idempotent(client):
    """36 imported rows give 58/39 and 50/44; importing again adds no version."""
    study, survey, practices = surveyed_study(40)
    login(client, team_member(study))
    text = _published_csv(practices[:36])
    response = _upload(client, study, text)
    assert response.status_code == 302
    result = compute_uptake(study, survey, 1)
    assert result.summary["n_sent"] == 40 and result.summary["n_responded"] == 36
    assert result.headlines["discussed"].startswith("58% of participating practices have")
    assert "(with a further 39% also planning" in result.headlines["discussed"]
    assert result.headlines["used_for_qi"].startswith("50% of participating practices then")
    assert "(with a further 44% also planning" in result.headlines["used_for_qi"]
    table = result.tables["used_for_qi"]
    assert table["n"].tolist() == [18, 16, 2, 34]
    versions = db.session.scalar(select(func.count()).select_from(SurveyResponseVersion))
    again = _upload(client, study, text)
    assert again.status_code == 302
    assert (
        "Imported 0 new response(s), changed 0, 36 unchanged"
        in page(client.get(f"/studies/{study.slug}/survey")).text
    )
    assert db.session.scalar(select(func.count()).select_from(SurveyResponseVersion)) == versions


def test_bad_rows_are_listed_and_nothing_is_imported(client):
    study, survey, practices = surveyed_study(3)
    login(client, team_member(study))
    text = (
        "ods_code,wave,discussed,used_for_qi,seen_by,change_by\n"
        f"{practices[0].ods_code},1,yes,no,,\n"  # good
        f"{practices[1].ods_code},1,maybe,yes,pcn;nobody,2027-02-30\n"
        f"{practices[1].ods_code},1,yes,no,,\n"  # twice for wave 1
        "ZZZ999,4,yes,no,,\n"
        f"{practices[2].ods_code},1,,no,,\n"  # a required answer missing
    )
    response = _upload(client, study, text)
    assert response.status_code == 422
    problems = [
        tuple(td.get_text(strip=True) for td in tr.select("td"))
        for tr in page(response).select("#row-errors tbody tr")
    ]
    single = ". Allowed codes: yes, planning, no"
    seen_by = (
        ". Allowed codes (several joined with ;): only_me, gp_partners, clinical_team, "
        "whole_practice, pcn, other"
    )
    assert problems == [
        ("3", "discussed", "Select one of the answers shown" + single),
        ("3", "seen_by", "Select from the answers shown" + seen_by),
        ("3", "change_by", "Enter a real date, for example 31 3 2027"),
        ("4", "ods_code", f"{practices[1].ods_code} appears twice for wave 1"),
        ("5", "ods_code", "ZZZ999 is not a practice sent a report"),
        ("5", "wave", "There is no wave '4'"),
        ("6", "discussed", "Select an answer" + single),
    ]
    assert db.session.scalar(select(func.count()).select_from(SurveyResponseVersion)) == 0


def test_unknown_column_is_refused(client):
    study, survey, practices = surveyed_study(1)
    login(client, team_member(study))
    response = _upload(
        client, study, f"ods_code,wave,discussed,colour\n{practices[0].ods_code},1,yes,red\n"
    )
    assert response.status_code == 422
    assert "Not a question code in this survey: colour" in page(response).text


def test_cli_import(app, ctx, tmp_path):
    study, survey, practices = surveyed_study(2)
    path = tmp_path / "answers.csv"
    path.write_text(_published_csv(practices))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "import-responses", study.slug, str(path)])
    assert "Imported 2 new response(s), changed 0, 0 unchanged." in result.output
    path.write_text("ods_code,wave,discussed\nNOPE1,1,yes\n")
    bad = runner.invoke(args=["surveys", "import-responses", study.slug, str(path)])
    assert bad.exit_code == 1
    assert "NOPE1 is not a practice sent a report" in bad.output
