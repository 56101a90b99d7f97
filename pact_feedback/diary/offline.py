"""The diary's offline support, server side: the service worker's script, and forgetting the
device's offline copies when someone signs out.

The worker is served from inside the diary (`/take-part/<slug>/diary/sw.js`), so its default
scope is that study's diary pages and no `Service-Worker-Allowed` header is needed. The script
itself is a static file (`static/js/diary-sw.js`) with no personal data, so it is public like
the other static files. See docs/diary.md, "Offline".
"""

import json

from flask import current_app, request, send_from_directory, url_for

from pact_feedback.participation.standing import standing_exempt


@standing_exempt  # a static script with nobody's data: the browser fetches it for anyone
def service_worker(slug):
    """The service worker's script (routed by `diary.views` as `diary.service_worker`)."""
    # max_age=0: "no-cache", so a changed worker is picked up on the next visit.
    return send_from_directory(
        current_app.static_folder, "js/diary-sw.js", mimetype="text/javascript", max_age=0
    )


@standing_exempt  # no personal data: public like the worker (issue 16 meets 18)
def manifest(slug):
    """The web app manifest (routed by `diary.views` as `diary.manifest`), so the diary can be
    added to a phone's home screen: it opens on today's diary day (`diary.open_today`). No
    personal data: public like the worker."""
    body = {
        "name": "PACT diary",
        "short_name": "PACT diary",
        "description": "Your PACT workload diary",
        "start_url": url_for("diary.open_today", slug=slug),
        "scope": url_for("diary.index", slug=slug),
        "display": "standalone",
        "background_color": "#f0f4f5",
        "theme_color": "#005eb8",
        "icons": [
            {
                "src": url_for("static", filename=f"images/nhsuk-icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    response = current_app.response_class(
        json.dumps(body, indent=1), mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


def forget_this_device_on_sign_out(response):
    """Signing out deletes the diary's offline copies of the person's pages, their queue of
    unsent entries and the service worker from this browser: a shared practice computer keeps
    nothing of theirs.
    (The diary page asks before signing out while entries are unsent.)"""
    signing_out = request.endpoint in ("accounts.logout", "accounts.sign_out_everywhere")
    if signing_out and response.status_code == 302:
        response.headers["Clear-Site-Data"] = '"storage"'
    return response
