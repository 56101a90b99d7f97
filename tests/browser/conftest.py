"""Browser tests: Playwright drives Debian's chromium against a live PACT Feedback server.

What this conftest gives every `tests/browser/test_*.py` (names are stable; other features rely
on them):

- `live_server` (session): the app served on 127.0.0.1 from a background thread, on its own
  SQLite file (never TEST_DATABASE_URL, which the rest of the suite empties after each test),
  migrated to every head and loaded with the demo data (`pact_feedback.demo.seed`).
  Attributes: `.url` (no trailing slash), `.app` (use `with live_server.app.app_context():`
  briefly, and never keep a context pushed while Playwright runs), `.outbox` (emails sent so
  far, flask-mailman locmem), `.password` (the demo password), and
  `.create_user(email, role=..., practice_ods=..., study_slug=..., consented=..., staff_role=...)`
  to add a fresh person when a test must change someone's state. The demo data is shared by
  every browser test of the run, in any order: give what you create unique names, and do not
  rely on a demo person's state staying put (test_foundation gives NEWCOMER's consent; use
  `create_user` for another participant without consent).
- Demo users, as constants importable with `from tests.browser.conftest import ...`:
  `TEAM`, `LEAD` (lead of the first demo practice), `GP`, `NURSE` (consented participants of
  `hidden-workload` at the first practice), `NEWCOMER` (participant without consent), and
  `DEMO_PASSWORD`.
- `page`, `context`: pytest-playwright's, with `base_url` set to the live server (so
  `page.goto("/account/sign-in")` works); a request to any other host is aborted and fails the
  test (no page may depend on another host: fonts are the system's, assets are our own).
  `new_page()` gives a page in another fresh context (a second person); `open_context(**kw)`
  a bare context. Every page of these fails the test on an uncaught script error or a console
  error such as a Content-Security-Policy refusal (`browser_errors` holds them).
- `sign_in(page, email, password=DEMO_PASSWORD)`: signs in through the real form.
- `signed_in_page(email)`: a new page on the home page, signed in as `email`. The cookie is kept
  per user for the whole run, so each user signs in once (the sign-in form is rate limited to
  30 POSTs a minute per address). Do not sign out or change the password on such a page; use a
  plain `page` with `sign_in` (or a `create_user` person) for that.
- `axe_check(page)`: runs axe-core on the current page (rules tagged WCAG 2.0/2.1/2.2 A and AA,
  plus axe's best practices: one h1, headings in order, everything inside a landmark) and fails
  listing each violation's id, help and target nodes. After a click that navigates, wait for
  the new page first (e.g. `expect(page.get_by_role("heading", level=1)).to_have_text(...)`),
  or axe may inspect a half-loaded document.

Every test in this directory gets the `browser` marker. Without /usr/bin/chromium the tests are
skipped, unless PACT_REQUIRE_BROWSER=1 (CI), when they fail instead.
"""

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from pact_feedback import create_app
from pact_feedback.extensions import db

# On a loaded 2-core machine the diary's background sends take longer than Playwright's 5 s;
# what the tests check is that they happen, not how fast (speed is measured in bench/).
expect.set_options(timeout=15_000)

CHROMIUM = Path("/usr/bin/chromium")
DEMO_PASSWORD = "demo-password-2026"
TEAM = "study.team@pact.example"
LEAD = "lead.1@practice.example"
GP = "gp.1@practice.example"
NURSE = "nurse.1@practice.example"
NEWCOMER = "new.1@practice.example"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark this directory's tests `browser`; skip them (or fail, in CI) without chromium."""
    mine = [item for item in items if HERE in Path(str(item.path)).resolve().parents]
    for item in mine:
        item.add_marker(pytest.mark.browser)
    if not CHROMIUM.exists() and os.environ.get("PACT_REQUIRE_BROWSER") != "1":
        skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)")
        for item in mine:
            item.add_marker(skip)


