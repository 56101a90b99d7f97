"""Released reports in a real browser: the pilot round in the demo data, with axe on each page."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import GP, LEAD, TEAM

PILOT = "hidden-workload-pilot"


def test_lead_reads_the_practice_report_and_its_charts(signed_in_page, axe_check):
    page = signed_in_page(LEAD)
    page.goto("/")
    page.locator("main a[href^='/practices/']").first.click()  # the practice they lead
    # The workload diary's report (the practice also has a Why Test record-audit report).
    page.get_by_role("link", name=re.compile("Read the practice report for (?!Why Test)")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Practice report"))
    expect(page.get_by_role("heading", name="How to read this report")).to_be_visible()
    # Each chart has a text alternative and a table with the same numbers.
    expect(page.locator("svg.pact-chart title").first).to_have_text(re.compile("Minutes per"))
    expect(page.get_by_role("table").first).to_be_visible()
    axe_check(page)


def test_participant_reads_a_private_report_and_chooses_to_share(signed_in_page, axe_check):
    page = signed_in_page(GP)
    page.goto(f"/take-part/{PILOT}")
    page.get_by_role("link", name="Read your private report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("Your workload diary report")
    )
    axe_check(page)

    page.goto(f"/take-part/{PILOT}/report")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your report")
    axe_check(page)
    page.get_by_label("No, keep my report private").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Your report is private to you.").first).to_be_visible()
    page.get_by_label("Yes, my practice lead can read my report").check()
    page.get_by_role("button", name="Save my choice").click()
    expect(page.get_by_text("Your practice lead can now read your report.")).to_be_visible()
    axe_check(page)


def test_team_reviews_the_released_round(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto(f"/studies/{PILOT}")
    page.get_by_role("link", name="Generate, review and release reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("heading", name="Re-issue")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Re-issue reports").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    axe_check(page)
