"""Paper-ready uptake outputs (issue 19, point 6): the CLI, the API and the downloads carry the
page's content — headline rows with response rate and sentence, every question, breakdowns with
the page's suppression, wave-to-wave movement; bands in their order; IMD within nation."""

import io
import json

import pandas as pd

from pact_feedback.surveys.actions import save_response
from pact_feedback.tabulation.breakdowns import BREAKDOWNS, add_groups, breakdown
from tests.conftest import login
from tests.surveys.helpers import close_wave, lead_of, open_wave, surveyed_study, team_member

CHOICES = [("yes", "Yes"), ("planning", "Planning"), ("no", "No")]


def test_list_size_bands_sort_by_their_order_not_their_text():
    frame = add_groups(
        pd.DataFrame(
            {
                "list_size": [12000, 12000, 12000, 3000, 3000, 3000, 7000, 7000, 7000],
                "imd_decile": [1] * 9,
                "discussed": ["yes"] * 9,
            }
        )
    )
    table = breakdown(frame, "list_size_band", "discussed", CHOICES)
    assert list(table.index) == ["Under 5,000", "5,000 to 9,999", "10,000 to 14,999"]


def test_imd_quintile_is_labelled_within_nation():
    assert "within each nation" in BREAKDOWNS["imd_quintile"]


def _answered_twice(n=4):
    study, survey, practices = surveyed_study(n, list_size=3000)
    first, second = survey.waves
    for practice in practices:
        save_response(
            first,
            practice,
            {"discussed": "planning", "used_for_qi": "no", "useful": 4},
            by=lead_of(practice),
            submit=True,
        )
    close_wave(first)
    open_wave(second)
    from pact_feedback.extensions import db

    db.session.commit()
    for practice in practices[:3]:
        save_response(
            second,
            practice,
            {"discussed": "yes", "used_for_qi": "planning", "useful": 5},
            by=None,
            submit=True,
        )
    return study, survey, practices


def test_cli_stats_carries_headline_questions_breakdowns_and_movement(app, ctx):
    study, _, _ = _answered_twice()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["surveys", "stats", study.slug, "--wave", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["response_rate"] == 75.0
    assert data["headlines"]["discussed"].startswith("100% of participating practices")
    assert "useful" in data["questions"]  # every question, not only the two headline ones
    by_nation = data["breakdowns"]["discussed"]["nation"]
    assert by_nation["England"]["n_responded"] == 3
    assert data["movement"]["discussed"]["from_wave"] == 1
    assert data["movement"]["discussed"]["counts"]["planning"]["yes"] == 3
    csv = runner.invoke(args=["surveys", "stats", study.slug, "--wave", "2", "--format", "csv"])
    frame = pd.read_csv(io.StringIO(csv.output))
    assert set(frame["table"]) >= {"headline", "answers", "breakdown", "movement"}
    headline = frame[frame["table"] == "headline"].set_index("question")
    assert headline.loc["discussed", "response_rate"] == 75.0
    assert headline.loc["discussed", "sentence"].startswith("100% of participating")


def test_downloads_carry_withheld_breakdowns_like_the_page(client):
    study, survey, practices = surveyed_study(4)
    for i, practice in enumerate(practices):
        if i == 0:
            practice.nation = "Wales"
        save_response(
            survey.waves[0],
            practice,
            {"discussed": "yes", "used_for_qi": "no"},
            by=lead_of(practice),
            submit=True,
        )
    login(client, team_member(study))
    csv = pd.read_csv(io.BytesIO(client.get(f"/studies/{study.slug}/uptake.csv").data))
    nation = csv[(csv["table"] == "breakdown") & (csv["breakdown"] == "nation")]
    # Wales (1 practice) is withheld, and so England (= total - Wales) with it: the download,
    # like the page, shows no nation's count (issue 16's secondary suppression).
    assert nation.empty or nation["n"].isna().all()
    assert not (nation["n"].notna() & (nation["group"] == "Wales")).any()
    dta = pd.read_stata(io.BytesIO(client.get(f"/studies/{study.slug}/uptake.dta").data))
    assert set(dta["table"]) >= {"headline", "answers", "breakdown"}
    reader = pd.io.stata.StataReader(
        io.BytesIO(client.get(f"/studies/{study.slug}/uptake.dta").data)
    )
    with reader:
        labels = reader.variable_labels()
    assert labels["response_rate"]
    xlsx = pd.read_excel(
        io.BytesIO(client.get(f"/studies/{study.slug}/uptake.xlsx").data), sheet_name=None
    )
    assert "data_dictionary" in xlsx and "withheld" in set(xlsx["data_dictionary"]["variable"])


def test_api_uptake_carries_the_same_content(client, app):
    from pact_feedback.api.tokens import create_token

    study, _, _ = _answered_twice()
    member = team_member(study)
    _, secret = create_token(member, "analysis", by=member)
    response = client.get(
        f"/api/v1/studies/{study.slug}/uptake?wave=2",
        headers={"Authorization": f"Bearer {secret}"},
    )
    data = response.get_json()
    assert data["response_rate"] == 75.0 and "breakdowns" in data and "movement" in data


def test_multiple_choice_questions_are_tabulated_as_mentions(app, ctx):
    study, survey, practices = surveyed_study(3)
    for i, practice in enumerate(practices):
        seen = ["gp_partners", "pcn"] if i else ["gp_partners"]
        save_response(
            survey.waves[0],
            practice,
            {"discussed": "yes", "used_for_qi": "no", "seen_by": seen},
            by=None,
            submit=True,
        )
    result = app.test_cli_runner().invoke(args=["surveys", "stats", study.slug])
    seen_by = json.loads(result.output)["questions"]["seen_by"]
    assert seen_by["gp_partners"]["n"] == 3 and seen_by["pcn"]["n"] == 2
    assert seen_by["pcn"]["percent"] == 66.7  # of the 3 that answered; answers overlap
