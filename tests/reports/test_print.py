"""Every demo report prints fit for a practice meeting or an appraisal folder.

The PDFs are read back with poppler (`tests/printed.py`): which text lands on which page, and
where. One report of each disclosure shape is printed (own figures shown or withheld, withheld
cells in the comparator or peer group, a role with and without a network benchmark, a private
report printed with and without its owner's name and read by the lead it is shared with);
PACT_PRINT_EVERY_REPORT=1 prints every demo report instead (a few minutes).
"""

import os
import re

from bs4 import BeautifulSoup
from flask import render_template
from sqlalchemy import select

from pact_feedback.accounts.models import Membership, User
from pact_feedback.accounts.roles import PRACTICE_LEAD
from pact_feedback.charts.bars import split_parts
from pact_feedback.demo import seed
from pact_feedback.extensions import db
from pact_feedback.reports.models import Report
from pact_feedback.reports.pdf import render_report_pdf
from pact_feedback.reports.presenting import report_context, task_parts
from tests.printed import MM, read_pages

MARGIN_MM, FOOT_MM = 16, 22  # static/css/report-print.css: @page margins


def _practice_shape(payload) -> tuple:
    def shape(key):
        section = payload.get(key)
        if not section:
            return "none"
        profile = section["by_category"]
        return "withheld" if profile["values"] is None else bool(profile.get("withheld"))

    return ("practice", shape("own"), shape("comparator"), shape("peer_group"))


def _readers(report) -> list[tuple[User, bool]]:
    """(viewer, with name) pairs a private report is printed for: its owner with and without
    their name, and the practice lead when the owner shares it."""
    readers = [(report.user, True), (report.user, False)]
    sharing = db.session.scalar(
        select(Membership).filter_by(
            user_id=report.user_id, study_id=report.study_id, shares_with_practice=True
        )
    )
    lead = db.session.scalar(
        select(User)
        .join(Membership)
        .filter(Membership.role == PRACTICE_LEAD, Membership.practice_id == report.practice_id)
    )
    if sharing and lead:
        readers.append((lead, True))
    return readers


def _printed_reports():
    """(report, viewer, with name) for one report of every shape, or for every report."""
    reports = db.session.scalars(
        select(Report).where(Report.status == "released").order_by(Report.id)
    ).all()
    every = os.environ.get("PACT_PRINT_EVERY_REPORT") == "1"
    seen = set()
    for report in reports:
        if "questions" in report.payload:
            continue  # a record audit's report: its charts follow its form, not the taxonomy
        if report.kind == "practice":
            shape = _practice_shape(report.payload)
        else:
            shape = ("participant", bool(report.payload["benchmark"].get("by_category")))
        if shape in seen and not every:
            continue
        seen.add(shape)
        if report.kind == "practice":
            yield report, None, True
        else:
            yield from ((report, viewer, named) for viewer, named in _readers(report))
    assert len(seen) >= 3, f"the demo data should show every shape, found {seen}"


