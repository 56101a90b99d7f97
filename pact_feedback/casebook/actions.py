"""Record-audit writes: set-up, cases, submission, CSV import and second review.

Each is one audited transaction with a keyword-only `by=`.
"""

from sqlalchemy import select

from pact_feedback.accounts.models import User
from pact_feedback.audit.log import record
from pact_feedback.casebook import definition as defs
from pact_feedback.casebook.entry import in_review_sample, next_sequence, parse_case, row_as_form
from pact_feedback.casebook.models import Case, CaseAudit, CaseForm, CaseReview, CaseReviewer
from pact_feedback.casebook.queries import assignment_for, eligible_reviewers
from pact_feedback.core.time import utcnow
from pact_feedback.core.transaction import commit
from pact_feedback.extensions import db
from pact_feedback.practices.importing import ParseResult, RowError, _read


class CasebookError(Exception):
    """A record-audit action was refused; the message is safe to show."""


def form_for(study) -> CaseForm | None:
    return db.session.scalar(select(CaseForm).filter_by(study_id=study.id))


def has_record_audit(study) -> bool:
    """Whether `study` collects by record audit (for partials on lower floors' pages)."""
    return form_for(study) is not None


def _stored(spec: defs.FormSpec) -> dict:
    data = defs.form_to_json(spec)
    return {
        "title": spec.title,
        "introduction": spec.introduction,
        "sampling_frame": spec.sampling_frame,
        "target_cases": spec.target_cases,
        "questions": data["questions"],
        "report": spec.report,
        "review_question": spec.review_question,
        "review_percent": spec.review_percent,
    }


def set_up_audit(study, *, by, spec: defs.FormSpec | None = None) -> CaseForm:
    """Make `study` a record audit, with the Why Test form unless another is given."""
    if form_for(study) is not None:
        raise CasebookError("This study already collects by record audit")
    if spec is None:
        spec, errors = defs.from_json(defs.template_json())
        if errors:  # the shipped template is checked by the tests
            raise CasebookError("; ".join(errors))
    form = CaseForm(study_id=study.id, **_stored(spec))
    db.session.add(form)
    db.session.flush()
    record("casebook_set_up", by=by, obj=study, questions=len(spec.questions))
    commit()
    return form


def used_codes(form: CaseForm) -> dict[str, set]:
    """Question code -> choice codes (or {None} for other types) found in entered cases."""
    used: dict[str, set] = {}
    answers = db.session.scalars(
        select(Case.answers).join(CaseAudit).where(CaseAudit.form_id == form.id)
    )
    for row in answers:
        for code, value in row.items():
            values = value if isinstance(value, list) else [value]
            used.setdefault(code, set()).update(v for v in values if isinstance(v, str))
    return used


def replace_definition(form: CaseForm, spec: defs.FormSpec, *, by) -> CaseForm:
    """Save an edited or imported form; codes entered cases use can never be dropped."""
    lost = defs.lost_codes(spec, used_codes(form))
    if lost:
        raise CasebookError(" ".join(lost))
    for name, value in _stored(spec).items():
        setattr(form, name, value)
    record("casebook_form_changed", by=by, obj=form, questions=len(spec.questions))
    commit()
    return form


def audit_for(form: CaseForm, practice, *, create: bool = False) -> CaseAudit | None:
    audit = db.session.scalar(select(CaseAudit).filter_by(form_id=form.id, practice_id=practice.id))
    if audit is None and create:
        audit = CaseAudit(form=form, practice=practice)
        db.session.add(audit)
        db.session.flush()
    return audit


def _refuse_if_submitted(audit: CaseAudit) -> None:
    if audit.submitted_at is not None:
        raise CasebookError("Your practice has submitted its audit, so cases can no longer change")


def save_case(audit: CaseAudit, *, answers: dict, by, sequence: int | None = None) -> Case:
    """Add a case (the next free number) or replace the answers of case `sequence`."""
    _refuse_if_submitted(audit)
    case = next((c for c in audit.cases if c.sequence == sequence), None)
    if case is None:
        case = Case(
            sequence=sequence or next_sequence([c.sequence for c in audit.cases]),
            answers=answers,
            entered_by_id=getattr(by, "id", None),
        )
        audit.cases.append(case)
        action = "casebook_case_added"
    else:
        case.answers = answers
        action = "casebook_case_changed"
    db.session.flush()
    record(action, by=by, obj=case, sequence=case.sequence)
    commit()
    return case


def submit_audit(audit: CaseAudit, *, by) -> CaseAudit:
    _refuse_if_submitted(audit)
    if not audit.cases:
        raise CasebookError("Enter at least one case before submitting the audit")
    audit.submitted_at, audit.submitted_by_id = utcnow(), getattr(by, "id", None)
    record("casebook_submitted", by=by, obj=audit, cases=len(audit.cases))
    commit()
    return audit


