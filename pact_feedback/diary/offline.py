"""The diary's offline support, server side: the service worker's script, and forgetting the
device's offline copies when someone signs out.

The worker is served from inside the diary (`/take-part/<slug>/diary/sw.js`), so its default
scope is that study's diary pages and no `Service-Worker-Allowed` header is needed. The script
itself is a static file (`static/js/diary-sw.js`) with no personal data, so it is public like
the other static files. See docs/diary.md, "Offline".
"""

from flask import current_app, request, send_from_directory


def service_worker(slug):
    """The service worker's script (routed by `diary.views` as `diary.service_worker`)."""
    # max_age=0: "no-cache", so a changed worker is picked up on the next visit.
    return send_from_directory(
        current_app.static_folder, "js/diary-sw.js", mimetype="text/javascript", max_age=0
    )


def forget_this_device_on_sign_out(response):
    """Signing out deletes the diary's offline copies of the person's pages, their queue of
    unsent entries and the service worker from this browser: a shared practice computer keeps
    nothing of theirs.
    (The diary page asks before signing out while entries are unsent.)"""
    if request.endpoint == "accounts.logout" and response.status_code == 302:
        response.headers["Clear-Site-Data"] = '"storage"'
    return response
