"""The diary offline: entries made without a connection wait in IndexedDB across a browser
restart (a persistent Chromium profile, closed and opened again), the day page reloads offline
from the service worker, and the entries are sent once when the connection is back (checked in
the database), leaving the queue only when the server has answered. Refusals are shown, not
dropped; an old localStorage queue moves to IndexedDB once; signing out clears the device."""

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pact_feedback.diary.models import DiaryDay, TaskEntry
from pact_feedback.extensions import db
from tests.browser.conftest import _only_the_live_server

DIARY = "/take-part/hidden-workload/diary/"
WAITING = """async () => {
  const { queue } = await import("/assets/js/diary.js");
  const owner = document.getElementById("diary-entries").dataset.owner;
  return (await queue.waiting(owner)).map((item) => item.client_id);
}"""


def _disconnected(route):
    route.abort("internetdisconnected")


def _network(context, *, up: bool) -> None:
    """Offline both ways: the browser's emulation (navigator.onLine, the `online` event) and
    every request aborted, the service worker's own included, so no timing of when Playwright
    reaches a (re)started worker can let a request through. Back up, the route goes first:
    the `online` event makes the page send its queue at once, and a send aborted by a route
    still in place was kept for later (no later came: the test failed now and then)."""
    if up:
        context.unroute("**/*", _disconnected)
        context.set_offline(False)
    else:
        context.set_offline(True)
        context.route("**/*", _disconnected)


def _participant(live_server, email):
    live_server.create_user(
        email,
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="salaried_gp",
    )


def _wait_until_queue_empty(page, seconds: float = 10) -> None:
    """IndexedDB is read by a promise, which `wait_for_function` would take as truthy: poll."""
    deadline = time.monotonic() + seconds
    while page.evaluate(WAITING):
        assert time.monotonic() < deadline, "entries still waiting in IndexedDB"
        page.wait_for_timeout(100)


def _client_ids(live_server, day_id: int) -> list[str]:
    """The day's entries in the live database, by the client_id the page gave them."""
    with live_server.app.app_context():
        ids = db.session.scalars(select(TaskEntry.client_id).filter_by(day_id=day_id)).all()
        db.session.remove()
    return sorted(ids)


def _rate_day(live_server, day_id: int, rating: int) -> None:
    with live_server.app.app_context():
        db.session.get(DiaryDay, day_id).workload_rating = rating
        db.session.commit()
        db.session.remove()


