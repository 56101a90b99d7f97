"""The record audit in a real browser, on the demo's Why Test: a clinician resumes the audit
at case 24 and saves and goes on, a colleague second-reviews a sampled case blind, the study
team sets up a new record-audit study from the template and reads the national tables, and a
lead reads the released audit report; axe on every page."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import TEAM

CLINICIAN = "gp.2@practice.example"  # entering the unfinished audit: 23 of 50
LEAD_2 = "lead.2@practice.example"  # leads A81002, whose audit is submitted and reported


def _answer(page, question, *labels):
    group = page.get_by_role("group", name=re.compile(question))
    for label in labels:
        group.get_by_label(label, exact=True).check()


def test_clinician_resumes_the_audit_and_saves_the_next_case(signed_in_page, axe_check):
    page = signed_in_page(CLINICIAN)
    page.goto("/take-part/why-test")
    page.get_by_role("link", name=re.compile("Your practice's record audit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your practice's record audit")
    expect(page.locator("#progress")).to_contain_text(re.compile(r"^2\d of 50"))
    axe_check(page)

    page.get_by_role("link", name=re.compile("Continue with case")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Case \d+$"))
    number = int(page.get_by_role("heading", level=1).inner_text().split()[1])
    axe_check(page)
    page.get_by_role("button", name="Save and enter the next case").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)

    _answer(page, "age band", "65 to 79")
    _answer(page, "Patient's sex", "Male")
    _answer(page, "Who requested", "GP")
    _answer(page, "Why were the tests", "Monitoring of medication", "The patient asked")
    _answer(page, "Which tests", "Kidney function (U&E)")
    _answer(page, "What were the results", "All normal")
    _answer(page, "What happened next", "No change in management")
    _answer(page, "new or confirmed diagnosis", "No")
    _answer(page, "were the tests necessary", "Partly unnecessary")
    page.get_by_role("button", name="Save and enter the next case").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Case {number + 1}")
    expect(page.get_by_role("status")).to_contain_text(f"Case {number} saved")

    page.get_by_role("link", name="Back to your practice's audit").click()
    page.get_by_role("link", name=re.compile("Import cases")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import cases from a spreadsheet")
    axe_check(page)


def test_clinician_reads_their_private_audit_summary(signed_in_page, axe_check):
    page = signed_in_page(CLINICIAN)
    page.goto("/take-part/why-test/audit")
    page.get_by_role("link", name="Your audit summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your audit summary")
    expect(page.locator("#your-cases")).to_contain_text(re.compile(r"You entered \d+ cases"))
    results = page.locator("table").filter(has_text="What were the results?")
    expect(results.get_by_role("columnheader", name="Network")).to_be_visible()
    axe_check(page)


def test_colleague_second_reviews_a_sampled_case_blind(live_server, new_page, sign_in, axe_check):
    email = "reviewer.casebook@practice.example"
    live_server.create_user(
        email,
        role="participant",
        practice_ods="A81002",
        study_slug="why-test",
        consented=True,
        staff_role="salaried_gp",
    )
    page = new_page()
    sign_in(page, email)
    page.goto("/take-part/why-test/audit")
    page.get_by_role("link", name="Review case 10").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case 10")
    expect(page.locator(".nhsuk-summary-list")).not_to_contain_text("necessary")
    axe_check(page)
    page.get_by_label("Necessary", exact=True).check()
    page.get_by_role("button", name="Save my review").click()
    expect(page.get_by_role("status")).to_contain_text("Your review of case 10 is saved")


def test_study_team_sets_up_a_record_audit_and_reads_the_tables(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.goto("/studies/new")
    page.get_by_label("Title").fill("Why Test, round 2")
    page.get_by_label("Short name (slug)").fill("why-test-browser")
    page.get_by_label(re.compile("^Record audit")).check()
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Collect by record audit")
    axe_check(page)
    page.get_by_role("button", name="Use the Why Test form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record audit")
    expect(page.get_by_role("cell", name="reasons", exact=True)).to_be_visible()
    axe_check(page)
    page.goto("/studies/why-test/audit")
    page.get_by_role("link", name=re.compile("^Change the second reviewer of")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second reviewer")
    axe_check(page)
    page.get_by_label(re.compile("^Any clinician of the practice")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("sample is reviewed by any clinician")
    page.goto("/studies/why-test-browser/audit")
    page.get_by_role("link", name="Change the questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the case report form")
    axe_check(page)

    page.goto("/studies/why-test")
    page.get_by_role("link", name=re.compile("^Record audit")).click()
    page.get_by_role("link", name=re.compile("National tables")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record audit: national tables")
    expect(page.locator("#denominators")).to_contain_text("2572 cases from 57 practices")
    symptoms = page.locator("table").filter(has_text="Why were the tests requested?").first
    expect(
        symptoms.get_by_role("row", name=re.compile(r"^All Investigation of symptoms"))
    ).to_contain_text("43.2")
    axe_check(page)


def test_lead_reads_the_released_audit_report(signed_in_page, axe_check):
    page = signed_in_page(LEAD_2)
    page.goto("/practices/A81002")
    page.get_by_role("link", name="Read the practice report for Why Test").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice report: Why Test")
    expect(page.get_by_role("heading", name="Why were the tests requested?")).to_be_visible()
    expect(page.get_by_role("img", name="Why were the tests requested?")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Start a project from this finding").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a quality improvement project")
    expect(page.locator(".qi-finding")).to_contain_text("% of audited cases")
    axe_check(page)
