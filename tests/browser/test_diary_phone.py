"""The diary on a phone between patients: at 390x844 and 320x640 a task is chosen, timed and
saved without scrolling, in as few interactions as on a desktop (repeat last = 1, a new task
with a quick duration = 3; by keyboard a new task in 6 key presses from the task search), the
running total stays on screen, nothing scrolls sideways on a participant's pages, and a note the
server would refuse is refused by the device before it is kept offline."""

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.diary.test_validation import ACCEPTED_DATES, REFUSED_AS_IDENTIFYING

DIARY = "/take-part/hidden-workload/diary/"
PHONES = [{"width": 390, "height": 844}, {"width": 320, "height": 640}]
DESKTOP = {"width": 1280, "height": 800}
SCROLL = "() => [window.scrollX, window.scrollY]"
# PACT_SCREENSHOTS=docs/images refreshes the pictures in docs/participant.md.
SCREENSHOTS = os.environ.get("PACT_SCREENSHOTS")


def _screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / name))


def _new_day(live_server, sign_in, open_context, email, viewport):
    live_server.create_user(
        email,
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="salaried_gp",
    )
    page = open_context(viewport=viewport, has_touch=True).new_page()
    sign_in(page, email)
    page.goto(DIARY + "new")
    page.get_by_role("button", name="Open this day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    return page


def _on_screen(page, locator) -> bool:
    """Wholly on the screen and not under the sticky total or the sticky save bar."""
    box = locator.bounding_box()
    if box is None:
        return False
    top, bottom = 0, page.viewport_size["height"]
    inside = "(e, sticky) => Boolean(e.closest(sticky))"
    edge = page.locator(".diary-sticky").bounding_box()
    if edge and not locator.evaluate(inside, ".diary-sticky"):
        top = edge["y"] + edge["height"]
    edge = page.locator(".diary-bar").bounding_box()
    if edge and not locator.evaluate(inside, ".diary-bar"):
        bottom = min(bottom, edge["y"])
    return box["y"] >= top and box["y"] + box["height"] <= bottom


def _scroll_to(page, selector):
    """Scroll so that `selector` starts just below the sticky running total."""
    page.locator(selector).evaluate(
        """(el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY
             - document.querySelector(".diary-sticky").offsetHeight)"""
    )


class Taps:
    """Counts the interactions of a task and checks that none of them needed a scroll: each
    target is on the screen when tapped and the page has not moved since the first tap. (After
    the save, text added above the form may shift scrollY while Chrome's scroll anchoring keeps
    what is on screen in place, so the save itself is checked by what stays on screen.)"""

    def __init__(self, page):
        self.page, self.count = page, 0
        self.at = page.evaluate(SCROLL)

    def tap(self, locator):
        assert self.page.evaluate(SCROLL) == self.at, "the page scrolled"
        assert _on_screen(self.page, locator), f"{locator} is not on the screen"
        locator.tap()
        self.count += 1


@pytest.mark.parametrize("viewport", PHONES, ids=["390x844", "320x640"])
def test_one_screen_per_task_on_a_phone(live_server, sign_in, open_context, axe_check, viewport):
    """Choose, time and save a task with no scroll: 3 taps for a new one, 1 to repeat it."""
    email = f"phone{viewport['width']}@practice.example"
    page = _new_day(live_server, sign_in, open_context, email, viewport)
    axe_check(page)
    rows = page.locator("#diary-entries-body tr")
    # The person scrolls once to the form; from there on nothing moves.
    _scroll_to(page, "#diary-entry-form")
    if viewport["width"] == 320:
        _screenshot(page, "diary-phone-320-choose.png")
    taps = Taps(page)
    taps.tap(page.get_by_text("B1 Test results", exact=True))
    taps.tap(page.locator("label[for=duration-1]"))  # 5 min
    taps.tap(page.get_by_role("button", name="Add task"))
    expect(rows).to_have_count(1)
    assert taps.count == 3
    assert _on_screen(page, page.get_by_text("B1 Test results", exact=True))  # ready again
    expect(page.locator("#diary-tally")).to_contain_text("Recorded so far: 5 minutes, 1 task")
    assert _on_screen(page, page.locator("#diary-tally"))

    # Reload: the used task is first, as a large target, and repeat last is one tap.
    page.reload()
    expect(page.locator("[data-diary-recent]")).to_contain_text("B1 Test results")
    _scroll_to(page, "#add-entry")
    taps = Taps(page)
    taps.tap(page.get_by_role("button", name=re.compile("^Repeat last task")))
    expect(rows).to_have_count(2)
    assert taps.count == 1
    # And a task from the whole list: one tap opens it, the search narrows it.
    taps = Taps(page)
    taps.tap(page.locator("[data-diary-recent] label").first)  # B1 again, from the top
    taps.tap(page.locator("label[for=duration-3]"))  # 15 min
    taps.tap(page.get_by_role("button", name="Add task"))
    expect(rows).to_have_count(3)
    expect(page.locator("#diary-tally")).to_contain_text("25 minutes, 3 tasks")
    # The save bar stays at the bottom of the screen while the task list is scrolled.
    page.get_by_text("All tasks", exact=True).click()
    page.get_by_text("E9 Other (specify)", exact=True).scroll_into_view_if_needed()
    assert _on_screen(page, page.get_by_role("button", name="Add task"))
    assert _on_screen(page, page.locator("#diary-tally"))
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    axe_check(page)
    if viewport["width"] == 390:
        _screenshot(page, "diary-phone-390-all-tasks.png")


def test_typing_finds_a_task(live_server, sign_in, open_context, axe_check):
    """ "res" finds B1 Test results; Enter chooses it."""
    page = _new_day(live_server, sign_in, open_context, "search.phone@practice.example", PHONES[0])
    search = page.get_by_label("Find a task")
    _scroll_to(page, "#diary-entry-form")
    search.fill("res")
    visible = page.locator("[data-diary-all] .diary-choice:visible")
    expect(visible.first).to_contain_text("B1 Test results")
    assert visible.count() < 6
    axe_check(page)
    _screenshot(page, "diary-phone-390-search.png")
    search.press("Enter")
    expect(page.locator("input[data-label='Test results']")).to_be_checked()


def test_a_new_task_by_keyboard_in_six_key_presses(live_server, sign_in, open_context):
    """From the task search, the add form's first control: r, e, s, Enter, Right, Enter."""
    page = _new_day(live_server, sign_in, open_context, "keys.phone@practice.example", DESKTOP)
    search = page.get_by_label("Find a task")
    expect(search).to_be_visible()  # the page's script shows it once the form is enhanced
    search.focus()
    presses = ["r", "e", "s", "Enter", "ArrowRight", "Enter"]
    for key in presses:
        page.keyboard.press(key)
    rows = page.locator("#diary-entries-body tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("B1 Test results")
    expect(rows.first).to_contain_text("5")
    assert len(presses) <= 6


def test_typing_on_the_task_list_finds_a_task(live_server, sign_in, open_context):
    """Type-ahead on the task list: letters typed while a task has focus go to "Find a task"
    (only there: no page-wide letter shortcut, WCAG 2.1.4), so r, e, s, Enter, Right, Enter
    adds B1 Test results from the list as from the search."""
    page = _new_day(live_server, sign_in, open_context, "ahead.phone@practice.example", DESKTOP)
    expect(page.get_by_label("Find a task")).to_be_visible()  # the script has enhanced the form
    page.locator("[data-diary-all] .diary-choice__input").first.focus()
    for key in ["r", "e", "s"]:
        page.keyboard.press(key)
    search = page.get_by_label("Find a task")
    expect(search).to_be_focused()
    expect(search).to_have_value("res")
    for key in ["Enter", "ArrowRight", "Enter"]:
        page.keyboard.press(key)
    rows = page.locator("#diary-entries-body tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("B1 Test results")


def test_no_sideways_scroll_on_a_participants_pages(live_server, sign_in, open_context):
    """At 320 px wide, none of a participant's pages is wider than the screen."""
    page = _new_day(live_server, sign_in, open_context, "narrow@practice.example", PHONES[1])
    day = page.url
    page.get_by_text("B2 Prescriptions and medicines", exact=True).click()
    page.locator("label[for=duration-2]").click()
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("#diary-entries-body tr")).to_have_count(1)
    page.goto(day)
    edit = page.get_by_role("link", name=re.compile("^Change Prescriptions")).get_attribute("href")
    pages = [
        "/",
        "/take-part/hidden-workload",
        DIARY,
        DIARY + "new",
        day,
        f"{day}/edit",
        edit,
        DIARY + "summary",
        DIARY + "settings",
        "/take-part/hidden-workload/consent",
        "/account/password",
        "/account/api-tokens/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{url} is {width} px wide"


def test_the_device_refuses_an_identifying_note_before_keeping_it(
    live_server, sign_in, open_context
):
    """Offline, a note with an NHS number or a date of birth is not queued; the browser's check
    agrees with the server's on every documented example."""
    page = _new_day(live_server, sign_in, open_context, "offnote@practice.example", PHONES[0])
    check = """async ([notes, rules]) => {
      const { noteErrors } = await import("/assets/js/diary.js");
      return notes.map((note) => noteErrors(note, rules).length > 0);
    }"""
    rules = json.loads(page.locator("[data-diary-entry]").get_attribute("data-note-rules"))
    assert page.evaluate(check, [REFUSED_AS_IDENTIFYING, rules]) == [True] * len(
        REFUSED_AS_IDENTIFYING
    )
    assert page.evaluate(check, [ACCEPTED_DATES, rules]) == [False] * len(ACCEPTED_DATES)
    assert page.evaluate(check, [["pt 943 476 5919 called", "9434765918 no"], rules]) == [
        True,
        False,
    ]

    expect(page.locator("#diary-entries[data-offline-ready]")).to_have_count(1)
    page.context.set_offline(True)
    page.get_by_text("B3 Correspondence and documents", exact=True).click()
    page.locator("label[for=duration-1]").click()
    page.get_by_text("More details (optional)").click()
    page.get_by_label("Note").fill("pt 943 476 5919 called")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("[data-field=note] .nhsuk-error-message")).to_contain_text("NHS number")
    expect(page.locator("tr.diary-pending")).to_have_count(0)
    page.get_by_label("Note").fill("letter dated 1/2/26")
    page.get_by_role("button", name="Add task").click()
    expect(page.locator("tr.diary-pending")).to_contain_text("Waiting to send")


BROKEN_WORDS = """(root) => {
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const match of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) broken.push(match[0]);
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, {"width": 1024, "height": 768}, PHONES[1]])
def test_the_sidebar_breaks_lines_between_words(live_server, sign_in, open_context, viewport):
    """ "Care-related encounters" and "Scheduled" are never split inside a word."""
    page = _new_day(
        live_server, sign_in, open_context, f"side{viewport['width']}@practice.example", viewport
    )
    sidebar = page.locator(".nhsuk-grid-column-one-third")
    assert sidebar.evaluate(BROKEN_WORDS) == []
