"""Data governance in a real browser: a participant reads what withdrawing and erasing mean,
withdraws, is kept out of the diary, then erases; the study team's governance pages and the
audit filters. axe on every page."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD, TEAM

STUDY = "/take-part/hidden-workload"


def test_participant_withdraws_then_erases(live_server, sign_in, new_page, axe_check):
    email = "wren.withdraw@practice.example"
    live_server.create_user(
        email,
        name="Wren Withdraw",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="salaried_gp",
    )
    page = new_page()
    sign_in(page, email, DEMO_PASSWORD)
    page.goto(STUDY)
    page.get_by_role("link", name="withdraw from the study", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw from the study")
    expect(page.get_by_text("no new diary days or tasks can be added")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Withdraw from the study").click()
    expect(page.get_by_text("You have withdrawn from the study.").first).to_be_visible()
    expect(page.get_by_text(re.compile("You withdrew on"))).to_be_visible()
    axe_check(page)

    page.goto(f"{STUDY}/diary/new")
    expect(page.get_by_text(re.compile("your diary is closed")).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/take-part/hidden-workload$"))

    page.get_by_role("link", name="Erase your diary data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase your diary data")
    axe_check(page)
    page.get_by_role("button", name="Erase the diary data").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Tick the box")
    axe_check(page)
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Erase the diary data").click()
    erased = page.get_by_text("Your diary data and your private report have been erased.")
    expect(erased.first).to_be_visible()
    axe_check(page)


def test_study_team_governance_pages(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto("/governance/studies/hidden-workload/participants")
    expect(page.get_by_role("heading", level=1)).to_have_text("Participants and their data")
    axe_check(page)
    page.get_by_role("link", name="Download a pseudonymised analysis export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Download a pseudonymised analysis export"
    )
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the export").click()
    assert download.value.suggested_filename == "hidden-workload-export.zip"

    page.goto("/governance/studies/hidden-workload/information-sheet")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Issue a new information sheet version"
    )
    axe_check(page)
    page.get_by_role("button", name="Issue the new version").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the new version")
    axe_check(page)

    page.goto("/governance/studies/hidden-workload/retention")
    expect(page.get_by_role("heading", level=1)).to_have_text("How long the study's data is kept")
    axe_check(page)

    page.goto("/audit/?action=analysis_exported&from=2000-01-01")
    expect(page.locator("tbody")).to_contain_text("analysis_exported")
    axe_check(page)
    page.goto("/audit/?from=not-a-date")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("real date")
    axe_check(page)
