"""Withdrawal stops collection and keeps data; erasure deletes it for real, recomputes drafts,
leaves released practice reports frozen and is audited without the data."""

import uuid

from sqlalchemy import func, select

from pact_feedback.accounts.roles import STUDY_TEAM
from pact_feedback.api.tokens import create_token
from pact_feedback.audit.models import AuditEvent
from pact_feedback.diary.models import DiaryAllocation, DiaryDay, DiaryPreference, TaskEntry
from pact_feedback.extensions import db
from pact_feedback.participation.models import Withdrawal
from pact_feedback.reports.actions import generate, release
from pact_feedback.reports.models import Report, ReportAccess
from tests.conftest import login, make_user, page, submit
from tests.governance.conftest import make_day
from tests.reports.scenario import build_round


def _count(model, **where):
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def test_participant_reads_what_withdrawing_means_then_withdraws(client, diary):
    make_day(diary.me, diary.study, diary.practice, entries=[("A1", 30)])
    login(client, diary.me)
    study_page = page(client.get(f"/take-part/{diary.study.slug}"))
    assert study_page.find("a", string="withdraw from the study")
    url = f"/take-part/{diary.study.slug}/withdraw"
    text = page(client.get(url)).get_text(" ", strip=True)
    assert "no new diary days or tasks can be added" in text
    assert "1 diary day, 1 task" in text
    response = submit(client, url, {})
    assert response.status_code == 302
    withdrawal = db.session.scalar(select(Withdrawal).filter_by(user_id=diary.me.id))
    assert withdrawal.withdrawn_by_id == diary.me.id
    assert _count(DiaryDay, user_id=diary.me.id) == 1 and _count(TaskEntry) == 1  # kept
    event = db.session.scalar(select(AuditEvent).filter_by(action="participant_withdrawn"))
    assert event.actor_id == diary.me.id and event.details["by_participant"] is True
    assert "You withdrew on" in page(client.get(f"/take-part/{diary.study.slug}")).get_text()


