"""Generate, review, release and re-issue: frozen snapshots, emails, and explicit re-issues."""

import json

import pytest
from sqlalchemy import inspect, select

from pact_feedback.audit.models import AuditEvent
from pact_feedback.core.transaction import atomic
from pact_feedback.extensions import db
from pact_feedback.reports import actions
from pact_feedback.reports.build import build_reports
from pact_feedback.reports.frames import load_inputs
from pact_feedback.reports.models import Report
from tests.conftest import make_user
from tests.reports.scenario import add_day, build_round


@pytest.fixture
def team_member(ctx):
    from pact_feedback.accounts.roles import STUDY_TEAM

    return make_user(role=STUDY_TEAM)


def _reports(study, **filters):
    return db.session.scalars(select(Report).filter_by(study_id=study.id, **filters)).all()


def test_generate_makes_a_draft_for_every_practice_and_participant(team_member):
    world = build_round(sizes=(5, 5, 2))
    steps = []

    stored = actions.generate(world.study, by=team_member, progress=lambda d, t: steps.append(d))

    reports = _reports(world.study)
    kinds = sorted(r.kind for r in reports)
    assert kinds.count("practice") == 3 and kinds.count("participant") == 12
    assert stored.kinds == {"practice": 3, "participant": 12} and stored.version == 1
    assert stored.described("draft") == "15 draft reports (3 practice, 12 participant)"
    assert steps[-1] == len(reports)
    assert {r.status for r in reports} == {"draft"}
    small = next(
        r for r in reports if r.kind == "practice" and r.practice_id == world.practices[2].id
    )
    assert small.payload["comparator"]["by_category"]["values"] is not None
    # The third practice has two participants: nobody may be matched with it.
    big = next(
        r for r in reports if r.kind == "practice" and r.practice_id == world.practices[0].id
    )
    assert big.payload["method"]["match"]["comparator"] == world.practices[1].ods_code


def test_generating_lets_go_of_each_batch_of_payloads_once_written(team_member, monkeypatch):
    """While a round is being stored, are the payloads already written let go (a whole-UK
    round's would otherwise all stay in memory until the end), and read back unchanged?"""
    monkeypatch.setattr(actions, "FLUSH_EVERY", 4)  # several batches and a last part-batch
    world = build_round(sizes=(5, 5, 2))
    held = []

    def progress(done, total):
        if done % 4 == 0:  # a batch has just been written
            stored = [o for o in db.session.identity_map.values() if isinstance(o, Report)]
            held.append(sum("payload" not in inspect(o).unloaded for o in stored))

    actions.generate(world.study, by=team_member, progress=progress)

    assert held == [0, 0, 0]  # after 4, 8 and 12 of the 15 reports
    assert not [o for o in db.session.identity_map.values() if isinstance(o, Report)]
    reports = _reports(world.study)
    built = build_reports(load_inputs(world.study))
    assert {(r.kind, r.practice_id, r.user_id): r.payload for r in reports} == {
        (b["kind"], b["practice_id"], b["user_id"]): json.loads(json.dumps(b["payload"]))
        for b in built
    }


def test_generating_again_replaces_drafts(team_member):
    world = build_round(sizes=(5, 5))
    actions.generate(world.study, by=team_member)
    actions.generate(world.study, by=team_member)
    assert len(_reports(world.study)) == 12


def test_generate_refused_while_collecting(team_member):
    world = build_round(sizes=(5, 5), status="collecting")
    with pytest.raises(actions.ReportError, match="data collection has closed"):
        actions.generate(world.study, by=team_member)


def test_release_freezes_reports_emails_readers_and_moves_the_study_on(team_member, outbox):
    world = build_round(sizes=(5, 5))
    actions.generate(world.study, by=team_member)

    released = actions.release(world.study, by=team_member)

    assert released == 12
    assert world.study.status == "reports_released"
    assert {r.status for r in _reports(world.study)} == {"released"}
    recipients = sorted(to for message in outbox for to in message.to)
    expected = sorted(
        [lead.email for lead in world.leads]
        + [u.email for users in world.participants.values() for u in users]
    )
    assert recipients == expected
    participant_mail = next(m for m in outbox if m.to == [world.participants[0][0].email])
    assert "/reports/" in participant_mail.body and "Only you can read it" in participant_mail.body
    with pytest.raises(actions.ReportError, match="Re-issue"):
        actions.generate(world.study, by=team_member)


def test_a_release_inside_a_failed_transaction_emails_nobody(team_member, outbox):
    """Release and another write as one transaction (core/transaction.py): the readers are
    emailed only once it commits, so a failure after the release leaves drafts and no email."""
    world = build_round(sizes=(5, 5))
    actions.generate(world.study, by=team_member)

    with pytest.raises(RuntimeError, match="later step"), atomic():
        actions.release(world.study, by=team_member)
        assert outbox == []  # waits for the block's commit
        raise RuntimeError("a later step of the same transaction failed")

    db.session.rollback()
    assert {r.status for r in _reports(world.study)} == {"draft"}
    assert outbox == []
    with atomic():
        actions.release(world.study, by=team_member)
    assert len(outbox) == 12


def test_released_snapshot_does_not_change_when_data_changes(team_member):
    world = build_round(sizes=(5, 5))
    actions.generate(world.study, by=team_member)
    actions.release(world.study, by=team_member)
    report = _reports(world.study, kind="participant", user_id=world.participants[0][0].id)[0]
    before = dict(report.payload)

    from datetime import timedelta

    add_day(
        world.study,
        world.participants[0][0],
        world.practices[0],
        {"B1": 600},
        on=world.study.collection_start + timedelta(days=1),
    )
    db.session.expire_all()

    assert db.session.get(Report, report.id).payload == before


def test_reissue_needs_a_reason_and_keeps_the_old_version(team_member, outbox):
    world = build_round(sizes=(5, 5))
    actions.generate(world.study, by=team_member)
    actions.release(world.study, by=team_member)
    outbox.clear()

    with pytest.raises(actions.ReportError, match="Say why"):
        actions.reissue(world.study, by=team_member, reason="  ")
    stored = actions.reissue(world.study, by=team_member, reason="Corrected a miscoded day")

    new = _reports(world.study, version=2)
    assert stored.version == 2 and stored.total == len(new) == 12
    assert {(r.status, r.reissue_reason) for r in new} == {("released", "Corrected a miscoded day")}
    assert len({r.released_at for r in new}) == 1
    assert len(_reports(world.study, status="superseded")) == 12
    assert len(_reports(world.study, status="released")) == 12
    assert len(outbox) == 12 and "version 2" in outbox[0].body
    event = db.session.scalar(select(AuditEvent).filter_by(action="reports_reissued"))
    assert event is not None and "miscoded" in str(event.details)


def test_sharing_is_opt_in_revocable_and_audited(ctx):
    world = build_round(sizes=(5,))
    membership = world.participants[0][0].memberships[0]
    actions.set_sharing(membership, share=True, by=world.participants[0][0])
    actions.set_sharing(membership, share=False, by=world.participants[0][0])
    events = db.session.scalars(select(AuditEvent).filter_by(action="report_sharing_changed")).all()
    assert [e.details["shared"] for e in events] == [True, False]
    assert membership.shares_with_practice is False
