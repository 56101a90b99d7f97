"""More of the foundation in a browser: the study team's set-up pages, an invitation to someone
who already has an account, refusals, public pages, and consent by keyboard alone."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import GP, LEAD, TEAM

LINK = re.compile(r"https?://\S+")


def test_study_team_enrols_practices_and_invites_a_lead(signed_in_page, axe_check, live_server):
    page = signed_in_page(TEAM)
    page.goto("/studies/new")
    page.get_by_label("Title").fill("Enrolment Study")
    page.get_by_label("Short name (slug)").fill("enrolment-study")
    page.get_by_role("button", name="Create study").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrolment Study")
    expect(page.get_by_role("table")).to_contain_text("No practices enrolled yet")

    page.get_by_role("link", name="Enrol practices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enrol practices in Enrolment Study")
    axe_check(page)
    page.get_by_label("ODS codes").fill("S81029 NOPE1")
    page.get_by_role("button", name="Enrol practices").click()
    expect(page.get_by_role("heading", name=re.compile("Nothing was saved"))).to_be_visible()
    expect(page.get_by_label("ODS codes")).to_have_value("S81029 NOPE1")
    axe_check(page)
    page.get_by_label("ODS codes").fill("S81029")
    page.get_by_role("button", name="Enrol practices").click()
    expect(page.get_by_role("status")).to_contain_text("1 practice(s) enrolled")

    page.get_by_role("link", name=re.compile(r"Invite a lead for .*")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Invite a practice lead"))
    axe_check(page)
    sent = len(live_server.outbox)
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a valid email address")
    axe_check(page)
    page.get_by_label("Email address").fill("new.lead@practice.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to new.lead@")
    assert [m.to for m in live_server.outbox[sent:]] == [["new.lead@practice.example"]]


def test_study_team_page_invites_a_member(signed_in_page, axe_check, live_server):
    page = signed_in_page(TEAM)
    page.get_by_role("navigation").get_by_role("link", name="Study team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Study team")
    expect(page.get_by_role("table")).to_contain_text("study.team@pact.example")
    axe_check(page)
    sent = len(live_server.outbox)
    page.get_by_label("Name").fill("Ola Analyst")
    page.get_by_label("Email address").fill("ola.analyst@pact.example")
    page.get_by_label("Which studies?").select_option(label="Why Test")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to ola.analyst@")
    axe_check(page)
    assert [m.to for m in live_server.outbox[sent:]] == [["ola.analyst@pact.example"]]


def test_someone_with_an_account_accepts_a_new_role(
    signed_in_page, new_page, axe_check, live_server
):
    """An existing participant is invited to lead their practice: the emailed link asks them to
    sign in, then to accept, and the practice appears on their home page."""
    live_server.create_user(
        "two.hats@practice.example",
        name="Two Hats",
        role="participant",
        practice_ods="A81002",
        study_slug="hidden-workload",
        consented=True,
        staff_role="salaried_gp",
    )
    team = signed_in_page(TEAM)
    team.goto("/studies/hidden-workload/practices/A81002/invite-lead")
    sent = len(live_server.outbox)
    team.get_by_label("Email address").fill("two.hats@practice.example")
    team.get_by_role("button", name="Send invitation").click()
    expect(team.get_by_role("status")).to_contain_text("Invitation sent")
    (mail,) = live_server.outbox[sent:]
    link = LINK.search(mail.body).group(0)

    page = new_page()
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/account/sign-in\?next="))
    expect(page.get_by_role("status")).to_contain_text("You already have an account")
    axe_check(page)
    page.get_by_label("Email address").fill("two.hats@practice.example")
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    axe_check(page)
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation accepted")
    expect(page.get_by_role("heading", name="Practices you lead")).to_be_visible()
    axe_check(page)


def test_a_participant_is_refused_the_study_team_pages(signed_in_page, axe_check):
    page = signed_in_page(GP)
    response = page.goto("/studies/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    axe_check(page)
    response = page.goto("/practices/A81002")
    assert response.status == 404


def test_public_pages(page, axe_check):
    page.goto("/account/sign-in")
    page.get_by_role("link", name="Privacy and your data").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile("/privacy$"))
    axe_check(page)
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page).to_have_url(re.compile("/accessibility$"))
    axe_check(page)


def test_consent_with_the_keyboard_alone(page, sign_in, live_server):
    live_server.create_user(
        "keys.only@practice.example",
        name="Kay Board",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
    )
    sign_in(page, "keys.only@practice.example")
    page.goto("/take-part/hidden-workload/consent")

    def tab_to(predicate: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"(el => {predicate})(document.activeElement)"):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    tab_to("el.type === 'radio'")
    page.keyboard.press("ArrowDown")  # the second role in the list, selected by moving to it
    checked = page.locator("input[type=radio]:checked")
    expect(checked).to_have_count(1)
    expect(checked).to_be_focused()
    tab_to("el.type === 'checkbox'")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox")).to_be_checked()
    tab_to("el.type === 'submit' && el.textContent.includes('Agree')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your consent has been recorded")


def test_closed_invitations_and_an_expired_form_get_kind_pages(signed_in_page, page, axe_check):
    lead = signed_in_page(LEAD)
    response = lead.goto("/practices/A81001/studies/why-test/invite")
    assert response.status == 409
    expect(lead.get_by_role("heading", level=1)).to_have_text("Invitations to Why Test are closed")
    axe_check(lead)

    page.goto("/account/sign-in")
    page.context.clear_cookies()  # the form's CSRF token no longer matches a session
    page.get_by_label("Email address").fill(GP)
    page.get_by_label("Password", exact=True).fill("demo-password-2026")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "There is a problem with your request"
    )
    expect(page.get_by_text("The form expired")).to_be_visible()
    axe_check(page)
