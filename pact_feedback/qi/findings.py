"""A report finding, read from a released report's frozen payload: pure functions.

Practice payloads (see `reports.build`) hold profiles `own`, `comparator`, `peer_group` and
`network`, each with `by_category` = {"n", "values": {code: minutes or None} or None}. A value
is None when the disclosure rules withheld it; a whole profile's values are None when too few
people contributed. Participant payloads hold `own.by_category` = {code: minutes} and
`benchmark.by_category` = {code: {"median", "q1", "q3", "n"}} for the participant's role.
Record-audit payloads (`"instrument": "record_audit"`) hold `questions` and, per column, each
question's answers as {"n", "percent", "ci"}: a finding there is a question and some of its
answers, as a percentage of audited cases.
"""

from dataclasses import dataclass, field

UNIT = "minutes per clinician per day"

# Where a practice's baseline can come from, in order of preference.
PRACTICE_SOURCES = (
    ("own", "your practice"),
    ("comparator", "the similar practice"),
    ("peer_group", "the group of similar practices"),
)


@dataclass
class Finding:
    """One category of a report, as a starting point for a QI project."""

    category_code: str
    label: str
    baseline: float | None = None
    baseline_source: str | None = None
    comparison: float | None = None
    comparison_source: str | None = None
    range_low: float | None = None
    range_high: float | None = None
    private: bool = False
    notes: list[str] = field(default_factory=list)
    unit: str = UNIT

    @property
    def figure_unit(self) -> str | None:
        """The unit pages print after a figure: None for the diary's minutes (their wording)."""
        return None if self.unit == UNIT else self.unit

    @property
    def title(self) -> str:
        return f"Time on {self.label.lower()}"

    @property
    def aim_what(self) -> str:
        who = "I spend" if self.private else "our clinicians spend"
        return f"Reduce the time {who} on {self.label.lower()} ({self.category_code})."

    @property
    def aim_how_much(self) -> str:
        if self.baseline is None:
            return (
                f"Measure our own baseline for {self.label.lower()} first, then agree a target "
                "as a team."
            )
        said = f"From a baseline of {self.baseline:g} {UNIT} ({self.baseline_source})"
        if self.comparison is not None:
            said += f", compared with {self.comparison:g} ({self.comparison_source})"
        return said + ". Agree a realistic target as a team."

    def suggested_measure(self) -> dict:
        return {
            "kind": "outcome",
            "name": f"Minutes per clinician per day on {self.label}",
            "definition": (
                f"Minutes spent on {self.label.lower()} on a sampled working day, divided by "
                "the number of clinicians who recorded that day"
            ),
            "data_source": "Repeat diary day or a timed sample of sessions",
            "frequency": "Weekly",
            "unit": "minutes",
        }

    def stored_fields(self) -> dict:
        """The columns of a QI project that keep this finding."""
        return {
            "finding_category": self.category_code,
            "finding_label": self.label,
            "finding_baseline": self.baseline,
            "finding_baseline_source": self.baseline_source,
            "finding_comparison": self.comparison,
            "finding_comparison_source": self.comparison_source,
            "finding_range_low": self.range_low,
            "finding_range_high": self.range_high,
            "finding_unit": None if self.unit == UNIT else self.unit,  # None: minutes
        }


AUDIT_UNIT = "% of audited cases"


@dataclass
class AuditFinding(Finding):
    """Some answers to a record-audit question, as a share of the practice's audited cases."""

    question: str = ""
    answers: str = ""  # the answers' labels, joined with "or"
    unit: str = AUDIT_UNIT

    @property
    def title(self) -> str:
        return f"Fewer cases: {self.answers.lower()}"

    @property
    def aim_what(self) -> str:
        return f"Reduce the share of audited cases answered “{self.answers}” to “{self.question}”."

    @property
    def aim_how_much(self) -> str:
        if self.baseline is None:
            return "Audit a sample of our own cases first, then agree a target as a team."
        said = f"From a baseline of {self.baseline:g}{self.unit} ({self.baseline_source})"
        if self.comparison is not None:
            said += f", compared with {self.comparison:g}% ({self.comparison_source})"
        return said + ". Agree a realistic target as a team."

    def suggested_measure(self) -> dict:
        return {
            "kind": "outcome",
            "name": f"% of audited cases: {self.answers}"[:200],
            "definition": (
                f"Cases answered “{self.answers}” to “{self.question}”, divided by the cases "
                "audited, in a repeat audit with the same sampling frame"
            )[:2000],
            "data_source": "Repeat record audit of the same kind of records",
            "frequency": "Monthly",
            "unit": "%",
        }


