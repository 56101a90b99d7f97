"""A stored record-audit report payload as its page and PDF show it: one chart and one table
per tabulated question, read only from the frozen payload."""

from dataclasses import dataclass

from markupsafe import Markup

from pact_feedback import disclosure
from pact_feedback.casebook.report import COLUMNS
from pact_feedback.charts.bars import Series, bar_chart
from pact_feedback.charts.styles import NETWORK, OWN, PEER_GROUP, PRACTICE, SIMILAR

# Suggested quality improvement from a finding: (question, answers, wording).
SUGGESTIONS = (
    (
        "necessity",
        ("partly_unnecessary", "unnecessary"),
        "Review tests judged partly or fully unnecessary: for example, monitoring tests repeated "
        "within their recommended interval.",
    ),
    (
        "result",
        ("normal",),
        "Look at the tests that were all normal: which requests could a protocol or a "
        "template make more selective?",
    ),
    (
        "outcome",
        ("no_change",),
        "Tests that led to no change in management: could the reason for testing be recorded "
        "at request, so the result is acted on?",
    ),
)


@dataclass
class QuestionFigure:
    code: str
    title: str
    chart: Markup
    columns: list[str]  # column names, in order
    rows: list[tuple[str, list[dict | None]]]  # (answer label, cell per column)
    answered: list[str]  # N per column


# One colour, one meaning: each column keeps the fill and pattern it has in every report.
# A clinician's own cases are "us" (solid blue); their practice is a group they belong to.
STYLES = {
    "own": OWN,
    "mine": OWN,
    "comparator": SIMILAR,
    "practice": PRACTICE,
    "peer_group": PEER_GROUP,
    "network": NETWORK,
}


def figures(payload: dict, columns=COLUMNS) -> list[QuestionFigure]:
    """A chart and table per question, for the `columns` ((key, name)) the payload holds."""
    shown = [(key, name) for key, name in columns if payload.get(key)]
    result = []
    for q in payload["questions"]:
        axis = [(c["code"], c["label"]) for c in q["choices"]]
        series = [
            Series(
                name,
                {c: (payload[key][q["code"]]["cells"][c]["percent"]) for c, _ in axis},
                style=STYLES[key],
            )
            for key, name in shown
        ]
        several = " Each case could have several answers." if q["type"] == "multiple" else ""
        description = (
            f"Percentage of audited cases for each answer to '{q['text']}', for "
            f"{', '.join(name.lower() for _, name in shown)}.{several} The same figures, with "
            "counts and 95% intervals, are in the table below."
        )
        result.append(
            QuestionFigure(
                code=q["code"],
                title=q["text"],
                chart=bar_chart(q["text"], description, axis, series, unit="%"),
                columns=[name for _, name in shown],
                rows=[
                    (label, [payload[key][q["code"]]["cells"][code] for key, _ in shown])
                    for code, label in axis
                ],
                answered=[payload[key][q["code"]]["answered"] for key, _ in shown],
            )
        )
    return result


@dataclass
class Suggestion:
    """A QI idea from a finding, and what the QI form opens with (`qi.findings` reads the
    question and answers from the same frozen payload)."""

    text: str
    question: str
    answers: tuple[str, ...]


def suggestions(payload: dict) -> list[Suggestion]:
    """QI ideas for findings present in this practice's own audit."""
    own = payload.get("own") or {}
    ideas = []
    for code, answers, wording in SUGGESTIONS:
        cells = (own.get(code) or {}).get("cells") or {}
        if any((cells.get(a) or {}).get("percent") for a in answers):
            ideas.append(Suggestion(wording, code, answers))
    return ideas


def report_context(report, *, viewer) -> dict:
    payload = report.payload
    return {
        "report": report,
        "payload": payload,
        "study": report.study,
        "preview": report.status == "draft",
        "own_report": False,
        "body_template": "casebook/_report.html",
        "audit_figures": figures(payload),
        "suggestions": suggestions(payload),
        "display_count": disclosure.display_count,
        "small_count": disclosure.SMALL_COUNT,
    }
