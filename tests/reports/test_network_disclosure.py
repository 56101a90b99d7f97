"""The network column follows the same rules as every other column, with its own contributors
counted: a network cell of 1-2 people is withheld, and a network that is mostly the reader's
own practice is not shown to that practice (it would be the practice's unshared aggregate)."""

import pandas as pd

from pact_feedback.reports import compute
from pact_feedback.reports.build import build_reports
from pact_feedback.reports.matching import Profile
from tests.reports.test_build import CATEGORIES, _inputs, _report

B6 = {"code": "B6", "label": "Reports, forms and certificates", "group": "B"}


def _with_b6(inputs, people):
    """`people` (participant ids) also recorded B6 time: the only ones in the network."""
    extra = inputs.entries[inputs.entries["participant_id"].isin(people)].drop_duplicates(
        "participant_id"
    )
    extra = extra.assign(category="B6", group="B", minutes=[12.0 + p for p in people])
    inputs.entries = pd.concat([inputs.entries, extra], ignore_index=True)
    inputs.categories = [*CATEGORIES, B6]
    return inputs


def test_network_cell_of_two_contributors_is_withheld_in_every_report():
    """B6 recorded by two people in the whole network: no report prints it."""
    reports = build_reports(_with_b6(_inputs(), [6, 7]))
    for report in reports:
        network = report["payload"]["network"]["by_category"]
        assert network["values"]["B6"] is None, report["kind"]
        assert "fewer than 3" in network["withheld"]["B6"]
        assert "B6" not in network["range"]
    comparator = _report(reports, "practice", practice_id=1)["payload"]["comparator"]
    assert comparator["by_category"]["values"]["B6"] is None  # the same two people


def test_network_of_one_practice_is_not_shown_to_that_practice():
    """Six clinicians, one practice, none sharing: the practice's own figures are withheld, and
    the network column (exactly those six people) is withheld in its report too."""
    inputs = _inputs()
    keep = inputs.entries["practice_id"] == 1
    inputs.entries = inputs.entries[keep]
    inputs.days = inputs.days[inputs.days["practice_id"] == 1]
    inputs.enrolled = [1]
    inputs.practices = {1: inputs.practices[1]}
    inputs.reference = [inputs.practices[1]["profile"], Profile("X", "England", 1, 1, 1, 1)]
    payload = _report(build_reports(inputs), "practice", practice_id=1)["payload"]
    assert payload["own"]["by_category"]["values"] is None
    for key in ("by_category", "by_group"):
        assert payload["network"][key]["values"] is None
        assert payload["network"][key]["range"] == {}
        assert "this practice" in payload["network"][key]["reason"]


def test_network_shown_to_a_practice_when_enough_people_are_elsewhere():
    reports = build_reports(_inputs())
    payload = _report(reports, "practice", practice_id=1)["payload"]
    assert payload["network"]["by_category"]["values"]["A1"] is not None


def test_quantiles_need_five_values():
    """Quartiles of three or four values give individuals' figures away: no range, no median."""
    frame = pd.DataFrame({"A1": [10.0, 20.0, 30.0, 40.0]}, index=[1, 2, 3, 4])
    assert compute.network_profile(frame)["range"] == {}
    roles = pd.Series(["gp_partner"] * 4, index=[1, 2, 3, 4])
    assert compute.role_benchmark(frame, roles, "gp_partner") == {}
    five = pd.DataFrame({"A1": [10.0, 20.0, 30.0, 40.0, 50.0]}, index=[1, 2, 3, 4, 5])
    assert compute.role_benchmark(
        five, pd.Series(["gp_partner"] * 5, index=five.index), "gp_partner"
    )


def test_range_only_for_a_column_with_five_contributors():
    frame = pd.DataFrame(
        {"A1": [10.0, 20.0, 30.0, 40.0, 50.0], "B6": [0.0, 0.0, 5.0, 6.0, 7.0]},
        index=[1, 2, 3, 4, 5],
    )
    profile = compute.network_profile(frame)
    assert profile["values"]["B6"] == 3.6  # three contributors: the mean is shown
    assert "B6" not in profile["range"] and profile["range"]["A1"] == [20.0, 40.0]
