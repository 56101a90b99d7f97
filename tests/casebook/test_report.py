"""A record audit's practice reports: counted by the database the same as in Python, built
through the reports pipeline, protected below network level."""

import numpy as np
from sqlalchemy import select

from pact_feedback.casebook.definition import spec_of
from pact_feedback.casebook.frames import count_in_sql, load_cases
from pact_feedback.casebook.report import column
from pact_feedback.casebook.tables import count_matrix
from pact_feedback.extensions import db
from pact_feedback.reports import actions as report_actions
from pact_feedback.reports.build import withheld_cells
from pact_feedback.reports.models import Report
from pact_feedback.surveys.definitions import ChoiceSpec, QuestionSpec
from tests.casebook.helpers import COMPLETE, audit_world, fill


def _variety(n):
    results = ["normal", "borderline", "abnormal"]
    reasons = [["symptoms"], ["disease_monitoring", "medication_monitoring"], ["symptoms", "other"]]
    return [
        {**COMPLETE, "result": results[i % 3], "reasons": reasons[i % 3], "tests": ["fbc"]}
        for i in range(n)
    ]


def test_database_counts_equal_python_counts(ctx):
    """The GROUP BY path and the Python path agree on every practice and answer; drafts
    (unsubmitted audits) count in neither."""
    world = audit_world(practices=3)
    fill(world, world.practices[0], _variety(7))
    fill(world, world.practices[1], _variety(4) + [{**COMPLETE, "reasons": []}])
    fill(world, world.practices[2], _variety(5), submit=False)
    questions = spec_of(world.form).tabulated()
    groups = [p.id for p in world.practices]
    cases = load_cases(world.form)

    in_sql = count_in_sql(world.form, questions, groups)
    in_python = count_matrix(cases.assign(group=cases["practice_id"]), questions, groups)

    assert np.array_equal(in_sql[0], in_python[0]) and np.array_equal(in_sql[1], in_python[1])
    assert in_sql[1][2].sum() == 0  # the draft audit


def test_reports_pipeline_generates_and_releases_audit_reports(ctx):
    world = audit_world(practices=3, status="analysing")
    for practice in world.practices:
        fill(world, practice, _variety(12))

    drafts = report_actions.generate(world.study, by=world.team)
    released = report_actions.release(world.study, by=world.team, notify=False)

    assert drafts.total == drafts.kinds["practice"] == 3 and released == 3
    report = db.session.scalar(select(Report).filter_by(practice_id=world.practices[0].id))
    payload = report.payload
    assert payload["instrument"] == "record_audit" and payload["cases"] == 12
    assert [q["code"] for q in payload["questions"]] == [
        "reasons",
        "result",
        "outcome",
        "new_diagnosis",
        "necessity",
    ]
    assert payload["own"]["result"]["cells"]["normal"] == {
        "n": "4",
        "percent": 33.3,
        "ci": [13.8, 60.9],
    }
    assert payload["network"]["result"]["answered"] == "36"
    assert payload["comparator"]["result"]["answered"] == "10"  # 12 rounded to 5


RESULT = QuestionSpec(
    "result",
    "Result",
    "single",
    choices=(ChoiceSpec("normal", "Normal"), ChoiceSpec("border", "B"), ChoiceSpec("ab", "A")),
)


def test_protected_column_withholds_small_counts_and_their_complement():
    """20 cases: 3 / 7 / 10. Both small counts show "<8" with no percentage; with only one
    small count, the next smallest would be withheld too, so 100% minus the rest reveals
    nothing."""
    both = column(np.array([3, 7, 10]), np.array([20]), [RESULT], protect=True)["result"]
    assert [c["n"] for c in both["cells"].values()] == ["<8", "<8", "10"]
    assert [c["percent"] for c in both["cells"].values()] == [None, None, 50.0]

    one = column(np.array([3, 12, 15]), np.array([30]), [RESULT], protect=True)["result"]
    assert [c["percent"] for c in one["cells"].values()] == [None, None, 50.0]
    assert one["answered"] == "30"

    own = column(np.array([3, 12, 15]), np.array([30]), [RESULT], protect=False)["result"]
    assert [c["n"] for c in own["cells"].values()] == ["3", "12", "15"]
    assert own["cells"]["normal"]["percent"] == 10.0


def test_protected_column_with_too_few_cases_shows_no_percentages():
    result = column(np.array([0, 0, 9]), np.array([9]), [RESULT], protect=True)["result"]
    assert all(c["percent"] is None for c in result["cells"].values())


def test_the_review_table_counts_the_figures_an_audit_report_withholds(ctx):
    """The study team's review counts cells shown without a percentage in the protected
    columns; the practice's own column (always exact) and empty columns hide nothing."""
    world = audit_world(practices=3, status="analysing")
    for practice, n in zip(world.practices, (12, 12, 3), strict=True):
        fill(world, practice, _variety(n))
    report_actions.generate(world.study, by=world.team)
    drafts = db.session.scalars(select(Report).filter_by(study_id=world.study.id)).all()
    reports = {r.practice_id: r for r in drafts}
    payload = reports[world.practices[0].id].payload

    protected = [
        cell
        for key in ("comparator", "peer_group")
        for question in (payload[key] or {}).values()
        for cell in question["cells"].values()
    ]
    hidden = sum(cell["percent"] is None for cell in protected)
    assert hidden > 0  # the comparator's small counts
    assert withheld_cells(payload) == hidden
    alone = {**payload, "comparator": None, "peer_group": None}
    assert withheld_cells(alone) == 0


def test_the_review_page_of_audit_reports_shows_cases_not_clinicians_or_sharing(client, ctx):
    from tests.conftest import login, page

    world = audit_world(practices=2, status="analysing")
    fill(world, world.practices[0], _variety(12))
    report_actions.generate(world.study, by=world.team)
    login(client, world.team)

    html = page(client.get(f"/studies/{world.study.slug}/reports"))

    table = html.select_one("table")
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers[:2] == ["Practice", "Cases audited"] and "Sharing" not in headers
    cells = [td.get_text(" ", strip=True) for td in table.select("tbody tr")[0].select("td")]
    assert cells[1] == "12" and cells[4] == "0"
