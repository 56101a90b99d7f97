"""Survey definitions as plain data: the default report-uptake survey (PRODUCT.md section 5),
and conversion between database rows, specs and the JSON export format."""

import re
from dataclasses import dataclass, field

FIXED_CODES = ("discussed", "used_for_qi")  # analysts rely on these: never renamed or deleted
FIXED_CHOICES = ("yes", "planning", "no")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
FORMAT_VERSION = 1
DEFAULT_WAVE_MONTHS = (3, 6)
DEFAULT_WAVE_DAYS_OPEN = 28
TYPE_LABELS = {
    "single": "One choice",
    "multiple": "One or more choices",
    "scale_1_5": "Scale from 1 to 5",
    "text": "Free text",
    "date": "Date",
}


@dataclass(frozen=True)
class ChoiceSpec:
    code: str
    label: str


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    type: str
    hint: str = ""
    required: bool = False
    choices: tuple[ChoiceSpec, ...] = ()
    show_if: dict | None = None  # {"question": code, "choices": [codes]}

    def choice_codes(self) -> list[str]:
        return [c.code for c in self.choices]


def _choices(*pairs) -> tuple[ChoiceSpec, ...]:
    return tuple(ChoiceSpec(code, label) for code, label in pairs)


_USED = {"question": "used_for_qi", "choices": ["yes", "planning"]}
_SCALE_HINT = "1 means not at all, 5 means very much"

DEFAULT_TITLE = "How has your practice used its PACT practice report?"
DEFAULT_QUESTIONS = (
    QuestionSpec(
        "discussed",
        "Has your practice discussed the PACT practice report in a practice meeting?",
        "single",
        required=True,
        choices=_choices(("yes", "Yes"), ("planning", "Not yet, but planning to"), ("no", "No")),
    ),
    QuestionSpec(
        "used_for_qi",
        "Has the report been used for quality improvement, education or practice learning?",
        "single",
        required=True,
        choices=_choices(("yes", "Yes"), ("planning", "Planning to"), ("no", "No")),
    ),
    QuestionSpec(
        "seen_by",
        "Who has seen the report?",
        "multiple",
        hint="Select all that apply",
        choices=_choices(
            ("only_me", "Only me"),
            ("gp_partners", "GP partners"),
            ("clinical_team", "The clinical team"),
            ("whole_practice", "The whole practice"),
            ("pcn", "Our primary care network (PCN)"),
            ("other", "Someone else"),
        ),
    ),
    QuestionSpec(
        "where_discussed",
        "Where was it discussed?",
        "multiple",
        hint="Select all that apply",
        show_if={"question": "discussed", "choices": ["yes"]},
        choices=_choices(
            ("practice_meeting", "Whole-practice meeting"),
            ("clinical_meeting", "Clinical meeting"),
            ("partners_meeting", "Partners' meeting"),
            ("pcn_meeting", "PCN meeting"),
            ("teaching", "Teaching or training session"),
            ("other", "Somewhere else"),
        ),
    ),
    QuestionSpec(
        "kind_of_use",
        "What kind of use?",
        "multiple",
        hint="Select all that apply",
        show_if=_USED,
        choices=_choices(
            ("qi_project", "Quality improvement project"),
            ("audit", "Audit or search"),
            ("teaching", "Teaching session"),
            ("trainee_portfolio", "Trainee portfolio"),
            ("appraisal_cpd", "Appraisal or CPD"),
            ("cqc_evidence", "CQC evidence"),
            ("workflow_change", "A change to workflow or delegation"),
            ("other", "Something else"),
        ),
    ),
    QuestionSpec(
        "change",
        "What change did you make, or do you plan to make?",
        "text",
        hint="For example, redirecting routine letters from GPs to a trained administrator",
        show_if=_USED,
    ),
    QuestionSpec(
        "change_by",
        "By when did you make it, or do you plan to?",
        "date",
        hint="For example, 31 3 2027",
        show_if=_USED,
    ),
    QuestionSpec("useful", "How useful was the report?", "scale_1_5", hint=_SCALE_HINT),
    QuestionSpec(
        "fair_comparison",
        "Was the similar practice a fair comparison for yours?",
        "scale_1_5",
        hint=_SCALE_HINT,
    ),
    QuestionSpec(
        "performance_management",
        "Did the report feel like performance management?",
        "scale_1_5",
        hint=_SCALE_HINT,
    ),
    QuestionSpec(
        "barriers",
        "What has made it harder to use the report?",
        "multiple",
        hint="Select all that apply",
        choices=_choices(
            ("time", "Lack of time"),
            ("staffing", "Staffing pressures"),
            ("understanding", "The report was hard to understand"),
            ("relevance", "The comparison did not feel relevant"),
            ("support", "No support for quality improvement"),
            ("priorities", "Other priorities"),
            ("other", "Something else"),
            ("none", "Nothing"),
        ),
    ),
    QuestionSpec(
        "take_part_again",
        "Would your practice take part in a PACT project again?",
        "single",
        choices=_choices(("yes", "Yes"), ("maybe", "Maybe"), ("no", "No")),
    ),
    QuestionSpec(
        "respondent_role",
        "What is your role in the practice?",
        "single",
        hint="This lets us see whether answers differ by who replies",
        choices=_choices(
            ("practice_manager", "Practice manager"),
            ("gp_partner", "GP partner"),
            ("salaried_gp", "Salaried GP"),
            ("nurse", "Practice nurse or nurse practitioner"),
            ("pact_champion", "PACT Champion (another role)"),
            ("other", "Another role"),
        ),
    ),
)


@dataclass
class Definition:
    """A whole survey as plain data, as exported and imported."""

    title: str
    introduction: str = ""
    questions: list[QuestionSpec] = field(default_factory=list)


def default_definition() -> Definition:
    return Definition(title=DEFAULT_TITLE, questions=list(DEFAULT_QUESTIONS))


def spec_of(question) -> QuestionSpec:
    """A database question (with its choices) as a plain spec."""
    return QuestionSpec(
        code=question.code,
        text=question.text,
        type=question.type,
        hint=question.hint or "",
        required=bool(question.required),
        choices=tuple(ChoiceSpec(c.code, c.label) for c in question.choices),
        show_if=question.show_if or None,
    )


def definition_of(survey) -> Definition:
    return Definition(
        title=survey.title,
        introduction=survey.introduction or "",
        questions=[spec_of(q) for q in survey.questions],
    )


def to_json(definition: Definition) -> dict:
    """The export format (format_version 1)."""
    return {
        "format_version": FORMAT_VERSION,
        "title": definition.title,
        "introduction": definition.introduction,
        "questions": [
            {
                "code": q.code,
                "text": q.text,
                "hint": q.hint,
                "type": q.type,
                "required": q.required,
                "show_if": q.show_if,
                "choices": [{"code": c.code, "label": c.label} for c in q.choices],
            }
            for q in definition.questions
        ],
    }
