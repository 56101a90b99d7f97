"""Access rows for the workload diary, the API-token page and the JSON API.

The shared world's study is still recruiting, so the diary is read-only there: writes by the
participant redirect back with a kind message (302), while everyone else gets 404 — a
participant's day does not exist for anybody else. Tests in tests/diary cover the writes
themselves, another participant's day, and the API with real tokens. The API never reads
cookies, so every signed-in browser gets 401 from it.
"""

from pact_feedback.api.tokens import create_token
from pact_feedback.diary.taxonomy import ensure_taxonomy
from pact_feedback.extensions import db
from tests.access_rows import (
    EVERYONE,
    OWN_PARTICIPATION_PAGE,
    SIGNED_IN_ONLY,
    TEAM_FORM,
    TEAM_PAGE,
    row,
)

OWN_LOCKED_WRITE = row(302, 302, 404, 404, 404)
EVERYONE_401 = row(401, 401, 401, 401, 401)
PUBLIC = row(200, 200, 200, 200, 200)

ROWS = {
    "diary.index": {"GET": OWN_PARTICIPATION_PAGE},
    "diary.new_day": {"GET": OWN_LOCKED_WRITE, "POST": OWN_LOCKED_WRITE},
    "diary.day": {"GET": OWN_PARTICIPATION_PAGE},
    "diary.edit_day": {"GET": OWN_LOCKED_WRITE, "POST": OWN_LOCKED_WRITE},
    "diary.add_entry": {"POST": OWN_LOCKED_WRITE},
    "diary.repeat_last": {"POST": OWN_LOCKED_WRITE},
    "diary.edit_entry": {"GET": OWN_LOCKED_WRITE, "POST": OWN_LOCKED_WRITE},
    "diary.delete_entry": {"GET": OWN_LOCKED_WRITE, "POST": OWN_LOCKED_WRITE},
    "diary.complete_day": {"POST": OWN_LOCKED_WRITE},
    "diary.summary": {"GET": OWN_PARTICIPATION_PAGE},
    # The service worker's script: a static file, no personal data (pact_feedback/diary/offline.py).
    "diary.service_worker": {"GET": EVERYONE},
    "diary.manifest": {"GET": EVERYONE},  # the web app manifest: no personal data either
    # Where the installed diary opens: a redirect to today's day (or its form, or consent).
    "diary.open_today": {"GET": row(302, 302, 404, 404, 404)},
    "diary.settings": {"GET": OWN_PARTICIPATION_PAGE, "POST": OWN_LOCKED_WRITE},
    "api_tokens.index": {"GET": SIGNED_IN_ONLY, "POST": row(302, 422, 422, 422, 422)},
    "api_tokens.revoke": {"POST": row(302, 302, 404, 404, 404)},
    "api_v1.openapi": {"GET": PUBLIC},
    "api_v1.docs": {"GET": PUBLIC},
    "api_v1.studies": {"GET": EVERYONE_401},
    "api_v1.categories": {"GET": EVERYONE_401},
    "api_v1.days": {"GET": EVERYONE_401},
    "api_v1.create_day": {"POST": EVERYONE_401},
    "api_v1.day": {"GET": EVERYONE_401},
    "api_v1.update_day": {"PATCH": EVERYONE_401},
    "api_v1.delete_day": {"DELETE": EVERYONE_401},
    "api_v1.entries": {"GET": EVERYONE_401},
    "api_v1.create_entry": {"POST": EVERYONE_401},
    "api_v1.entry": {"GET": EVERYONE_401},
    "api_v1.update_entry": {"PATCH": EVERYONE_401},
    "api_v1.delete_entry": {"DELETE": EVERYONE_401},
}


def extend_world(world) -> None:
    """The participant's own diary day with one entry, and their API token."""
    from tests.diary.conftest import make_day

    ensure_taxonomy(world.study)
    db.session.commit()
    participant = world.users["participant"]
    day = make_day(participant, world.study, world.practice, entries=[("B1", 10)])
    token, _ = create_token(participant, "phone", by=participant)
    world.values.update(
        day_id=day.id,
        entry_id=day.entries[0].id,
        token_id=token.id,
        category_id=day.entries[0].category_id,
    )


ROWS.update(
    {
        "diary.plan": {"POST": OWN_LOCKED_WRITE},
        "diary_team.settings": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
        "diary_team.allocate": {"POST": row(302, 403, 403, 403, 302)},
        "diary_team.new_category": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
        "diary_team.edit_category": {"GET": TEAM_PAGE, "POST": TEAM_FORM},
    }
)