def _headings(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = soup.select("h1, h2, h3, caption, figcaption")
    return [" ".join(h.get_text(" ", strip=True).split()) for h in found]


def _cell(value) -> str:
    if value is None:
        return "not shown"
    return value if isinstance(value, str) else f"{value:g}"


def _check_pages(pages, context, headings, problems, name):
    total = len(pages)
    for page in pages:
        where = f"{name} page {page.number}"
        foot = " ".join(line.text for line in page.foot(FOOT_MM))
        if f"Page {page.number} of {total}" not in foot:
            problems.append(f"{where}: no 'Page {page.number} of {total}' in {foot!r}")
        for item in context["footer"]:
            if " ".join(item.split()) not in foot:
                problems.append(f"{where}: footer lacks {item!r}: {foot!r}")
        for line in page.lines:  # nothing runs off the printable area (clipped labels did)
            if (
                line.x0 < MARGIN_MM * MM - 1
                or line.x1 > page.width - MARGIN_MM * MM + 1
                or line.y0 < MARGIN_MM * MM - 1
                or line.y1 > page.height
            ):
                problems.append(f"{where}: {line.text!r} outside the printable area")
        body = page.body(FOOT_MM)
        content = [line for line in body if not any(line.text in h for h in headings)]
        if len(content) < 3:
            problems.append(f"{where}: holds only {[line.text for line in body]}")
        if body and page.number < total:
            last = body[-1].text
            if any(h.endswith(last) for h in headings if len(last) > 3):
                problems.append(f"{where}: ends with a stranded heading {last!r}")


def _check_figure(pages, figure, parts, problems, name):
    """Every task in every part of the chart, each part on one page, and every row of the
    table whole on a page under its repeated header."""
    texts = [page.text(FOOT_MM) for page in pages]
    codes_charted = []
    for number, (label, rows) in enumerate(parts, start=1):
        caption = figure.title
        if len(parts) > 1:
            caption += f", part {number} of {len(parts)}" + (f": {label}" if label else "")
        # The table's caption starts "Table: " + the chart's title: leave it out of the search.
        on = [i for i, text in enumerate(texts) if caption in text.replace(f"Table: {caption}", "")]
        if len(on) != 1:
            problems.append(f"{name}: chart part {caption!r} found on pages {on}")
            continue
        text = texts[on[0]].replace(f"Table: {caption}", "")
        start = text.index(caption)
        for code, task in rows:
            if task not in text[start:]:
                problems.append(f"{name}: {task!r} missing from {caption!r} (page {on[0] + 1})")
            codes_charted.append(code)
    if sorted(codes_charted) != sorted(code for code, _, _ in figure.rows):
        problems.append(f"{name}: the parts of {figure.title!r} do not hold every row once")
    caption = f"Table: {figure.title}"
    first = next((i for i, text in enumerate(texts) if caption in text), None)
    if first is None:
        problems.append(f"{name}: no table {caption!r}")
        return
    heading = "Group" if "group" in figure.title else "Task"
    for _code, task, values in figure.rows:
        row = _table_row(pages[first:], task)
        if row is None:
            problems.append(f"{name}: table row {task!r} missing")
            continue
        page, cells = row
        missing = [v for v in map(_cell, values) if f" {v} " not in f" {cells} "]
        if missing:
            problems.append(f"{name}: row {task!r} of {caption!r} lacks {missing} beside it")
        if page.number != first + 1:  # a continued table: its header row heads the page
            top = min(line.y0 for line in page.body(FOOT_MM))
            if not any(line.text == heading and line.y0 < top + 20 for line in page.body(FOOT_MM)):
                problems.append(f"{name}: page {page.number} continues a table without header")


def _table_row(pages, label):
    """The page and the texts level with `label`'s (first line of) cell at the table's left
    edge, on the first page where it appears in a table: a row cut across pages has its
    values elsewhere."""
    for page in pages:
        for line in page.body(FOOT_MM):
            if line.x0 < MARGIN_MM * MM + 15 and label.startswith(line.text) and len(line.text) > 3:
                level = [o.text for o in page.lines if abs(o.y0 - line.y0) < 2 and o is not line]
                if level and not level[0].endswith("min"):  # a chart label has no level text
                    return page, " ".join(level)
    return None


def test_every_demo_report_prints_whole_and_labelled(app, ctx):
    seed("demo-password-x")
    problems, printed = [], 0
    for report, viewer, with_name in list(_printed_reports()):
        name = f"report {report.id} ({report.kind}, {'named' if with_name else 'unnamed'})"
        with app.test_request_context():
            context = report_context(report, viewer=viewer, with_name=with_name)
            html = render_template("reports/pdf.html", for_print=True, **context)
            pages = read_pages(render_report_pdf(report, viewer=viewer, with_name=with_name))
        printed += 1
        _check_pages(pages, context, _headings(html), problems, name)
        n_series = len(context["figures"][1].columns) - 1  # the last column is the range
        for figure in context["figures"]:
            categories = [(code, label) for code, label, _ in figure.rows]
            parts = task_parts(report.payload) if "task" in figure.title else None
            _check_figure(pages, figure, split_parts(categories, parts, n_series), problems, name)
        text = " ".join(page.text(FOOT_MM) for page in pages)
        if report.kind == "participant":
            owner = report.user.name
            assert (owner in text) is with_name, f"{name}: the owner's name choice not kept"
            if viewer.id == report.user_id:
                assert "Using this report for appraisal or a training portfolio" in text
            else:
                assert re.search(rf"{re.escape(owner)}'s diary report, shared with you on", text)
                assert "Your diary in numbers" not in text
    assert printed >= 6
    assert not problems, "\n".join(problems)
