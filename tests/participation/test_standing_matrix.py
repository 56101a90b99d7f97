"""One standing decides everything: for each stage of a participant's standing, the web diary,
the API, reminders, allocation and the study page all agree on whether they keep a diary,
and the study page offers only what that stage allows."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from pact_feedback.accounts.models import Membership
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.api.tokens import create_token
from pact_feedback.core.time import today
from pact_feedback.diary.allocation import allocate_days, send_reminders
from pact_feedback.diary.models import DiaryAllocation, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.governance.actions import erase
from pact_feedback.participation.actions import withdraw
from pact_feedback.participation.standing import OFFERS, Stage, standing_of
from tests.conftest import csrf_token, login, make_user, page
from tests.diary.conftest import make_day


def _person(diary, stage: Stage):
    study = diary.study
    if stage is Stage.NOT_INVITED:
        return make_user()
    person = make_user(
        role=PARTICIPANT,
        practice=diary.practice,
        study=study,
        consented=stage is not Stage.INVITED,
        staff_role="gp_partner",
    )
    membership = db.session.scalar(
        select(Membership).filter_by(user_id=person.id, study_id=study.id)
    )
    if stage is Stage.NEEDS_RECONSENT:
        study.pis_version = "2.0"
        db.session.commit()
    elif stage is Stage.WITHDRAWN:
        withdraw(membership, by=person)
    elif stage is Stage.ERASED:
        erase(membership, by=person)
    return person


def _entries(day_id) -> int:
    return db.session.scalar(select(func.count(TaskEntry.id)).filter_by(day_id=day_id))


@pytest.mark.parametrize("stage", list(Stage), ids=lambda s: s.name)
def test_every_surface_agrees_with_the_standing(client, diary, outbox, stage):
    person = _person(diary, stage)
    assert standing_of(person.id, diary.study).stage is stage
    day = make_day(person, diary.study, diary.practice)
    day_id, slug, keeps = day.id, diary.study.slug, stage is Stage.CONSENTED
    login(client, person)

    # The web diary: its index, a day page and saving an entry on it.
    index_open = client.get(f"{diary.base}/").status_code == 200
    day_open = client.get(f"{diary.base}/{day_id}").status_code == 200
    token = csrf_token(client, "/account/api-tokens/")
    client.post(
        f"{diary.base}/{day_id}/entries",
        data={"csrf_token": token, "category_id": diary.categories["B1"].id, "duration": "5"},
    )
    web_saved = _entries(day_id) == 1

    # The API: the study list and saving an entry.
    _, secret = create_token(person, "phone", by=person)
    auth = {"Authorization": f"Bearer {secret}"}
    listed = slug in [s["slug"] for s in client.get("/api/v1/studies", headers=auth).json["items"]]
    body = {"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5}
    api_saved = (
        client.post(f"/api/v1/days/{day_id}/entries", json=body, headers=auth).status_code == 201
    )

    # Reminders and allocation.
    allocation = DiaryAllocation(
        study_id=diary.study.id, user_id=person.id, date=today() + timedelta(days=1)
    )
    db.session.add(allocation)
    db.session.commit()
    send_reminders()
    reminded = db.session.get(DiaryAllocation, allocation.id).reminded_at is not None
    db.session.delete(db.session.get(DiaryAllocation, allocation.id))
    db.session.commit()
    allocated = person.id in allocate_days(diary.study)

    # The study page: what it offers.
    response = client.get(f"/take-part/{slug}")
    offered = set()
    if response.status_code == 200:
        links = {a["href"] for a in page(response).select("main a[href]")}
        named = {
            "diary": f"/take-part/{slug}/diary/",
            "change_role": f"/take-part/{slug}/consent",
            "erase": f"/take-part/{slug}/erase",
            "withdraw": f"/take-part/{slug}/withdraw",
        }
        offered = {offer for offer, href in named.items() if href in links}
    elif response.status_code == 302 and response.location.endswith("/consent"):
        offered = {"consent"}

    surfaces = {
        "web index": index_open,
        "web day page": day_open,
        "web entry saved": web_saved,
        "api study listed": listed,
        "api entry saved": api_saved,
        "reminded": reminded,
        "allocated": allocated,
        "study page offers the diary": "diary" in offered,
    }
    assert {name for name, value in surfaces.items() if value != keeps} == set()
    # Consent still to give: the study page is the consent page.
    asks_consent = stage in (Stage.INVITED, Stage.NEEDS_RECONSENT)
    assert offered == ({"consent"} if asks_consent else OFFERS[stage])
    assert not asks_consent or "consent" in OFFERS[stage]


@pytest.mark.parametrize("stage", [Stage.WITHDRAWN, Stage.ERASED], ids=lambda s: s.name)
def test_no_new_consent_after_withdrawal(client, diary, stage):
    """The consent form ('Change your role') is closed once they have left."""
    person = _person(diary, stage)
    login(client, person)
    response = client.get(f"/take-part/{diary.study.slug}/consent")
    assert response.status_code == 302 and response.location.endswith(f"/{diary.study.slug}")


def test_erased_participant_is_not_offered_erasure_again(client, diary):
    person = _person(diary, Stage.ERASED)
    login(client, person)
    html = client.get(f"/take-part/{diary.study.slug}").get_data(as_text=True)
    assert "was erased" in html and "unless you erase it" not in html
    assert client.get(f"/take-part/{diary.study.slug}/erase").status_code == 302
