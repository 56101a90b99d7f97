"""Shared set-up for QI tests: released reports with real payloads, and projects."""

from pact_feedback.extensions import db
from pact_feedback.qi.models import QIProject
from pact_feedback.reports.build import build_reports
from pact_feedback.reports.models import Report
from tests.reports.test_build import _inputs


def make_report(study, practice, *, kind="practice", user=None, status="released") -> Report:
    reports = build_reports(_inputs())
    payload = next(
        r["payload"]
        for r in reports
        if r["kind"] == kind
        and (r["practice_id"] == 1 if kind == "practice" else r["user_id"] == 1)
    )
    report = Report(
        study_id=study.id,
        kind=kind,
        practice_id=practice.id,
        user_id=getattr(user, "id", None),
        payload=payload,
        method_version="test",
        status=status,
    )
    db.session.add(report)
    db.session.commit()
    return report


def make_project(*, practice=None, owner=None, title="Letters") -> QIProject:
    project = QIProject(
        practice_id=getattr(practice, "id", None),
        owner_id=getattr(owner, "id", None),
        title=title,
        aim_what="Fewer letters for GPs",
    )
    db.session.add(project)
    db.session.commit()
    return project