def _label(payload: dict, code: str) -> str | None:
    return next((c["label"] for c in payload.get("categories", []) if c["code"] == code), None)


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _network(payload: dict, code: str):
    """(value, what it is, low, high) from the network profile, whatever form it takes."""
    profile = (payload.get("network") or {}).get("by_category") or {}
    value = (profile.get("values") or {}).get(code)
    if isinstance(value, dict):  # a distribution: {"median", "q1", "q3"}
        return (
            _number(value.get("median")),
            "median across the network",
            _number(value.get("q1", value.get("low"))),
            _number(value.get("q3", value.get("high"))),
        )
    low_high = (profile.get("range") or {}).get(code) or (None, None)
    return _number(value), "average across the network", _number(low_high[0]), _number(low_high[1])


def finding_from_report(
    payload: dict, category_code: str, *, answers: list[str] | None = None
) -> Finding | None:
    """The finding for `category_code` in a practice or participant report (in a record
    audit's report: question `category_code`, `answers` of it), None if unknown."""
    if payload.get("instrument") == "record_audit":
        return _audit_finding(payload, category_code, answers or [])
    label = _label(payload, category_code)
    if label is None:
        return None
    if "benchmark" in payload:
        return _participant_finding(payload, category_code, label)
    finding = Finding(category_code, label)
    for key, source in PRACTICE_SOURCES:
        values = ((payload.get(key) or {}).get("by_category") or {}).get("values")
        value = _number((values or {}).get(category_code))
        if value is not None:
            finding.baseline, finding.baseline_source = value, source
            break
        finding.notes.append(f"The report does not show a figure for {source} here.")
    if finding.baseline is not None:
        finding.notes = []
    (
        finding.comparison,
        finding.comparison_source,
        finding.range_low,
        finding.range_high,
    ) = _network(payload, category_code)
    return finding


def _participant_finding(payload: dict, code: str, label: str) -> Finding:
    own = (payload.get("own") or {}).get("by_category") or {}
    benchmark = ((payload.get("benchmark") or {}).get("by_category") or {}).get(code) or {}
    finding = Finding(code, label, private=True)
    finding.baseline = _number(own.get(code, 0.0))
    finding.baseline_source = "your own diary"
    finding.comparison = _number(benchmark.get("median"))
    if finding.comparison is not None:
        finding.comparison_source = "median for your role across the network"
        finding.range_low, finding.range_high = (
            _number(benchmark.get("q1")),
            _number(benchmark.get("q3")),
        )
    else:
        finding.notes.append("Too few people in your role took part to show a comparison.")
    return finding


def _audit_percent(column: dict | None, code: str, answers: list[str]) -> float | None:
    """The answers' percentages added up, None when any of them is withheld."""
    cells = ((column or {}).get(code) or {}).get("cells") or {}
    values = [_number((cells.get(a) or {}).get("percent")) for a in answers]
    return None if any(v is None for v in values) else round(sum(values), 1)


def _audit_finding(payload: dict, code: str, answers: list[str]) -> Finding | None:
    question = next((q for q in payload.get("questions", []) if q["code"] == code), None)
    labels = {c["code"]: c["label"] for c in (question or {}).get("choices", [])}
    if question is None or not answers or any(a not in labels for a in answers):
        return None
    if question["type"] != "single" and len(answers) > 1:
        return None  # several answers of one case would be counted twice
    said = " or ".join(labels[a] for a in answers)
    finding = AuditFinding(
        code[:10], f"{question['text']} {said}"[:200], question=question["text"], answers=said
    )
    finding.baseline = _audit_percent(payload.get("own"), code, answers)
    finding.baseline_source = "your practice's audit"
    if finding.baseline is None:
        finding.notes.append("The report does not show your practice's figure here.")
    finding.comparison = _audit_percent(payload.get("network"), code, answers)
    finding.comparison_source = "the network" if finding.comparison is not None else None
    return finding
