"""A report finding, read from a released report's frozen payload: pure functions.

Practice payloads (see `reports.build`) hold profiles `own`, `comparator`, `peer_group` and
`network`, each with `by_category` = {"n", "values": {code: minutes or None} or None}. A value
is None when the disclosure rules withheld it; a whole profile's values are None when too few
people contributed. Participant payloads hold `own.by_category` = {code: minutes} and
`benchmark.by_category` = {code: {"median", "q1", "q3", "n"}} for the participant's role.
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


def finding_from_report(payload: dict, category_code: str) -> Finding | None:
    """The finding for `category_code` in a practice or participant report, None if unknown."""
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
