"""A clinician's private summary of their own cases: their figures beside their practice and the
network, the practice's small numbers withheld by the disclosure rules, seen by nobody else."""

from pact_feedback.accounts.roles import PARTICIPANT
from pact_feedback.casebook import summary
from pact_feedback.casebook.actions import audit_for, submit_audit
from pact_feedback.casebook.definition import spec_of
from pact_feedback.disclosure import effective_k_practice
from tests.casebook.helpers import COMPLETE, audit_world, fill
from tests.conftest import login, make_user, page


def _questions(world):
    return [q for q in spec_of(world.form).tabulated() if q.code in ("result", "reasons")]


def _clinicians(world, practice, n):
    return [
        make_user(role=PARTICIPANT, practice=practice, study=world.study, consented=True)
        for _ in range(n)
    ]


def test_own_column_is_exact_and_practice_is_withheld_below_k(ctx):
    """With fewer colleagues than the study's k, the practice column would give them away."""
    world = audit_world()
    questions = _questions(world)
    rows = [(1, {**COMPLETE, "result": "normal"})] * 3 + [(2, {**COMPLETE, "result": "abnormal"})]

    own = summary.own_column([a for by, a in rows if by == 1], questions)
    practice = summary.practice_column(rows, questions, k_practice=5)

    assert own["result"]["cells"]["normal"]["n"] == "3"
    assert own["result"]["cells"]["normal"]["percent"] == 100.0
    assert practice is None


def test_practice_column_withholds_cells_of_few_clinicians_and_rounds_counts(ctx):
    """A cell needs 3 clinicians; in a one-answer question a second cell goes with it."""
    world = audit_world()
    questions = _questions(world)
    normal = {**COMPLETE, "result": "normal"}
    rows = [(by, normal) for by in range(1, 6) for _ in range(4)]  # 5 clinicians, 20 normal
    rows += [(1, {**COMPLETE, "result": "abnormal"})] * 2  # one clinician's two abnormal
    rows += [(by, {**COMPLETE, "result": "borderline"}) for by in (2, 3, 4)] * 3

    column = summary.practice_column(rows, questions, k_practice=5)

    cells = column["result"]["cells"]
    assert cells["abnormal"]["n"] is None and cells["abnormal"]["percent"] is None
    assert cells["borderline"]["n"] is None  # else abnormal = total - normal - borderline
    assert cells["normal"]["n"] == "20" and cells["normal"]["percent"] == 65
    assert column["result"]["answered"] == "30"  # 31 cases, rounded to 5


def test_network_needs_enough_clinicians_in_other_practices(ctx):
    """A network made mostly of the practice's own clinicians is their aggregate: withheld."""
    world = audit_world(practices=3)
    own_practice, second, third = world.practices
    fill(world, own_practice, [COMPLETE] * 3, by=world.participant, submit=False)
    for clinician in _clinicians(world, second, 2):
        fill(world, second, [COMPLETE] * 5, by=clinician, submit=False)
    submit_audit(audit_for(world.form, second), by=world.team)
    context = summary.summary_context(world.study, world.form, own_practice, world.participant)
    assert context["payload"]["network"] is None

    for clinician in _clinicians(world, third, 3):
        fill(world, third, [COMPLETE] * 5, by=clinician, submit=False)
    submit_audit(audit_for(world.form, third), by=world.team)
    context = summary.summary_context(world.study, world.form, own_practice, world.participant)

    assert context["payload"]["network"]["result"]["answered"] == "25"


def test_summary_page_shows_only_the_viewers_cases_and_is_linked(client, ctx):
    """The audit page links the summary; it counts the viewer's cases, not a colleague's."""
    world = audit_world()
    fill(world, world.practices[0], [COMPLETE] * 3, by=world.participant, submit=False)
    fill(world, world.practices[0], [{**COMPLETE, "result": "abnormal"}], by=world.lead)
    login(client, world.participant)
    url = f"/take-part/{world.study.slug}/audit/summary"

    audit_page = page(client.get(f"/take-part/{world.study.slug}/audit"))
    html = page(client.get(url))

    assert audit_page.select_one(f'a[href="{url}"]') is not None
    assert "Only you can see this page" in html.get_text()
    assert "You entered 3 cases" in html.get_text(" ", strip=True)
    table = html.select_one("#t-result")
    assert table is not None
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == ["Answer", "Your cases"]  # 2 clinicians: no practice column
    k = effective_k_practice(world.study.k_practice)
    assert f"fewer than {k} clinicians" in html.select_one("#practice-withheld").get_text()
    row = next(tr for tr in table.select("tbody tr") if "All normal" in tr.get_text())
    assert row.select("td")[0].get_text(strip=True).startswith("3 (100%")


def test_summary_is_never_shown_to_the_study_team(app, client, ctx):
    """The study team sees no one's individual summary: there is no page of it for them."""
    world = audit_world()
    fill(world, world.practices[0], [COMPLETE] * 3, by=world.participant, submit=False)
    login(client, world.team)

    response = client.get(f"/take-part/{world.study.slug}/audit/summary")

    assert response.status_code == 404
