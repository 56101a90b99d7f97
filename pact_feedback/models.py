"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from pact_feedback.accounts.models import Consent, Invitation, Membership, User, UserSession
from pact_feedback.api.models import ApiToken
from pact_feedback.audit.models import AuditEvent
from pact_feedback.casebook.models import Case, CaseAudit, CaseForm, CaseReview, CaseReviewer
from pact_feedback.diary.models import (
    Category,
    DiaryAllocation,
    DiaryDay,
    DiaryPreference,
    TaskEntry,
)
from pact_feedback.extensions import db
from pact_feedback.governance.models import StudyKey
from pact_feedback.jobs.models import JobFile, JobFileChunk, JobRun, SentEmail
from pact_feedback.participation.models import Withdrawal
from pact_feedback.practices.models import Practice
from pact_feedback.qi.models import PDSACycle, QIMeasure, QIMeasureValue, QIProject
from pact_feedback.reports.models import Report, ReportAccess, ReportPdf
from pact_feedback.studies.models import Enrolment, Study
from pact_feedback.surveys.models import (
    Survey,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    SurveyResponseVersion,
    SurveySend,
    SurveyWave,
)

__all__ = [
    "ApiToken",
    "Category",
    "DiaryAllocation",
    "DiaryDay",
    "DiaryPreference",
    "TaskEntry",
    "AuditEvent",
    "Case",
    "CaseReviewer",
    "CaseAudit",
    "CaseForm",
    "CaseReview",
    "Consent",
    "Enrolment",
    "Invitation",
    "JobFile",
    "JobFileChunk",
    "JobRun",
    "Membership",
    "PDSACycle",
    "Practice",
    "QIMeasure",
    "QIMeasureValue",
    "QIProject",
    "Report",
    "SentEmail",
    "ReportAccess",
    "ReportPdf",
    "Study",
    "Survey",
    "SurveyChoice",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyResponseVersion",
    "SurveySend",
    "SurveyWave",
    "User",
    "UserSession",
    "StudyKey",
    "Withdrawal",
]


def _never_reuse_ids() -> None:
    """Audit rows name objects by id, so no table may hand an erased row's id to another row:
    SQLite reuses the largest id unless the key is AUTOINCREMENT (migration 0008)."""
    for table in db.metadata.tables.values():
        if [column.name for column in table.primary_key] == ["id"]:
            table.dialect_kwargs["sqlite_autoincrement"] = True


_never_reuse_ids()