def _open_day(page) -> int:
    page.goto(DIARY + "new")
    page.get_by_role("button", name="Open this day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    # The service worker is active and this page and its files are saved for offline use.
    expect(page.locator("#diary-entries[data-offline-ready]")).to_have_count(1)
    return int(page.url.rstrip("/").rsplit("/", 1)[-1])


def _add(page, category: str, duration: str | None = None, minutes: str | None = None):
    page.get_by_text(category, exact=True).click()
    if duration:
        page.get_by_text(duration, exact=True).click()
    if minutes:
        page.get_by_label("Or enter the minutes").fill(minutes)
    page.get_by_role("button", name="Add task").click()


@pytest.fixture
def persistent_browser(playwright, browser_type_launch_args, live_server, browser_errors, tmp_path):
    """`persistent_browser(offline=False)`: Chromium on one profile directory for the whole
    test, so closing it and launching it again is a browser restart that keeps IndexedDB,
    caches, the service worker and the (permanent) session cookie."""
    profile = tmp_path / "chromium-profile"
    opened = []

    def _launch(offline: bool = False):
        context = playwright.chromium.launch_persistent_context(
            str(profile), **browser_type_launch_args, base_url=live_server.url, locale="en-GB"
        )
        context.route("**/*", _only_the_live_server(live_server, browser_errors))
        context.on("weberror", lambda e: browser_errors.append(f"{e.page.url}: {e.error}"))
        context.on(
            "console",
            lambda m: (
                m.type == "error"
                and "Failed to load resource" not in m.text
                and browser_errors.append(f"{m.page and m.page.url}: {m.text}")
            ),
        )
        opened.append(context)
        if offline:
            _network(context, up=False)
        return context

    yield _launch
    for context in opened:
        context.close()


def test_offline_entries_survive_a_browser_restart_and_are_sent_once(
    live_server, persistent_browser, sign_in, axe_check
):
    _participant(live_server, "restart.diary@practice.example")
    browser = persistent_browser()
    page = browser.new_page()
    sign_in(page, "restart.diary@practice.example")
    day_id = _open_day(page)
    day_url = page.url

    # Offline: two entries wait on the device.
    _network(browser, up=False)
    _add(page, "B4 Referrals and advice requests", duration="10 min")
    expect(page.locator("#diary-warnings")).to_contain_text("You are offline")
    _add(page, "C2 Clinical meetings", minutes="12")
    pending = page.locator("tr.diary-pending")
    expect(pending).to_have_count(2)
    expect(pending.first).to_contain_text("Waiting to send: Referrals")

    # A reload without a connection is answered by the service worker from the copy saved
    # online, queue and all: a change made on the server since then does not show.
    _rate_day(live_server, day_id, 7)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    rating = page.locator(".nhsuk-summary-list__row", has_text="Workload rating")
    expect(rating).to_contain_text("Not given")
    expect(pending).to_have_count(2)
    axe_check(page)
    queued = sorted(page.evaluate(WAITING))
    assert len(queued) == 2
    browser.close()  # the browser is closed while still offline
    assert _client_ids(live_server, day_id) == []

    # Started again, still offline: the entries are still in IndexedDB.
    browser = persistent_browser(offline=True)
    page = browser.new_page()
    response = page.goto(day_url)
    assert response is not None and response.from_service_worker
    pending = page.locator("tr.diary-pending")
    expect(pending).to_have_count(2)
    rating = page.locator(".nhsuk-summary-list__row", has_text="Workload rating")
    expect(rating).to_contain_text("Not given")  # the saved copy, not the server's page
    assert sorted(page.evaluate(WAITING)) == queued
    assert _client_ids(live_server, day_id) == []
    elsewhere = browser.new_page()  # a diary page never saved here: the worker says so
    response = elsewhere.goto(DIARY + "summary")
    assert response is not None and response.status == 503
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text("You are offline")
    axe_check(elsewhere)
    elsewhere.close()

    # Back online: sent, shown as saved, gone from the queue, one row each in the database.
    _network(browser, up=True)
    saved_rows = page.locator("#diary-entries-body tr:not(.diary-pending)")
    expect(saved_rows).to_have_count(2)
    expect(pending).to_have_count(0)
    expect(page.locator("#diary-warnings")).to_contain_text("2 tasks kept on this device")
    _wait_until_queue_empty(page)
    assert _client_ids(live_server, day_id) == queued

    # Sending an entry again (as if the server's answer had been lost) makes no second row.
    page.evaluate(
        """async (clientId) => {
          const { queue } = await import("/assets/js/diary.js");
          const form = document.querySelector("[data-diary-entry]");
          await queue.put({
            client_id: clientId, owner: document.getElementById("diary-entries").dataset.owner,
            action: form.action, label: "Referrals and advice requests", queued_at: Date.now(),
            fields: [["client_id", clientId], ["category_id", form.querySelector(
              '[data-label="Referrals and advice requests"]').value], ["duration", "10"]],
          });
          window.dispatchEvent(new Event("online"));
        }""",
        queued[0],
    )
    _wait_until_queue_empty(page)
    assert _client_ids(live_server, day_id) == queued
    page.reload()
    expect(page.locator("#diary-entries-body tr")).to_have_count(2)
    rating = page.locator(".nhsuk-summary-list__row", has_text="Workload rating")
    expect(rating).to_contain_text("7")  # online, the page comes from the server again


def test_a_refused_offline_entry_is_shown_and_put_back_in_the_form(
    live_server, sign_in, open_context
):
    _participant(live_server, "refused.diary@practice.example")
    context = open_context()
    page = context.new_page()
    sign_in(page, "refused.diary@practice.example")
    day_id = _open_day(page)

    context.set_offline(True)
    _add(page, "B2 Prescriptions and medicines", minutes="900")
    expect(page.locator("tr.diary-pending")).to_have_count(1)
    context.set_offline(False)

    warnings = page.locator("#diary-warnings")
    expect(warnings).to_contain_text("Not saved: Prescriptions and medicines (900 minutes)")
    expect(warnings).to_contain_text("from 1 to 720")
    expect(page.locator("[data-field=minutes] .nhsuk-error-message")).to_contain_text(
        "from 1 to 720"
    )
    expect(page.get_by_label("Or enter the minutes")).to_have_value("900")
    expect(page.get_by_label("B2 Prescriptions and medicines")).to_be_checked()
    expect(page.locator("tr.diary-pending")).to_have_count(0)
    _wait_until_queue_empty(page)
    assert _client_ids(live_server, day_id) == []


def test_entries_left_in_the_old_localstorage_queue_move_to_indexeddb_once(
    live_server, sign_in, open_context
):
    _participant(live_server, "migrate.diary@practice.example")
    page = open_context().new_page()
    sign_in(page, "migrate.diary@practice.example")
    day_id = _open_day(page)
    old_id = "6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f"
    page.evaluate(
        """(clientId) => {
          const form = document.querySelector("[data-diary-entry]");
          const category = form.querySelector('[data-label="Booked consultation"]').value;
          localStorage.setItem("pact-diary-queue", JSON.stringify([{
            client_id: clientId, action: form.action, label: "Booked consultation",
            queued_at: Date.now(),
            fields: [["client_id", clientId], ["category_id", category], ["duration", "15"]],
          }]));
        }""",
        old_id,
    )
    page.reload()
    expect(page.locator("#diary-entries-body tr")).to_have_count(1)
    _wait_until_queue_empty(page)
    assert page.evaluate("localStorage.getItem('pact-diary-queue')") is None
    assert _client_ids(live_server, day_id) == [old_id]
    page.reload()
    expect(page.locator("#diary-entries-body tr")).to_have_count(1)
    assert _client_ids(live_server, day_id) == [old_id]


def test_signing_out_asks_while_entries_wait_and_then_clears_the_device(
    live_server, sign_in, open_context
):
    _participant(live_server, "signout.diary@practice.example")
    context = open_context()
    page = context.new_page()
    sign_in(page, "signout.diary@practice.example")
    day_id = _open_day(page)

    context.set_offline(True)
    _add(page, "E1 Break", duration="5 min")
    expect(page.locator("tr.diary-pending")).to_have_count(1)
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Sign out").click()
    # The question comes after an IndexedDB read, so after click() returns: wait for it.
    for _ in range(200):
        if questions:
            break
        page.wait_for_timeout(25)
    expect(page.locator("tr.diary-pending")).to_have_count(1)  # still signed in, still kept
    assert questions == [
        "1 task has not been sent yet. Signing out deletes it from this device. Sign out anyway?"
    ]

    context.set_offline(False)
    expect(page.locator("tr.diary-pending")).to_have_count(0)
    _wait_until_queue_empty(page)
    assert len(_client_ids(live_server, day_id)) == 1
    context.set_offline(True)  # repeat last needs the server: it says so, and stays put
    page.get_by_role("button", name=re.compile("^Repeat last task")).click()
    expect(page.locator("#diary-warnings")).to_contain_text("Repeat last needs a connection")
    context.set_offline(False)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to PACT Feedback")
    left = page.evaluate(
        """async () => ({
          caches: await caches.keys(),
          workers: (await navigator.serviceWorker.getRegistrations()).length,
          databases: (await indexedDB.databases()).map((d) => d.name),
        })"""
    )
    assert left == {"caches": [], "workers": 0, "databases": []}
