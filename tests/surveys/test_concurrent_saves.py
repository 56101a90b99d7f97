"""Two (or fourteen) leads of one practice saving the same wave at once: one save wins, every
other lead gets their form back with what they typed and the colleague's answers beside it
("a colleague saved this wave just now"), never an error page; saving again then keeps theirs
as the next version. Never two responses, never an acknowledged answer lost."""

import threading

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from pact_feedback.extensions import db
from pact_feedback.surveys.models import SurveyResponse, SurveyResponseVersion
from tests.conftest import login, page
from tests.surveys.helpers import answer_url, lead_of, surveyed_study
from tests.surveys.test_answering import GOOD


def _form_fields(html) -> dict:
    """The hidden fields a browser would send back with the form (CSRF token, based_on)."""
    form = html.select_one("form:has([name=q_discussed])")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]")}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_lead_saving_over_a_colleagues_new_answers_sees_both_and_keeps_theirs(app, client):
    study, survey, (practice, _) = surveyed_study()
    first, second = lead_of(practice), lead_of(practice)
    url = answer_url(practice, study)
    login(client, first)
    other = app.test_client()
    login(other, second)
    first_form = _form_fields(page(client.get(url)))
    second_form = _form_fields(page(other.get(url)))
    assert first_form["based_on"] == second_form["based_on"] == "0"

    saved = client.post(url, data={**first_form, **GOOD, "q_change": "Redirect letters"})
    assert saved.status_code == 302
    theirs = {**second_form, **GOOD, "q_discussed": "no", "q_change": "A rota for results"}
    clash = other.post(url, data=theirs)
    assert clash.status_code == 409
    html = page(clash)
    callout = html.select_one("#saved-by-colleague").get_text(" ", strip=True)
    assert "A colleague saved this wave just now" in callout and "Redirect letters" in callout
    assert html.select_one("textarea[name=q_change]").get_text() == "A rota for results"
    assert html.select_one("input[name=q_discussed][value=no]").has_attr("checked")
    assert _count(SurveyResponseVersion) == 1  # nothing of the second lead's saved yet

    again = other.post(url, data={**theirs, **_form_fields(html)})
    assert again.status_code == 302
    db.session.expire_all()
    versions = db.session.scalar(select(SurveyResponse)).versions
    assert [(v.number, v.answers["change"]) for v in versions] == [
        (1, "Redirect letters"),
        (2, "A rota for results"),
    ]


def _fourteen_at_once(app, practice, study, *, drop=()):
    """Fourteen leads, signed in, each with the form open; all press save at one moment.
    Returns (statuses, the q_change text each refused lead got back)."""
    leads = [lead_of(practice) for _ in range(14)]
    url = answer_url(practice, study)
    clients = []
    for lead in leads:
        browser = app.test_client()
        login(browser, lead)
        fields = _form_fields(page(browser.get(url)))
        clients.append((browser, {k: v for k, v in fields.items() if k not in drop}))
    db.session.remove()
    barrier = threading.Barrier(len(clients))
    statuses, typed_back = [], []

    def save(browser, fields, n):
        with app.app_context():
            barrier.wait()
            response = browser.post(url, data={**fields, **GOOD, "q_change": f"Plan {n}"})
            statuses.append(response.status_code)
            if response.status_code == 409:
                html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
                typed_back.append(html.select_one("textarea[name=q_change]").get_text())
            db.session.remove()

    threads = [
        threading.Thread(target=save, args=(browser, fields, n))
        for n, (browser, fields) in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses, typed_back


def test_fourteen_leads_saving_at_the_same_moment_never_see_an_error(app, ctx):
    """Real threads, one barrier: exactly one save wins; the others get the form back (409)."""
    study, survey, (practice, _) = surveyed_study()
    statuses, typed_back = _fourteen_at_once(app, practice, study)
    assert sorted(statuses) == [302] + [409] * 13
    assert len(set(typed_back)) == 13  # each lead got their own words back
    assert _count(SurveyResponse) == 1 and _count(SurveyResponseVersion) == 1


def test_saves_racing_for_the_same_version_number_never_see_an_error(app, ctx):
    """Without the form's version (an older page), each save applies as the next version, and
    two that race for the same number (or to create the response) collide in the database's
    unique constraints: the loser gets the form back, never a 500, and the versions that were
    acknowledged are exactly the ones stored."""
    study, survey, (practice, _) = surveyed_study()
    statuses, _ = _fourteen_at_once(app, practice, study, drop={"based_on"})
    assert set(statuses) <= {302, 409} and len(statuses) == 14
    assert _count(SurveyResponse) == 1
    assert _count(SurveyResponseVersion) == statuses.count(302)
