"""Where a new project starts from: a report finding, a starter outline, or a blank page."""

from dataclasses import dataclass, field

from flask import abort

from pact_feedback.qi import queries
from pact_feedback.qi.findings import Finding, finding_from_report
from pact_feedback.qi.outlines import OUTLINES, Outline


@dataclass
class Start:
    report: object = None
    finding: Finding | None = None
    outline: Outline | None = None
    measures: list[dict] = field(default_factory=list)
    first_cycle: dict | None = None

    @staticmethod
    def outlines() -> list[Outline]:
        return list(OUTLINES.values())

    def form_data(self) -> dict:
        """What the new-project form opens with: copied in, then the team's to change."""
        data = {"evidence_tags": [], "add_suggestions": [k for k, _ in self.suggestion_choices()]}
        if self.outline:
            data.update(
                title=self.outline.title,
                aim_what=self.outline.aim_what,
                aim_how_much=self.outline.aim_how_much,
                change_ideas=self.outline.change_ideas,
                evidence_tags=list(self.outline.evidence_tags),
            )
        if self.finding:
            data.update(
                title=self.finding.title,
                aim_what=self.finding.aim_what,
                aim_how_much=self.finding.aim_how_much,
            )
        return data

    def suggestion_choices(self) -> list[tuple[str, str]]:
        choices = [
            (f"measure-{i}", f"{m['kind'].capitalize()} measure: {m['name']}")
            for i, m in enumerate(self.measures)
        ]
        if self.first_cycle:
            choices.append(("cycle", f"PDSA cycle 1 (plan): {self.first_cycle['objective']}"))
        return choices


def start_from_request(args, *, practice=None, user=None) -> Start:
    """Read `report`, `category` and `outline` from the query string; 404 for a report that
    is not this practice's (or this person's) released report, or an unknown category."""
    start = Start()
    if "outline" in args:
        start.outline = OUTLINES.get(args.get("outline", ""))
        if start.outline is None:
            abort(404)
        start.measures = list(start.outline.measures)
        start.first_cycle = dict(start.outline.first_cycle)
    if "report" in args:
        report_id = args.get("report", type=int)
        if report_id is None:
            abort(404)
        start.report = (
            queries.practice_report(report_id, practice.id)
            if practice is not None
            else queries.participant_report(report_id, user.id)
        )
        if start.report is None:
            abort(404)
        start.finding = finding_from_report(
            start.report.payload, args.get("category", ""), answers=args.getlist("answer")
        )
        if start.finding is None:
            abort(404)
        suggested = start.finding.suggested_measure()
        start.measures = [suggested] + [
            m for m in start.measures if m["kind"] != "outcome" and m["name"] != suggested["name"]
        ]
    return start
