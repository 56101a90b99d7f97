"""The study team edits the taxonomy (codes stable, retire not delete) and the diary settings;
participants plan a day in studies where they choose."""

from datetime import date, timedelta

from sqlalchemy import select

from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.models import Category, DiaryAllocation
from pact_feedback.extensions import db
from tests.conftest import error_messages, login, page, submit
from tests.diary.conftest import make_day


def test_team_adds_renames_reorders_and_retires_categories(app, client, diary):
    login(client, diary.team)
    base = f"/studies/{diary.study.slug}/diary"
    response = submit(
        client,
        f"{base}/categories/new",
        {
            "code": "b10",
            "label": "Medicines shortages",
            "group": "B",
            "position": "95",
            "active": "y",
        },
    )
    assert response.status_code == 302
    added = db.session.scalar(select(Category).filter_by(study_id=diary.study.id, code="B10"))
    assert (added.label, added.group, added.position, added.active) == (
        "Medicines shortages",
        "B",
        95,
        True,
    )
    again = submit(
        client,
        f"{base}/categories/new",
        {"code": "B10", "label": "Again", "group": "B", "position": "1"},
    )
    assert again.status_code == 422
    assert "Codes cannot be reused" in " ".join(error_messages(again))
    wrong_group = submit(
        client,
        f"{base}/categories/new",
        {"code": "C9", "label": "X", "group": "B", "position": "1"},
    )
    assert "must start with its group letter, B" in " ".join(error_messages(wrong_group))

    # A category in use is retired and renamed; its entries keep it.
    b1 = diary.categories["B1"]
    day = make_day(diary.me, diary.study, diary.practice, entries=[("B1", 10)])
    response = submit(
        client, f"{base}/categories/{b1.id}", {"label": "Results", "group": "B", "position": "5"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (b1.code, b1.label, b1.position, b1.active) == ("B1", "Results", 5, False)
    assert day.entries[0].category_id == b1.id
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "diary_category_added" in actions and "diary_category_changed" in actions

    # The participant no longer sees it as a choice, but their entry still shows it.
    client = app.test_client()
    login(client, diary.me)
    view = page(client.get(f"/take-part/{diary.study.slug}/diary/{day.id}"))
    assert view.find("input", attrs={"name": "category_id", "value": str(b1.id)}) is None
    assert "B1 Results" in view.find(id="diary-entries").get_text()
    edit = page(
        client.get(f"/take-part/{diary.study.slug}/diary/{day.id}/entries/{day.entries[0].id}/edit")
    )
    assert edit.find("input", attrs={"name": "category_id", "value": str(b1.id)}).has_attr(
        "checked"
    )


def test_team_sets_days_required_and_allocation(client, diary):
    login(client, diary.team)
    base = f"/studies/{diary.study.slug}/diary/"
    response = submit(client, base, {"diary_days_required": "2", "day_selection": "allocate"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (diary.study.diary_days_required, diary.study.day_selection) == (2, "allocate")
    assert submit(client, f"{base}allocate", {}, form_url=base).status_code == 302
    allocated = db.session.scalars(select(DiaryAllocation)).all()
    assert {a.user_id for a in allocated} == {diary.me.id, diary.colleague.id}
    bad = submit(client, base, {"diary_days_required": "0", "day_selection": "allocate"})
    assert bad.status_code == 422


def test_participant_plans_a_day_and_is_reminded(client, diary, outbox):
    from pact_feedback.diary.allocation import send_reminders

    login(client, diary.me)
    settings = f"/take-part/{diary.study.slug}/diary/settings"
    plan = f"/take-part/{diary.study.slug}/diary/plan"
    past = submit(
        client,
        plan,
        {"planned_date": (date.today() - timedelta(days=1)).isoformat()},
        form_url=settings,
    )
    assert past.status_code == 422
    assert "today or a day still to come" in " ".join(error_messages(past))
    tomorrow = date.today() + timedelta(days=1)
    assert (
        submit(client, plan, {"planned_date": tomorrow.isoformat()}, form_url=settings).status_code
        == 302
    )
    assert (
        tomorrow.strftime("%-d %B %Y")
        in page(client.get(f"/take-part/{diary.study.slug}/diary/")).get_text()
    )
    assert send_reminders()["reminders"] == 1
    assert outbox[0].to == [diary.me.email]
