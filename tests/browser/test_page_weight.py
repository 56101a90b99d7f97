"""Light pages, measured where it counts: every request that reaches the app and every byte it
sends back (headers and the body as sent, compressed), for a diary day's very first visit on a
device (no service worker yet: it installs and keeps the page), a first visit with an empty
browser cache, and a repeat visit. Limits: a first visit, either kind, <= 150 KB in <= 8
requests; a repeat visit <= 30 KB (docs/performance.md records the figures)."""

import re
from urllib.parse import urljoin, urlsplit

from playwright.sync_api import expect

FIRST_VISIT_BYTES, FIRST_VISIT_REQUESTS = 150_000, 8
REPEAT_VISIT_BYTES = 30_000


class Recorder:
    """WSGI middleware noting each request's path and the bytes of its answer."""

    def __init__(self, inner):
        self.inner, self.log = inner, []

    def __call__(self, environ, start_response):
        record = {"path": environ["PATH_INFO"], "bytes": 0}
        self.log.append(record)

        def start(status, headers, exc_info=None):
            record["status"] = status
            record["bytes"] += len(status) + 11 + sum(len(k) + len(v) + 4 for k, v in headers)
            return start_response(status, headers, exc_info)

        for chunk in self.inner(environ, start):
            record["bytes"] += len(chunk)
            yield chunk

    def take(self):
        log, self.log = self.log, []
        return log


def _visit(page, url):
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    expect(page.locator("#diary-entries[data-offline-ready]")).to_have_count(1)
    page.wait_for_load_state("networkidle")


def _check_first_visit(name, log):
    total = sum(r["bytes"] for r in log)
    print(f"\n{name}: {len(log)} requests, {total} bytes\n{_describe(log)}")
    assert len(log) <= FIRST_VISIT_REQUESTS, _describe(log)
    assert total <= FIRST_VISIT_BYTES, _describe(log)


def _describe(log):
    return "\n".join(f"{r['bytes']:>8} {r.get('status', '?')[:3]} {r['path']}" for r in log)


def test_a_diary_day_is_light_on_first_and_repeat_visits(
    live_server, sign_in, browser, browser_errors, monkeypatch
):
    live_server.create_user(
        "weight@practice.example",
        role="participant",
        practice_ods="A81001",
        study_slug="hidden-workload",
        consented=True,
        staff_role="salaried_gp",
    )
    # Not `open_context`: Playwright turns the browser's HTTP cache off in a context that routes
    # requests, and the cache is what a repeat visit is about. Requests to another host are
    # watched instead of blocked, and fail the test all the same.
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844}
    )
    host = urlsplit(live_server.url).netloc
    context.on(
        "request",
        lambda r: (
            urlsplit(r.url).netloc in (host, "")
            or browser_errors.append(f"a request left the app's host: {r.url}")
        ),
    )
    page = context.new_page()
    sign_in(page, "weight@practice.example")
    # Open a day without the browser showing it, so this device has never had the diary's
    # service worker: the form is sent as the button would send it, and the answer not followed.
    page.goto("/take-part/hidden-workload/diary/new")
    form = page.locator("form", has=page.get_by_role("button", name="Open this day"))
    fields, action = form.evaluate("f => [[...new FormData(f)], f.action]")
    answer = page.request.post(action, form=dict(fields), max_redirects=0)
    assert answer.status == 302, answer.text()
    day = urljoin(action, answer.headers["location"])
    page.goto("/")  # then forget every file the browser kept
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    recorder = Recorder(live_server.app.wsgi_app)
    monkeypatch.setattr(live_server.app, "wsgi_app", recorder)

    _visit(page, day)  # waits for the worker to be installed and to have kept the day
    _check_first_visit("very first visit (no service worker)", recorder.take())

    page.goto("/")  # leave the day; then forget every file the browser kept
    cdp.send("Network.clearBrowserCache")
    recorder.take()
    _visit(page, day)
    first = recorder.take()
    _check_first_visit("first visit (service worker installed)", first)
    assert [r["path"] for r in first].count(urlsplit(day).path) == 1  # the page, once

    _visit(page, day)
    repeat = recorder.take()
    repeat_bytes = sum(r["bytes"] for r in repeat)
    print(f"repeat visit: {len(repeat)} requests, {repeat_bytes} bytes\n{_describe(repeat)}")
    assert repeat_bytes <= REPEAT_VISIT_BYTES, _describe(repeat)
    context.close()