def test_withdrawn_participant_cannot_add_days_or_entries_on_the_web(client, diary):
    day = make_day(diary.me, diary.study, diary.practice, entries=[("A1", 30)])
    login(client, diary.me)
    submit(client, f"/take-part/{diary.study.slug}/withdraw", {})
    token_page = f"/take-part/{diary.study.slug}/erase"
    new_day = client.get(f"{diary.base}/new", follow_redirects=True)
    assert "your diary is closed" in page(new_day).get_text(" ", strip=True)
    response = submit(
        client,
        f"{diary.base}/{day.id}/entries",
        {"category": str(diary.categories["B1"].id), "minutes": "10"},
        form_url=token_page,
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/take-part/{diary.study.slug}")
    as_json = submit(
        client,
        f"{diary.base}/{day.id}/entries",
        {"category": str(diary.categories["B1"].id), "minutes": "10"},
        form_url=token_page,
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 409 and "withdrawn" in as_json.get_json()["withdrawn"]
    assert _count(TaskEntry) == 1
    # a colleague who has not withdrawn still can


def test_withdrawn_participant_api_calls_are_refused(client, diary):
    day = make_day(diary.me, diary.study, diary.practice)
    _, secret = create_token(diary.me, "phone", by=diary.me)
    headers = {"Authorization": f"Bearer {secret}"}
    entry = {"client_id": str(uuid.uuid4()), "category": "B1", "minutes": 5}
    assert (
        client.post(f"/api/v1/days/{day.id}/entries", json=entry, headers=headers).status_code
        == 201
    )
    login(client, diary.me)
    submit(client, f"/take-part/{diary.study.slug}/withdraw", {})
    entry["client_id"] = str(uuid.uuid4())
    refused = client.post(f"/api/v1/days/{day.id}/entries", json=entry, headers=headers)
    assert refused.status_code == 403 and refused.get_json()["type"].endswith("withdrawn")
    listed = client.get(f"/api/v1/studies/{diary.study.slug}/days", headers=headers)
    assert listed.status_code == 403
    assert client.get("/api/v1/studies", headers=headers).get_json()["items"] == []
    assert _count(TaskEntry) == 1


def test_study_team_withdraws_a_participant(client, diary):
    membership = diary.me.memberships[0]
    login(client, diary.team)
    listing = page(client.get(f"/governance/studies/{diary.study.slug}/participants"))
    assert diary.me.email in listing.get_text()
    url = f"/governance/studies/{diary.study.slug}/participants/{membership.id}/withdraw"
    assert submit(client, url, {}).status_code == 302
    withdrawal = db.session.scalar(select(Withdrawal).filter_by(user_id=diary.me.id))
    assert withdrawal.withdrawn_by_id == diary.team.id
    event = db.session.scalar(select(AuditEvent).filter_by(action="participant_withdrawn"))
    assert event.actor_id == diary.team.id and event.details["by_participant"] is False


def test_team_of_another_study_cannot_manage_participants(client, diary):
    from tests.conftest import make_study

    other = make_study()
    outsider = make_user(role=STUDY_TEAM, study=other)
    membership = diary.me.memberships[0]
    login(client, outsider)
    base = f"/governance/studies/{diary.study.slug}"
    assert client.get(f"{base}/participants").status_code == 403
    assert (
        submit(
            client, f"{base}/participants/{membership.id}/withdraw", {}, form_url="/"
        ).status_code
        == 403
    )
    assert (
        client.get(
            f"/governance/studies/{other.slug}/participants/{membership.id}/erase"
        ).status_code
        == 404
    )
    assert _count(Withdrawal) == 0


def test_participant_erases_their_diary_data(client, diary):
    note = "Rang Mrs Example about her results"
    day = make_day(diary.me, diary.study, diary.practice, entries=[("A1", 30), ("B1", 15)])
    day.entries[0].note = note
    db.session.add(DiaryAllocation(study_id=diary.study.id, user_id=diary.me.id, date=day.date))
    db.session.add(
        DiaryPreference(study_id=diary.study.id, user_id=diary.me.id, non_working_days=[5])
    )
    colleague_day = make_day(diary.colleague, diary.study, diary.practice, entries=[("A1", 20)])
    db.session.commit()
    day_id, colleague_day_id = day.id, colleague_day.id
    login(client, diary.me)
    url = f"/take-part/{diary.study.slug}/erase"
    text = page(client.get(url)).get_text(" ", strip=True)
    assert "deleted for good" in text and "cannot be undone" in text
    refused = submit(client, url, {})
    assert refused.status_code == 422
    assert _count(DiaryDay, user_id=diary.me.id) == 1
    assert submit(client, url, {"confirm": "y"}).status_code == 302
    for model in (DiaryDay, DiaryAllocation, DiaryPreference):
        assert _count(model, user_id=diary.me.id) == 0, model
    assert (
        db.session.scalar(select(func.count(TaskEntry.id)).where(TaskEntry.day_id == day_id)) == 0
    )
    assert _count(DiaryDay, id=colleague_day_id) == 1 and _count(TaskEntry) == 1
    assert _count(Withdrawal, user_id=diary.me.id) == 1
    event = db.session.scalar(select(AuditEvent).filter_by(action="participant_erased"))
    assert event.details["rows_deleted"]["task_entries"] == 2
    every_detail = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert note not in every_detail and "Mrs Example" not in every_detail


def test_erasure_keeps_released_practice_reports_and_deletes_private_ones(client, ctx):
    world = build_round(sizes=(5, 5, 5))
    team = make_user(role=STUDY_TEAM)
    generate(world.study, by=team)
    release(world.study, by=team, notify=False)
    leaver = world.participants[0][0]
    practice_report = db.session.scalar(
        select(Report).filter_by(kind="practice", practice_id=world.practices[0].id)
    )
    frozen = dict(practice_report.payload)
    private = db.session.scalar(select(Report).filter_by(kind="participant", user_id=leaver.id))
    db.session.add(ReportAccess(report_id=private.id, user_id=leaver.id, action="view"))
    db.session.commit()
    login(client, leaver)
    response = submit(client, f"/take-part/{world.study.slug}/erase", {"confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert _count(Report, user_id=leaver.id) == 0
    assert _count(ReportAccess, user_id=leaver.id) == 0
    assert _count(DiaryDay, user_id=leaver.id) == 0
    kept = db.session.get(Report, practice_report.id)
    assert kept.status == "released" and kept.payload == frozen


def test_erasure_regenerates_draft_reports_without_the_person(client, ctx):
    world = build_round(sizes=(6, 5, 5))
    team = make_user(role=STUDY_TEAM)
    generate(world.study, by=team)
    practice_id = world.practices[0].id
    before = db.session.scalar(select(Report).filter_by(kind="practice", practice_id=practice_id))
    before_payload = before.payload
    leaver = world.participants[0][0]
    membership = leaver.memberships[0]
    login(client, team)
    url = f"/governance/studies/{world.study.slug}/participants/{membership.id}/erase"
    assert submit(client, url, {"confirm": "y"}).status_code == 302
    db.session.expire_all()
    after = db.session.scalar(
        select(Report).filter_by(kind="practice", practice_id=practice_id, status="draft")
    )
    assert after.payload != before_payload
    assert _count(Report, user_id=leaver.id) == 0
    assert _count(Report, kind="participant") == 15
    assert db.session.scalar(select(AuditEvent).filter_by(action="participant_erased")).details[
        "drafts_regenerated"
    ]


def test_withdrawn_participants_get_no_reminders_nudges_or_allocated_days(diary, outbox):
    from datetime import date, timedelta

    from pact_feedback.diary.allocation import allocate_days, send_reminders
    from pact_feedback.participation.actions import withdraw

    tomorrow = date.today() + timedelta(days=1)
    for person in (diary.me, diary.colleague):
        db.session.add(DiaryAllocation(study_id=diary.study.id, user_id=person.id, date=tomorrow))
        make_day(person, diary.study, diary.practice, on=date.today() - timedelta(days=3))
    db.session.commit()
    withdraw(diary.me.memberships[0], by=diary.me)
    assert send_reminders() == {"reminders": 1, "nudges": 1}
    assert {m.to[0] for m in outbox} == {diary.colleague.email}
    db.session.execute(db.delete(DiaryAllocation))
    db.session.commit()
    diary.study.day_selection = "allocate"
    db.session.commit()
    assert set(allocate_days(diary.study)) == {diary.colleague.id}


# Tables that may keep a row about an erased participant in the study, and why.
KEPT_AFTER_ERASURE = {
    "memberships": "their role in the study (no diary data)",
    "consents": "evidence of what they agreed to",
    "withdrawals": "the record that they withdrew",
}


def test_after_erasure_no_study_table_holds_a_row_of_theirs(client, diary):
    """Every table with both a user and a study column is checked, so a table added later
    that holds participant data fails here until erasure covers it (or it is listed above)."""
    from sqlalchemy import text

    day = make_day(diary.me, diary.study, diary.practice, entries=[("A1", 30)])
    db.session.add(DiaryAllocation(study_id=diary.study.id, user_id=diary.me.id, date=day.date))
    db.session.add(DiaryPreference(study_id=diary.study.id, user_id=diary.me.id))
    db.session.commit()
    login(client, diary.me)
    assert (
        submit(client, f"/take-part/{diary.study.slug}/erase", {"confirm": "y"}).status_code == 302
    )
    checked = []
    for table in db.metadata.sorted_tables:
        columns = {c.name for c in table.columns}
        if "study_id" not in columns or table.name in KEPT_AFTER_ERASURE:
            continue
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                count = db.session.scalar(
                    text(
                        f'SELECT COUNT(*) FROM "{table.name}" '
                        f'WHERE "{column.name}" = :user AND study_id = :study'
                    ),
                    {"user": diary.me.id, "study": diary.study.id},
                )
                assert count == 0, f"{table.name}.{column.name} still holds {count} rows"
                checked.append(table.name)
    assert {"diary_days", "diary_allocations", "diary_preferences", "reports"} <= set(checked)
    entries = db.session.scalar(select(func.count(TaskEntry.id)))
    assert entries == 0


def test_erasure_unlinks_a_qi_project_started_from_the_private_report(client, ctx):
    from pact_feedback.qi.models import QIProject

    world = build_round(sizes=(5, 5, 5))
    team = make_user(role=STUDY_TEAM)
    generate(world.study, by=team)
    release(world.study, by=team, notify=False)
    person = world.participants[0][0]
    private = db.session.scalar(select(Report).filter_by(kind="participant", user_id=person.id))
    project = QIProject(owner_id=person.id, title="Letters", aim_what="Less", report_id=private.id)
    db.session.add(project)
    db.session.commit()
    project_id = project.id
    login(client, person)
    assert (
        submit(client, f"/take-part/{world.study.slug}/erase", {"confirm": "y"}).status_code == 302
    )
    db.session.expire_all()
    kept = db.session.get(QIProject, project_id)
    assert kept is not None and kept.report_id is None