# The live server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str
    password: str = DEMO_PASSWORD
    _server: object = field(default=None, repr=False)

    @property
    def outbox(self) -> list:
        return getattr(self.app.extensions["mailman"], "outbox", [])

    def create_user(
        self,
        email: str,
        *,
        name: str = "Test Person",
        role: str | None = None,
        practice_ods: str | None = None,
        study_slug: str | None = None,
        consented: bool = False,
        staff_role: str | None = None,
        password: str = DEMO_PASSWORD,
    ) -> None:
        """Add a person to the live database (roles as in `accounts.actions.grant_role`)."""
        from pact_feedback.accounts.actions import grant_role
        from pact_feedback.accounts.models import Consent, User
        from pact_feedback.accounts.passwords import hash_password
        from pact_feedback.practices.models import Practice
        from pact_feedback.studies.models import Study

        with self.app.app_context():
            user = User(email=email, name=name, password_hash=hash_password(password))
            db.session.add(user)
            db.session.flush()
            practice = study = None
            if practice_ods:
                practice = db.session.scalar(select(Practice).filter_by(ods_code=practice_ods))
            if study_slug:
                study = db.session.scalar(select(Study).filter_by(slug=study_slug))
            if role:
                membership = grant_role(user, role, practice=practice, study=study, by=user)
                membership.staff_role = staff_role
            if consented:
                db.session.add(
                    Consent(user_id=user.id, study_id=study.id, pis_version=study.pis_version)
                )
            db.session.commit()
            db.session.remove()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from pact_feedback.demo import seed

    database = tmp_path_factory.mktemp("browser") / "browser.sqlite3"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    with app.app_context():
        upgrade()
        seed(DEMO_PASSWORD)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", _server=server)
    app.config["SERVER_BASE_URL"] = live.url  # emailed links point here, as in production
    yield live
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


# Playwright wiring ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"PACT_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": browser_type_launch_args.get("headless", True),
        "args": [
            "--no-sandbox",
            "--disable-dev-shm-usage",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {**browser_context_args, "base_url": live_server.url, "locale": "en-GB"}


def _only_the_live_server(live_server, errors: list[str] | None = None):
    """Requests to the live server go through; one to any other host is refused and, with
    `errors` (the test's `browser_errors`), fails the test: no page may leave the app's host."""
    host = urlsplit(live_server.url).netloc

    def handle(route):
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            if errors is not None:
                errors.append(f"a request left the app's host: {route.request.url}")
            route.abort()

    return handle


@pytest.fixture
def browser_errors():
    """Script errors and CSP refusals seen by any page of the test; it fails if there are any."""
    seen: list[str] = []
    yield seen
    if seen:
        pytest.fail("The browser reported errors:\n" + "\n".join(seen), pytrace=False)


@pytest.fixture
def open_context(new_context, live_server, browser_errors):
    """`open_context(**kwargs)`: a new browser context, offline except for the live server."""

    def _open(**kwargs):
        context = new_context(**kwargs)
        context.route("**/*", _only_the_live_server(live_server, browser_errors))
        context.on("weberror", lambda e: browser_errors.append(f"{e.page.url}: {e.error}"))

        def console(message):
            # Resources that fail to load (4xx pages) are expected; an off-site request is
            # caught (and fails the test) by the route above.
            if message.type == "error" and "Failed to load resource" not in message.text:
                browser_errors.append(f"{message.page and message.page.url}: {message.text}")

        context.on("console", console)
        return context

    return _open


@pytest.fixture
def context(open_context):
    """pytest-playwright's context, offline except for the live server, failing on JS errors."""
    return open_context()


@pytest.fixture
def new_page(open_context):
    """`new_page()`: a page in a fresh context (another person, another browser)."""
    return lambda: open_context().new_page()


@pytest.fixture
def sign_in():
    def _sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
        page.goto("/account/sign-in")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return _sign_in


@pytest.fixture(scope="session")
def _storage_states():
    return {}


@pytest.fixture
def signed_in_page(open_context, sign_in, _storage_states):
    """`signed_in_page(email)`: a page in a new context, signed in as `email` (once per run)."""

    def _open(email: str) -> Page:
        context = open_context(storage_state=_storage_states.get(email))
        page = context.new_page()
        if email in _storage_states:
            page.goto("/")
            if page.get_by_role("button", name="Sign out").count():
                return page
        sign_in(page, email)
        _storage_states[email] = context.storage_state()
        return page

    return _open


# axe-core -------------------------------------------------------------------------------------

_axe = Axe()


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            targets = ", ".join(str(t) for t in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"  - {targets}: {summary}\n      {node.get('html', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def axe_check():
    """`axe_check(page)`: no WCAG 2.x A/AA or best-practice violations on the page as it is."""

    def _check(page: Page) -> None:
        page.wait_for_load_state()
        results = _axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = results.response["violations"]
        if violations:
            pytest.fail(
                f"axe found {len(violations)} violation(s) on {page.url}:\n"
                + describe_violations(violations),
                pytrace=False,
            )

    return _check
