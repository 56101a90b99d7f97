"""Light pages: fingerprinted static URLs cached for a year, an import map for the modules,
compressed answers, and nothing fetched from another host."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import url_for

from pact_feedback.core.assets import IMMUTABLE, UNVERSIONED
from tests.conftest import login, make_user, page

STATIC = Path(__file__).resolve().parents[2] / "static"


def _static_url(app, filename):
    with app.test_request_context():
        return url_for("static", filename=filename)


def test_a_fingerprinted_asset_is_cached_for_a_year(app, client):
    """The current version may be kept unchanged; any other URL for the file only a day."""
    url = _static_url(app, "js/diary.js")
    assert re.fullmatch(r"/assets/js/diary\.js\?v=[0-9a-f]{12}", url)
    assert client.get(url).headers["Cache-Control"] == IMMUTABLE
    assert client.get("/assets/js/diary.js?v=000000000000").headers["Cache-Control"] == UNVERSIONED
    assert client.get("/assets/images/nhsuk-icon-cross.svg").headers["Cache-Control"] == UNVERSIONED


def test_a_changed_file_gets_a_new_version(app, tmp_path, monkeypatch):
    """The version is the content's digest, so a deploy never serves a stale cached file."""
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    (tmp_path / "a.css").write_text("a{}")
    before = parse_qs(urlsplit(_static_url(app, "a.css")).query)["v"]
    (tmp_path / "a.css").write_text("a{color:red}")
    after = parse_qs(urlsplit(_static_url(app, "a.css")).query)["v"]
    assert before != after


def test_pages_and_assets_are_compressed(app, client):
    """Brotli or gzip, as the browser accepts, for pages, stylesheets and scripts."""
    css = _static_url(app, "nhsuk/nhsuk-frontend.min.css")
    for url in ("/account/sign-in", css):
        for encoding in ("br", "gzip"):
            response = client.get(url, headers={"Accept-Encoding": encoding})
            assert response.headers["Content-Encoding"] == encoding
            raw = client.get(url, headers={"Accept-Encoding": "identity"})
            assert "Content-Encoding" not in raw.headers
            assert len(response.get_data()) < len(raw.get_data()) / 2


def test_the_import_map_points_modules_at_their_fingerprinted_urls(app, client):
    script = page(client.get("/account/sign-in")).find("script", type="importmap")
    imports = json.loads(script.string)["imports"]
    assert imports["/assets/js/diary.js"] == _static_url(app, "js/diary.js")
    assert imports["/assets/vendor/idb-keyval/index.js"].startswith(
        "/assets/vendor/idb-keyval/index.js?v="
    )


def test_no_stylesheet_or_policy_names_another_host():
    """The NHS.UK stylesheet is built with the system font stack (make css): no font host."""
    for css in STATIC.rglob("*.css"):
        text = css.read_text()
        assert not re.search(r"url\((['\"]?)(https?:)?//", text), css
        assert "@font-face" not in text, css


def test_the_csp_allows_fonts_from_this_host_only(client):
    csp = client.get("/account/sign-in").headers["Content-Security-Policy"]
    assert "font-src 'self';" in csp + ";"
    assert "assets.nhs.uk" not in csp


def test_a_static_file_neither_reads_nor_sets_the_session(app, client):
    """A stylesheet or script is the same for everyone: it must not vary on the session cookie
    (the cookie changes as the person uses the app, and the browser would ask again for every
    file it keeps) nor carry a Set-Cookie a shared cache could keep beside a public answer."""
    login(client, make_user(email="assets@practice.example"))
    response = client.get(_static_url(app, "css/pact.css"))
    assert response.status_code == 200
    assert "Cookie" not in response.vary
    assert "Set-Cookie" not in response.headers
    assert "Cookie" in client.get("/").vary  # pages still do
