"""Light pages, measured where it counts: every request that reaches the app and every byte it
sends back (headers and the body as sent, compressed), for a diary day's first visit with an
empty browser cache and for a repeat visit. Limits: first visit <= 150 KB in <= 8 requests,
repeat visit <= 30 KB (docs/performance.md records the figures)."""

import re
from urllib.parse import urlsplit

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
    page.goto("/take-part/hidden-workload/diary/new")
    page.get_by_role("button", name="Open this day").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Diary day: "))
    # The premise is a device whose service worker is installed and has kept the day: on a busy
    # machine it may still be installing here, so wait for it rather than count its install.
    expect(page.locator("#diary-entries[data-offline-ready]")).to_have_count(1)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    day = page.url
    page.goto("/")  # leave the day; then forget every file the browser kept
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    recorder = Recorder(live_server.app.wsgi_app)
    monkeypatch.setattr(live_server.app, "wsgi_app", recorder)

    _visit(page, day)
    first = recorder.take()
    first_bytes = sum(r["bytes"] for r in first)
    print(f"\nfirst visit: {len(first)} requests, {first_bytes} bytes\n{_describe(first)}")
    assert len(first) <= FIRST_VISIT_REQUESTS, _describe(first)
    assert first_bytes <= FIRST_VISIT_BYTES, _describe(first)
    assert [r["path"] for r in first].count(urlsplit(day).path) == 1  # the page, once

    _visit(page, day)
    repeat = recorder.take()
    repeat_bytes = sum(r["bytes"] for r in repeat)
    print(f"repeat visit: {len(repeat)} requests, {repeat_bytes} bytes\n{_describe(repeat)}")
    assert repeat_bytes <= REPEAT_VISIT_BYTES, _describe(repeat)
    context.close()
