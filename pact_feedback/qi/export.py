"""Run charts for a project's measures, and its summary as PDF (WeasyPrint) and Markdown."""

import re

from flask import Response, render_template

from pact_feedback.charts.run import Point, chart_rows, describe, run_chart_svg
from pact_feedback.charts.runrules import analyse
from pact_feedback.printing import print_pdf

PRINT_CSS = "css/qi-print.css"


def measure_chart(project, measure) -> dict:
    """The run chart of one measure: SVG, its data table rows and the findings in words."""
    points = [Point(v.measured_on, v.value, v.note) for v in measure.values]
    title = f"Run chart: {measure.name}"
    return {
        "measure": measure,
        "svg": run_chart_svg(
            title,
            points,
            unit=measure.unit,
            cycles=project.cycles,
            chart_id=f"qi-chart-{measure.id}",
        ),
        "rows": chart_rows(points),
        "summary": describe(
            points, analyse([p.value for p in points]), measure.unit, project.cycles
        ),
        "title": title,
    }


def charts(project) -> list[dict]:
    return [measure_chart(project, m) for m in project.measures if m.values]


def render_pdf(project) -> bytes:
    html = render_template("qi/export.html", project=project, charts=charts(project))
    return print_pdf(html, stylesheets=(PRINT_CSS,))


def render_markdown(project) -> str:
    text = render_template("qi/export.md", project=project, charts=charts(project))
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def download(body: bytes, project, extension: str, mimetype: str) -> Response:
    slug = re.sub(r"[^a-z0-9]+", "-", project.title.lower()).strip("-")[:60] or "project"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="qi-{project.id}-{slug}.{extension}"'
        },
    )
