"""A record-audit study speaks of its audit, never of a diary it does not keep: the clinician's
invitation, the information sheet they consent to, the study team's stage pages and the
release email (issue 21's browser journey found each one describing the diary)."""

from sqlalchemy import select

from pact_feedback.accounts.actions import invite
from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.extensions import db
from pact_feedback.reports import actions as report_actions
from pact_feedback.reports.emails import compose
from pact_feedback.reports.models import Report
from pact_feedback.study_admin.stages import plan
from tests.casebook.helpers import COMPLETE, audit_world, fill
from tests.conftest import login, make_practice, make_study, make_user, page


def test_a_clinician_invited_to_a_record_audit_reads_about_the_audit(ctx, outbox):
    world = audit_world()
    diary_study = make_study(practices=world.practices)

    for study in (world.study, diary_study):
        invite(
            email=f"new.{study.slug}@example.org",
            role=PARTICIPANT,
            practice=world.practices[0],
            study=study,
            by=world.lead,
        )

    audit_mail, diary_mail = outbox[-2].body, outbox[-1].body
    assert "record audit" in audit_mail and "diary" not in audit_mail
    assert "Your diary is private to you" in diary_mail


def test_the_information_sheet_of_a_record_audit_describes_the_audit(client, ctx):
    world = audit_world()
    newcomer = make_user(role=PARTICIPANT, practice=world.practices[0], study=world.study)
    login(client, newcomer)

    sheet = page(client.get(f"/take-part/{world.study.slug}/consent")).select_one(
        ".nhsuk-inset-text"
    )

    text = sheet.get_text(" ", strip=True)
    assert "patient records" in text and "identifies a patient" in text
    assert "diary" not in text.lower()


def test_the_information_sheet_of_a_diary_study_still_describes_the_diary(client, ctx):
    practice = make_practice()
    study = make_study(practices=[practice])
    login(client, make_user(role=PARTICIPANT, practice=practice, study=study))

    sheet = page(client.get(f"/take-part/{study.slug}/consent")).select_one(".nhsuk-inset-text")

    assert "diary day(s)" in sheet.get_text(" ", strip=True)


def test_collection_stage_steps_of_a_record_audit_speak_of_cases(ctx):
    world = audit_world(status="recruiting")
    diary_study = make_study(status="recruiting")

    collecting = " ".join(plan(world.study, "collecting").effects)
    assert "record audit" in collecting and "diary" not in collecting
    assert "diary days" in " ".join(plan(diary_study, "collecting").effects)

    world.study.status = diary_study.status = "collecting"
    closing = " ".join(plan(world.study, "analysing").effects)
    assert "submitted" in closing and "diary" not in closing
    assert "No more diary days" in " ".join(plan(diary_study, "analysing").effects)


def test_the_release_email_of_an_audit_report_names_the_audit(ctx):
    world = audit_world(status="analysing")
    fill(world, world.practices[0], [COMPLETE] * 3)
    report_actions.generate(world.study, by=world.team)
    report_actions.release(world.study, by=world.team, notify=False)
    (report,) = db.session.scalars(select(Report).filter_by(study_id=world.study.id)).all()

    body = compose(world.lead.email, f"report:{report.id}").body

    assert "record audit" in body and "workload" not in body
