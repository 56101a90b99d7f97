"""The diary's offline support on the server: the service worker's script, scoped to the
study's diary pages, and the sign-out answer that clears the device. (The worker and the
IndexedDB queue at work: tests/browser/test_diary_offline.py.)"""

from tests.conftest import csrf_token, login, page
from tests.diary.conftest import make_day


def test_the_service_worker_is_served_from_inside_the_diary(client, diary):
    """Its URL sits in the diary, so its default scope is the study's diary pages only."""
    response = client.get(f"{diary.base}/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "no-cache" in response.headers["Cache-Control"]
    assert "Service-Worker-Allowed" not in response.headers  # no wider scope asked for
    assert b'addEventListener("fetch"' in response.data


def test_the_day_page_names_its_worker_and_its_owner(client, diary):
    login(client, diary.me)
    day = make_day(diary.me, diary.study, diary.practice)
    table = page(client.get(f"{diary.base}/{day.id}")).find(id="diary-entries")
    assert table["data-service-worker"] == f"{diary.base}/sw.js"
    assert table["data-owner"] == str(diary.me.id)


def test_the_csp_allows_only_same_origin_workers(client, diary):
    csp = client.get(f"{diary.base}/sw.js").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in csp
    assert "blob:" not in csp


def test_signing_out_clears_the_devices_offline_copies_and_queue(client, diary):
    login(client, diary.me)
    response = client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"storage"'


def test_other_answers_do_not_clear_the_device(client, diary):
    login(client, diary.me)
    assert "Clear-Site-Data" not in client.get(f"{diary.base}/").headers
    refused = client.post("/account/sign-out", data={})  # no CSRF token: not signed out
    assert refused.status_code == 400
    assert "Clear-Site-Data" not in refused.headers


def test_the_diary_can_be_installed_and_opens_on_todays_day(client, diary):
    """A web app manifest with icons, linked from the diary; it starts on today's day."""
    login(client, diary.me)
    link = page(client.get(f"{diary.base}/")).find("link", rel="manifest")
    manifest = client.get(link["href"])
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["display"] == "standalone" and body["scope"] == f"{diary.base}/"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    for icon in body["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"
    start = client.get(body["start_url"])
    assert start.headers["Location"] == f"{diary.base}/new"  # no day yet: open today's
    day = make_day(diary.me, diary.study, diary.practice)
    assert client.get(body["start_url"]).headers["Location"] == f"{diary.base}/{day.id}"
