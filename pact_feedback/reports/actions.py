"""Generating, releasing and re-issuing reports. Each is one audited transaction."""

from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass

from sqlalchemy import delete, select

from pact_feedback.audit.log import record, record_read
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit, on_commit
from pact_feedback.extensions import db
from pact_feedback.reports.build import stream_reports
from pact_feedback.reports.emails import notify_readers
from pact_feedback.reports.frames import load_inputs
from pact_feedback.reports.matching import METHOD_VERSION
from pact_feedback.reports.models import Report, ReportAccess
from pact_feedback.reports.print_ahead import forget, start_printing
from pact_feedback.reports.queries import released_reports
from pact_feedback.reports.signals import reports_released
from pact_feedback.studies.actions import advance_study

GENERATABLE = {"analysing", "reports_released", "survey_open"}
FLUSH_EVERY = 1000  # reports written at a time: a whole-UK round is 69,300 snapshots
# Instruments other than the diary register how their payloads are built (casebook.report):
# name -> (applies(study), build(study) -> [{"kind", "practice_id", "user_id", "payload"}]).
BUILDERS: dict[str, tuple[Callable, Callable]] = {}


def _build(study) -> Collection[dict]:
    """The round's payloads: a list, or the diary's built as they are stored."""
    for applies, build in BUILDERS.values():
        if applies(study):
            return build(study)
    return stream_reports(load_inputs(study))


class ReportError(Exception):
    """A report action was refused; the message is safe to show."""


@dataclass(frozen=True)
class Stored:
    """What generating or re-issuing wrote: the version and how many reports of each kind.
    A count rather than the reports: a whole-UK round is 69,300 of them, which neither its
    memory nor its callers' messages need (they are read back from the database when shown)."""

    version: int
    kinds: Counter

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    def described(self, status: str) -> str:
        """E.g. '69300 draft reports (7700 practice, 61600 participant)'."""
        practices = self.kinds["practice"]
        return (
            f"{self.total} {status} reports ({practices} practice, "
            f"{self.total - practices} participant)"
        )


def generate(study, *, by, progress: Callable[[int, int], None] | None = None) -> Stored:
    """Build draft reports for a round, replacing earlier drafts.

    Once reports are released they can only change through `reissue`.
    """
    refusal = generation_refusal(study)
    if refusal:
        raise ReportError(refusal)
    built = _build(study)
    db.session.execute(delete(Report).where(Report.study_id == study.id, Report.status == "draft"))
    stored = _store(study, built, version=1, progress=progress)
    record("reports_generated", by=by, obj=study, reports=stored.total)
    commit()
    return stored


def generation_refusal(study) -> str | None:
    """Why reports cannot be generated for `study` now, or None (checked before queueing)."""
    if study.status == "closed":
        return "The study is closed: reports can no longer be generated."
    if study.status not in GENERATABLE:
        return "Reports can be generated once data collection has closed."
    if released_reports(study):
        return "Reports for this round are released. Re-issue them instead."
    return None


def _store(study, built, *, version: int, progress=None, reason=None, released_at=None) -> Stored:
    """Write every built payload as a report (released at `released_at` if given, else a
    draft), FLUSH_EVERY at a time."""
    kinds, total, batch = Counter(), len(built), []
    for done, item in enumerate(built, start=1):
        batch.append(
            Report(
                study_id=study.id,
                kind=item["kind"],
                practice_id=item["practice_id"],
                user_id=item["user_id"],
                version=version,
                payload=item["payload"],
                method_version=METHOD_VERSION,
                reissue_reason=reason,
                status="released" if released_at else "draft",
                released_at=released_at,
            )
        )
        kinds[item["kind"]] += 1
        if len(batch) == FLUSH_EVERY:
            _flush(batch)
            batch = []
        if progress:
            progress(done, total)
    _flush(batch)
    return Stored(version=version, kinds=kinds)


def _flush(batch: list[Report]) -> None:
    """Write a batch and let go of it: each payload's JSON text is only held for its batch
    (a whole round's reports, kept, were most of a whole-UK generate's memory)."""
    db.session.add_all(batch)
    db.session.flush()
    for report in batch:
        db.session.expunge(report)


def release(study, *, by, notify: bool = True) -> int:
    """Release every draft: the snapshot is frozen and its readers are emailed a link.

    The emails go out as a job (`reports.emails.notify_readers`): on the queue when there is one,
    and then this returns before they are sent; with a queue, a second job prints the PDFs ahead
    (`reports.print_ahead`). `notify=False` is for loading demo data, where nobody is waiting.
    """
    drafts = db.session.scalars(
        select(Report).where(Report.study_id == study.id, Report.status == "draft")
    ).all()
    if not drafts:
        raise ReportError("There are no draft reports to release. Generate them first.")
    now = utcnow()
    for report in drafts:
        report.status, report.released_at = "released", now
    if study.status == "analysing":
        advance_study(study, to="reports_released", by=by)
    record("reports_released", by=by, obj=study, reports=len(drafts))
    reports_released.send(study, by=by)
    commit()
    if notify:  # only once the release is committed: a rolled-back release emails nobody
        on_commit(lambda: _announce(study, by=by))
    return len(drafts)


def _announce(study, *, by) -> None:
    notify_readers(study, by=by)
    start_printing(study, by=by)


def reissue(study, *, by, reason: str) -> Stored:
    """Replace released reports with new versions (after a data correction), explicitly logged."""
    if not reason.strip():
        raise ReportError("Say why the reports are being re-issued.")
    current = released_reports(study)
    if not current:
        raise ReportError("Nothing has been released yet: generate and release instead.")
    version = max(r.version for r in current) + 1
    built = _build(study)
    now = utcnow()
    for report in current:
        report.status = "superseded"
    forget([report.id for report in current])
    stored = _store(study, built, version=version, reason=reason.strip(), released_at=now)
    record("reports_reissued", by=by, obj=study, version=version, reason=reason.strip())
    commit()
    notify_readers(study, by=by)
    start_printing(study, by=by)
    return stored


def set_sharing(membership, *, share: bool, by) -> None:
    """A participant's revocable opt-in to share their report with their practice."""
    if membership.shares_with_practice == share:
        return
    membership.shares_with_practice = share
    membership.shared_since = utcnow() if share else None
    record("report_sharing_changed", by=by, obj=membership, shared=share)
    commit()


def log_access(report: Report, *, by, action: str) -> None:

    db.session.add(
        ReportAccess(report_id=report.id, user_id=getattr(by, "id", None), action=action)
    )
    record_read(f"report_{action}", by=by, obj=report)