def parse_cases(text: str, questions) -> ParseResult:
    """Rows {"sequence", "answers"} from a CSV (sequence, then one column per question code),
    each checked by the web form's rules; any error means no rows."""
    result = ParseResult()
    rows = list(_read(text, ("sequence",), result))
    if result.errors:
        return result
    codes = {q.code for q in questions}
    unknown = sorted(set(rows[0][1]) - codes - {"sequence"}) if rows else []
    if unknown:
        names = ", ".join(unknown)
        result.errors.append(RowError(1, names, f"Not a question code in this form: {names}"))
        return result
    seen = set()
    for line, row in rows:
        raw = (row.get("sequence") or "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= defs.MAX_TARGET:
            result.errors.append(
                RowError(line, "sequence", f"Case number must be 1 to {defs.MAX_TARGET}")
            )
            continue
        if int(raw) in seen:
            result.errors.append(RowError(line, "sequence", f"Case {raw} appears twice"))
            continue
        seen.add(int(raw))
        answers, errors = parse_case(questions, row_as_form(questions, row))
        result.errors += [RowError(line, code, message) for code, message in errors.items()]
        result.rows.append({"sequence": int(raw), "answers": answers})
    if result.errors:
        result.rows = []
    return result


def import_cases(audit: CaseAudit, result: ParseResult, *, by) -> tuple[int, int, int]:
    """Write checked rows: (new, changed, unchanged). Importing a file twice changes nothing."""
    _refuse_if_submitted(audit)
    existing = {c.sequence: c for c in audit.cases}
    added = changed = unchanged = 0
    for row in result.rows:
        case = existing.get(row["sequence"])
        if case is None:
            audit.cases.append(
                Case(
                    sequence=row["sequence"],
                    answers=row["answers"],
                    entered_by_id=getattr(by, "id", None),
                )
            )
            added += 1
        elif case.answers == row["answers"]:
            unchanged += 1
        else:
            case.answers = row["answers"]
            changed += 1
    db.session.flush()
    record(
        "casebook_cases_imported",
        by=by,
        obj=audit,
        added=added,
        changed=changed,
        unchanged=unchanged,
    )
    commit()
    return added, changed, unchanged


def review_case(case: Case, *, judgement: str, by) -> CaseReview:
    """Record a second reviewer's blind judgement of a sampled case."""
    form = case.audit.form
    if not in_review_sample(case.sequence, form.review_percent):
        raise CasebookError("This case is not in the second-review sample")
    if case.entered_by_id is not None and case.entered_by_id == getattr(by, "id", None):
        raise CasebookError("A second review must be made by someone other than the first")
    assignment = assignment_for(form, case.audit.practice_id)
    if assignment is not None and assignment.reviewer_id != getattr(by, "id", None):
        raise CasebookError("Only the reviewer the study team assigned may review these cases")
    review = db.session.scalar(select(CaseReview).filter_by(case_id=case.id))
    if review is None:
        review = CaseReview(case_id=case.id, judgement=judgement)
        db.session.add(review)
    review.judgement, review.reviewer_id, review.reviewed_at = judgement, by.id, utcnow()
    db.session.flush()
    record("casebook_reviewed", by=by, obj=case)
    commit()
    return review


def reviewer_for(form: CaseForm, practice):
    """The assigned second reviewer of `practice`'s sample, or None (none assigned, or gone)."""
    assignment = assignment_for(form, practice.id)
    if assignment is None or assignment.reviewer_id is None:
        return None
    return db.session.get(User, assignment.reviewer_id)


def assign_reviewer(form: CaseForm, practice, reviewer, *, by) -> CaseReviewer | None:
    """Make `reviewer`, one of the practice's clinicians, the only second reviewer of its
    sample; None returns to any colleague who did not enter the case."""
    assignment = assignment_for(form, practice.id)
    if reviewer is None:
        if assignment is not None:
            db.session.delete(assignment)
        record("casebook_reviewer_removed", by=by, obj=form, practice=practice.ods_code)
        commit()
        return None
    if reviewer not in eligible_reviewers(form.study, practice):
        raise CasebookError("Choose a clinician of this practice")
    if assignment is None:
        assignment = CaseReviewer(form_id=form.id, practice_id=practice.id)
        db.session.add(assignment)
    assignment.reviewer_id, assignment.assigned_by_id = reviewer.id, getattr(by, "id", None)
    assignment.assigned_at = utcnow()
    db.session.flush()
    record(
        "casebook_reviewer_assigned",
        by=by,
        obj=assignment,
        practice=practice.ods_code,
        reviewer=reviewer.id,
    )
    commit()
    return assignment
