"""Journeys that cross an email: accepting an invitation, resetting a password; and the parts
of the page that need JavaScript (the error summary's focus, the header menu on a phone)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import LEAD, TEAM

WORKLOAD = "The Hidden Workload Study"
LINK = re.compile(r"https?://\S+")


def _emailed_link(live_server, sent_before: int, to: str) -> str:
    mails = [m for m in live_server.outbox[sent_before:] if m.to == [to]]
    assert len(mails) == 1, [m.to for m in live_server.outbox[sent_before:]]
    return LINK.search(mails[0].body).group(0)


def test_invited_colleague_joins_consents_and_reaches_the_study(
    signed_in_page, new_page, axe_check, live_server
):
    """A practice lead invites a colleague; the colleague follows the emailed link, creates an
    account, gives consent as a pharmacist and lands on the study page."""
    lead = signed_in_page(LEAD)
    lead.goto("/practices/A81001/studies/hidden-workload/invite")
    sent = len(live_server.outbox)
    lead.get_by_label("Name").fill("Sam Newcomer")
    lead.get_by_label("Email address").fill("sam.newcomer@practice.example")
    lead.get_by_role("button", name="Send invitation").click()
    expect(lead.get_by_role("status")).to_contain_text("Invitation sent")
    link = _emailed_link(live_server, sent, "sam.newcomer@practice.example")

    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join PACT Feedback")
    expect(page.get_by_label("Your name")).to_have_value("Sam Newcomer")
    axe_check(page)

    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("at least 10 characters")
    expect(page.get_by_label("Your name")).to_have_value("Sam Newcomer")
    axe_check(page)

    page.get_by_label("New password", exact=True).fill("a long and private password")
    page.get_by_label("Confirm new password").fill("a long and private password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_contain_text("Your account is ready")
    axe_check(page)

    page.get_by_role("link", name=WORKLOAD, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Taking part in"))
    page.get_by_role("radio", name="Pharmacist").check()
    page.get_by_role("checkbox", name=re.compile("agree to take part")).check()
    page.get_by_role("button", name="Agree and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(WORKLOAD)
    expect(page.get_by_text("Clinical pharmacist", exact=True)).to_be_visible()
    axe_check(page)

    # The link worked once; a second visit gets a kind page, not an error.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("no longer works"))
    axe_check(page)


def test_password_reset_by_emailed_link(page, new_page, axe_check, live_server):
    live_server.create_user("forgetful@practice.example", name="Fran Forgetful")
    page.goto("/account/forgot-password")
    sent = len(live_server.outbox)
    page.get_by_label("Email address").fill("forgetful@practice.example")
    page.get_by_role("button").filter(has_text=re.compile("send|reset", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    link = _emailed_link(live_server, sent, "forgetful@practice.example")

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    axe_check(page)
    page.get_by_label("New password", exact=True).fill("forgetful@practice.example")
    page.get_by_label("Confirm new password").fill("forgetful@practice.example")
    page.get_by_role("button", name="Save new password").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("must not be your email")
    axe_check(page)
    page.get_by_label("New password", exact=True).fill("remembered at last, 2026")
    page.get_by_label("Confirm new password").fill("remembered at last, 2026")
    page.get_by_role("button", name="Save new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been reset")

    page.get_by_label("Email address").fill("forgetful@practice.example")
    page.get_by_label("Password", exact=True).fill("remembered at last, 2026")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Fran Forgetful")

    other = new_page()
    response = other.goto(link)
    assert response.status == 410
    expect(other.get_by_role("link", name="Ask for a new password reset link")).to_be_visible()
    axe_check(other)


def test_error_summary_takes_focus_and_links_to_the_field(page):
    page.goto("/account/sign-in")
    page.get_by_role("button", name="Sign in", exact=True).click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Enter your email address").click()
    expect(page.get_by_label("Email address")).to_be_focused()


def test_skip_link_moves_focus_to_the_main_content(page):
    page.goto("/account/sign-in")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_header_menu_on_a_phone(signed_in_page, axe_check):
    page = signed_in_page(TEAM)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    expect(page.get_by_role("link", name="PACT Feedback homepage", exact=True)).to_be_visible()
    audit = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit log")
    expect(audit).to_be_hidden()
    more = page.get_by_role("navigation", name="Menu").get_by_role("button")
    more.focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(audit).to_be_visible()
    axe_check(page)
    audit.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")


def test_practice_import_with_a_bad_row_saves_nothing_and_lists_the_problem(
    signed_in_page, axe_check
):
    page = signed_in_page(TEAM)
    page.goto("/practices/import")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import practices from CSV")
    axe_check(page)
    csv = (
        "ods_code,name,nation,region,list_size,pct_65_plus,imd_score,imd_decile,pct_rural,"
        "data_date\n"
        "B99001,Good Surgery,England,London,9000,15.0,20.0,6,5.0,2026-04-01\n"
        "B99002,Bad Surgery,Atlantis,London,9000,15.0,20.0,6,5.0,2026-04-01\n"
    )
    page.get_by_label("Practice demographics CSV").set_input_files(
        files=[{"name": "practices.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.get_by_role("button", name="Check and import").click()
    expect(page.get_by_role("heading", name=re.compile("Nothing was saved"))).to_be_visible()
    problems = page.get_by_role("table", name="Problems by line of the file")
    bad = problems.get_by_role("row").filter(has_text="Atlantis")
    expect(bad).to_have_count(1)
    expect(bad.get_by_role("cell").first).to_have_text("3")
    expect(bad.get_by_role("cell").nth(1)).to_have_text("nation")
    axe_check(page)
    page.goto("/practices/")
    expect(page.get_by_role("table")).not_to_contain_text("B99001")
