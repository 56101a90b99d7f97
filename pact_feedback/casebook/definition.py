"""The case report form as plain data: the Why Test template, and JSON export and import.

The format is the survey export format (questions with codes, types, stable choice codes,
required, show-if) plus what only an audit needs: a target per practice, the sampling frame,
which questions the practice report tabulates, and the question a second reviewer answers.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from pact_feedback.surveys import checking
from pact_feedback.surveys.definitions import ChoiceSpec, Definition, QuestionSpec, to_json

TEMPLATE = Path(__file__).with_name("why_test.json")
INSTRUMENTS = {
    "diary": "Workload diary: clinicians record the work of a diary day",
    "record_audit": "Record audit: one case report form for each audited patient record",
}
MAX_TARGET = 1000
TABULATED_TYPES = ("single", "multiple")


@dataclass
class FormSpec:
    """A whole record-audit instrument, as exported and imported."""

    title: str
    questions: list[QuestionSpec]
    introduction: str = ""
    sampling_frame: str = ""
    target_cases: int = 50
    report: dict = field(default_factory=lambda: {"questions": [], "by": None})
    review_question: str | None = None
    review_percent: int = 0

    def question(self, code: str) -> QuestionSpec | None:
        return next((q for q in self.questions if q.code == code), None)

    def tabulated(self) -> list[QuestionSpec]:
        """The questions the practice report shows, in the order the definition names them."""
        return [q for code in self.report.get("questions", []) if (q := self.question(code))]


def template_json() -> dict:
    """The Why Test form as shipped."""
    return json.loads(TEMPLATE.read_text(encoding="utf-8"))


def form_to_json(spec: FormSpec) -> dict:
    data = to_json(Definition(spec.title, spec.introduction, list(spec.questions)))
    data.update(
        instrument="record_audit",
        sampling_frame=spec.sampling_frame,
        target_cases=spec.target_cases,
        review_question=spec.review_question,
        review_percent=spec.review_percent,
        report=spec.report,
    )
    return data


def question_from_stored(item: dict) -> QuestionSpec:
    """A question as stored on a `CaseForm` (already checked when it was saved)."""
    return QuestionSpec(
        code=item["code"],
        text=item["text"],
        type=item["type"],
        hint=item.get("hint") or "",
        required=bool(item.get("required")),
        choices=tuple(ChoiceSpec(c["code"], c["label"]) for c in item.get("choices") or []),
        show_if=item.get("show_if"),
    )


def spec_of(form) -> FormSpec:
    """A stored `CaseForm` as plain data."""
    return FormSpec(
        title=form.title,
        introduction=form.introduction or "",
        questions=[question_from_stored(q) for q in form.questions],
        sampling_frame=form.sampling_frame or "",
        target_cases=form.target_cases,
        report=dict(form.report or {}),
        review_question=form.review_question,
        review_percent=form.review_percent,
    )


def from_json(data) -> tuple[FormSpec | None, list[str]]:
    """Read the export format; (None, errors as sentences) when anything is wrong."""
    definition, errors = checking.from_json(data, fixed=())
    if errors:
        return None, errors
    spec = FormSpec(
        title=definition.title,
        introduction=definition.introduction,
        questions=definition.questions,
        sampling_frame=str(data.get("sampling_frame") or ""),
        target_cases=data.get("target_cases", 50),
        report=data.get("report") or {"questions": [], "by": None},
        review_question=data.get("review_question") or None,
        review_percent=data.get("review_percent") or 0,
    )
    errors = check_extras(spec)
    return (None, errors) if errors else (spec, [])


def check_extras(spec: FormSpec) -> list[str]:
    """Problems with what only a record audit has, as sentences."""
    errors = []
    if not isinstance(spec.target_cases, int) or not 1 <= spec.target_cases <= MAX_TARGET:
        errors.append(f"target_cases must be a whole number from 1 to {MAX_TARGET}")
    if not isinstance(spec.review_percent, int) or not 0 <= spec.review_percent <= 100:
        errors.append("review_percent must be a whole number from 0 to 100")
    if len(spec.sampling_frame) > 2000:
        errors.append("sampling_frame must be 2,000 characters or fewer")
    report = spec.report if isinstance(spec.report, dict) else {}
    if not isinstance(spec.report, dict) or not isinstance(report.get("questions", []), list):
        errors.append('report must be an object like {"questions": [codes], "by": code}')
    for code in report.get("questions", []) if isinstance(report.get("questions"), list) else []:
        q = spec.question(code) if isinstance(code, str) else None
        if q is None or q.type not in TABULATED_TYPES:
            errors.append(f"report question {code!r} must be a one-choice or several-choice code")
    by = report.get("by")
    if by is not None and (not isinstance(by, str) or _single(spec, by) is None):
        errors.append(f"report by {by!r} must be the code of a one-choice question")
    if spec.review_question is not None and _single(spec, spec.review_question) is None:
        errors.append("review_question must be the code of a one-choice question")
    return errors


def _single(spec: FormSpec, code) -> QuestionSpec | None:
    q = spec.question(code) if isinstance(code, str) else None
    return q if q is not None and q.type == "single" else None


def lost_codes(new: FormSpec, used: dict[str, set]) -> list[str]:
    """Question and choice codes already in entered cases that `new` would drop.

    Codes are the names analysts rely on, so once a case uses one it stays in the form.
    """
    problems = []
    for code, values in sorted(used.items()):
        q = new.question(code)
        if q is None:
            problems.append(f"The question {code} has answers in entered cases: keep it")
            continue
        missing = sorted(v for v in values if q.choices and v not in q.choice_codes())
        if missing:
            problems.append(
                f"The question {code} must keep the choices {', '.join(missing)}: "
                "entered cases use them"
            )
    return problems
