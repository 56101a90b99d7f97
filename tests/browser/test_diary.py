"""The diary in a browser: open a day, add tasks in a few taps without reloading the page,
errors beside the fields, the timer across a reload, repeat last, the summary; axe on every
page, and the layout at 360 px."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD

DIARY = "/take-part/hidden-workload/diary/"


def _participant(live_server, sign_in, new_page, email):
    live_server.create_user(
        email,
        name="Dana Diary",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="salaried_gp",
    )
    page = new_page()
    sign_in(page, email, DEMO_PASSWORD)
    return page


def test_a_diary_day_in_the_browser(live_server, sign_in, new_page, axe_check):
    page = _participant(live_server, sign_in, new_page, "dana.diary@practice.example")
    page.goto("/take-part/hidden-workload")
    page.get_by_role("link", name="Go to your diary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your diary days")
    axe_check(page)

    page.get_by_role("link", name="Open a diary day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a diary day")
    axe_check(page)
    page.get_by_label("Scheduled start").fill("08:00")
    page.get_by_label("Scheduled finish").fill("18:30")
    page.get_by_role("button", name="Open this day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    axe_check(page)

    # A task in three interactions: the category, a quick duration, Add. No page reload.
    page.evaluate("window.notReloaded = true")
    page.get_by_text("B1 Test results", exact=True).click()
    page.get_by_text("5 min", exact=True).click()
    page.get_by_role("button", name="Add task").click()
    rows = page.locator("#diary-entries-body tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("B1 Test results")
    expect(page.locator("#diary-figures")).to_contain_text("Recorded so far: 5 minutes")
    assert page.evaluate("window.notReloaded") is True

    # An error shows beside the field, and what was typed stays.
    page.get_by_text("B2 Prescriptions and medicines", exact=True).click()
    page.get_by_label("Or enter the minutes").fill("900")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("[data-field=minutes] .nhsuk-error-message")).to_contain_text(
        "from 1 to 720"
    )
    expect(page.get_by_label("Or enter the minutes")).to_have_value("900")
    expect(rows).to_have_count(1)
    axe_check(page)
    page.get_by_label("Or enter the minutes").fill("12")
    page.get_by_role("button", name="Add task").click()
    expect(rows).to_have_count(2)
    expect(page.locator("[data-field=minutes] .nhsuk-error-message")).to_have_count(0)

    # Repeat last, without a reload.
    page.get_by_role("button", name=re.compile("^Repeat last task: Prescriptions")).click()
    expect(rows).to_have_count(3)
    expect(page.locator("#diary-figures")).to_contain_text("Recorded so far: 29 minutes")
    assert page.evaluate("window.notReloaded") is True

    # The timer survives a reload and can be moved back when started late.
    page.get_by_role("button", name="Start timer").click()
    page.reload()
    expect(page.locator("#diary-timer-time")).to_contain_text("min")
    page.get_by_label("I started this many minutes ago").fill("10")
    page.get_by_role("button", name="Move the start back").click()
    expect(page.locator("#diary-timer-time")).to_contain_text("10 min")
    page.get_by_role("button", name="Stop and use this duration").click()
    expect(page.get_by_label("Or enter the minutes")).to_have_value("10")
    # Used tasks come first now; the whole list is one tap away.
    expect(page.locator("[data-diary-recent]")).to_contain_text("B2 Prescriptions")
    page.get_by_text("All tasks", exact=True).click()
    page.get_by_text("C2 Clinical meetings", exact=True).click()
    page.get_by_role("button", name="Add task").click()
    expect(rows).to_have_count(4)
    expect(page.locator("#diary-figures")).to_contain_text("39 minutes")

    # At 360 px nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    axe_check(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_role("button", name="Mark this day as complete").click()
    expect(page.get_by_role("status").first).to_contain_text("marked as complete")
    page.get_by_role("link", name="See your summary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your diary summary")
    expect(page.locator(".pact-chart").first).to_be_visible()
    axe_check(page)

    page.goto("/account/api-tokens/")
    page.get_by_label("What will you use this token for?").fill("My phone")
    page.get_by_role("button", name="Create a token").click()
    expect(page.locator("#new-token")).to_contain_text("pact_")
    axe_check(page)


def test_without_javascript_the_form_still_works(live_server, sign_in, open_context):
    live_server.create_user(
        "nojs.diary@practice.example",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="practice_nurse",
    )
    page = open_context(java_script_enabled=False).new_page()
    sign_in(page, "nojs.diary@practice.example")
    page.goto(DIARY + "new")
    page.get_by_role("button", name="Open this day").click()
    page.get_by_text("A1 Booked consultation", exact=True).click()
    page.get_by_text("15 min", exact=True).click()
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#diary-entries-body tr")).to_have_count(1)
    expect(page.get_by_role("status").first).to_contain_text("Task added")
    # (axe needs scripts, so it runs on the same pages in the test above)


def test_entries_made_offline_are_sent_when_back_online(live_server, sign_in, open_context):
    """Offline, an entry waits on the device; after the page is closed and opened again with a
    connection it is sent once and appears in the day, and the queue is empty."""
    live_server.create_user(
        "offline.diary@practice.example",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="gp_partner",
    )
    context = open_context()
    page = context.new_page()
    sign_in(page, "offline.diary@practice.example")
    page.goto(DIARY + "new")
    page.get_by_role("button", name="Open this day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    day_url = page.url
    # The page's script has run: the service worker and the offline copy are ready.
    expect(page.locator("#diary-entries[data-offline-ready]")).to_have_count(1)

    context.set_offline(True)
    page.get_by_text("B4 Referrals and advice requests", exact=True).click()
    page.get_by_text("10 min", exact=True).click()
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("tr.diary-pending")).to_contain_text("Waiting to send: Referrals")
    expect(page.locator("#diary-warnings")).to_contain_text("You are offline")
    page.close()  # the browser is closed while still offline

    context.set_offline(False)
    page = context.new_page()
    page.goto(day_url)
    rows = page.locator("#diary-entries-body tr:not(.diary-pending)")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("B4 Referrals and advice requests")
    expect(page.locator("tr.diary-pending")).to_have_count(0)
    waiting = """async () => (await import("/assets/js/diary.js"))
        .queue.waiting(document.getElementById("diary-entries").dataset.owner)"""
    assert page.evaluate(waiting) == []  # IndexedDB (tests/browser/test_diary_offline.py)
    page.reload()  # sent once: the server has exactly one entry
    expect(page.locator("#diary-entries-body tr")).to_have_count(1)


def test_keyboard_only_entry(live_server, sign_in, open_context):
    """Arrow keys pick the category and the duration; Enter adds the task."""
    live_server.create_user(
        "keys.diary@practice.example",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="anp",
    )
    page = open_context().new_page()
    sign_in(page, "keys.diary@practice.example")
    page.goto(DIARY + "new")
    page.get_by_role("button", name="Open this day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    page.locator("#category_id").focus()
    page.keyboard.press("Space")  # A1
    page.keyboard.press("ArrowDown")  # A2
    page.locator("#duration-0").focus()  # past the optional details, into the durations
    page.keyboard.press("ArrowRight")  # 5 min
    page.keyboard.press("Enter")
    rows = page.locator("#diary-entries-body tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("A2 Unplanned patient contact")
    expect(rows.first).to_contain_text("5")
