"""The uptake survey in a real browser: a practice lead answers wave 3 of Why Test (show-if
questions appear as they apply), the study team reads the statistics; axe on every page."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import TEAM

LEAD_2 = "lead.2@practice.example"  # leads the second demo practice, A81002


def test_practice_lead_answers_the_open_wave(signed_in_page, axe_check):
    page = signed_in_page(LEAD_2)
    page.goto("/practices/A81002")
    page.get_by_role("link", name=re.compile("Uptake surveys")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uptake surveys")
    axe_check(page)
    page.get_by_role("link", name=re.compile("Answer the survey")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("PACT practice report"))
    axe_check(page)

    where = page.get_by_role("group", name=re.compile("Where was it discussed"))
    expect(where).to_be_hidden()  # shown only after "Yes" to question 1
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("link", name="Question 1: Select an answer")).to_be_visible()
    axe_check(page)

    discussed = page.get_by_role("group", name=re.compile("discussed the PACT practice report"))
    discussed.get_by_label("Yes").check()
    expect(where).to_be_visible()
    where.get_by_label("Clinical meeting").check()
    used = page.get_by_role("group", name=re.compile("quality improvement, education"))
    used.get_by_label("Planning to").check()
    page.get_by_label(re.compile("What change did you make")).fill("Redirect routine letters")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uptake surveys")
    expect(page.get_by_role("status")).to_contain_text("Thank you")
    expect(page.get_by_role("link", name=re.compile("Change your answers"))).to_be_visible()
    axe_check(page)


def test_study_team_reads_uptake_statistics(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto("/studies/why-test")
    page.get_by_role("link", name="Uptake survey and uptake statistics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("PACT practice report"))
    axe_check(page)
    page.get_by_role("link", name=re.compile(r"^Uptake statistics\W+wave 1")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uptake statistics, wave 1")
    expect(page.locator(".pact-headline").first).to_have_text(
        "58% of participating practices have discussed their PACT practice report in a practice "
        "meeting (with a further 39% also planning to in the future)."
    )
    axe_check(page)
    page.get_by_role("link", name="Wave 2").click()
    expect(page.locator(".pact-movement").first).to_contain_text("now say yes")
    page.get_by_text(re.compile("Breakdowns by practice")).first.click()
    axe_check(page)


def test_study_team_survey_editor_pages(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto("/studies/why-test/survey/questions/discussed")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Change question 1"))
    axe_check(page)
    page.goto("/studies/why-test/survey/questions/new")
    page.get_by_role("button", name="Save question").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    page.goto("/studies/why-test/survey/waves/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dates of wave 1")
    axe_check(page)
    page.goto("/studies/why-test/survey/import")
    axe_check(page)
