"""A study team runs a study without a developer (issue 19), in a real browser on the demo:
set-up (no window) → the window set in settings → collection, with the window extended after
seeing the effect → report release through the confirmation → the uptake survey, inviting
practices including some without a lead → close. axe on every page."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import TEAM

SLUG = "browser-walk"


def _step(page, axe_check, action, *, confirm=True):
    page.goto(f"/studies/{SLUG}")
    page.get_by_role("link", name=action).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action)
    axe_check(page)
    if confirm:
        page.get_by_role("button", name=re.compile("^Confirm")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Browser Walk"))


def _settings(page, axe_check, **fields):
    page.goto(f"/studies/{SLUG}/settings")
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Check the change").click()
    expect(page.get_by_role("heading", name="Check the change before saving")).to_be_visible()
    axe_check(page)
    return page


def test_study_team_walks_a_study_from_set_up_to_close(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto("/studies/new")
    page.get_by_label("Title").fill("Browser Walk")
    page.get_by_label("Short name (slug)").fill(SLUG)
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Browser Walk")

    page.get_by_role("link", name="Enrol practices").click()
    page.get_by_label("ODS codes").fill("A81005 A81006 A81011 A81012")
    page.get_by_role("button", name="Enrol practices").click()
    expect(page.get_by_text("4 practice(s) enrolled")).to_be_visible()
    expect(page.get_by_text(re.compile(r"2 of 4 practices have no practice lead"))).to_be_visible()
    page.get_by_role("link", name="Show only practices without a lead").click()
    expect(page.locator("#practices-caption ~ tbody tr")).to_have_count(2)
    axe_check(page)

    _step(page, axe_check, "Start recruiting")
    # Collection needs a window: the step says so and offers no button.
    _step(page, axe_check, "Start data collection", confirm=False)
    expect(
        page.get_by_text("Set the collection window in the study settings first.")
    ).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Confirm"))).to_have_count(0)

    start, end = date.today() - timedelta(days=1), date.today() + timedelta(days=10)
    _settings(
        page,
        axe_check,
        **{
            "First day of data collection": start.isoformat(),
            "Last day of data collection": end.isoformat(),
        },
    )
    page.get_by_role("button", name="Save these changes").click()
    expect(page.get_by_text("Study settings saved.")).to_be_visible()
    _step(page, axe_check, "Start data collection")

    later = end + timedelta(days=7)
    _settings(page, axe_check, **{"Last day of data collection": later.isoformat()})
    expect(page.get_by_text("The window gains 7 more days")).to_be_visible()
    page.get_by_role("button", name="Save these changes").click()
    expect(page.get_by_text("Study settings saved.")).to_be_visible()

    _step(page, axe_check, "Close collection and start analysis")
    page.get_by_role("link", name="Generate, review and release reports").click()
    page.get_by_role("button", name="Generate reports").click()
    page.get_by_role("link", name="Review the reports").click()  # from the job's page (issue 22)
    page.get_by_role("link", name=re.compile(r"^Release \d+ reports")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mark reports released")
    expect(page.get_by_text(re.compile(r"^Emails \d+ readers? a link"))).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(page.get_by_text("The study is now at the stage: Reports released.")).to_be_visible()

    _step(page, axe_check, "Open the uptake survey", confirm=False)
    expect(page.get_by_text(re.compile("no practice lead to invite"))).to_be_visible()
    page.get_by_role("button", name=re.compile("^Confirm")).click()

    page.goto(f"/studies/{SLUG}/survey/waves/1")
    page.get_by_label("Opens on").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Closes on").fill((date.today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name="Save wave").click()
    page.locator("tr[data-wave='1']").get_by_role(
        "button", name=re.compile("Send invitations")
    ).click()
    flash = page.get_by_text(re.compile(r"2 invitation email\(s\) sent for wave 1"))
    expect(flash).to_be_visible()
    expect(flash).to_contain_text("2 practices skipped")
    axe_check(page)

    _step(page, axe_check, "Close the study")
    expect(page.locator(".pact-lifecycle--current")).to_contain_text("Closed")
    expect(page.get_by_role("link", name="Enrol practices")).to_have_count(0)
