"""A report finding read from a real report payload, including withheld figures."""

from pact_feedback.qi.findings import finding_from_report
from pact_feedback.reports.build import build_reports
from tests.reports.test_build import _inputs


def _practice_payload(practice_id=1, sharers=()):
    reports = build_reports(_inputs(sharers=sharers))
    return next(
        r["payload"] for r in reports if r["kind"] == "practice" and r["practice_id"] == practice_id
    )


def test_baseline_is_the_similar_practice_when_the_practice_own_figure_is_withheld():
    """Too few colleagues share their diary: the similar practice's figure is the baseline."""
    payload = _practice_payload()
    assert payload["own"]["by_category"]["values"] is None
    finding = finding_from_report(payload, "B1")
    assert finding.label == "Test results"
    assert finding.baseline == payload["comparator"]["by_category"]["values"]["B1"]
    assert finding.baseline_source == "the similar practice"
    assert finding.comparison == payload["network"]["by_category"]["values"]["B1"]
    assert finding.comparison_source == "average across the network"
    assert "the similar practice" in finding.aim_how_much


def test_baseline_is_the_practice_own_figure_when_enough_colleagues_share():
    finding = finding_from_report(_practice_payload(sharers={1, 2, 3, 4, 5}), "B1")
    assert (finding.baseline, finding.baseline_source) == (42.0, "your practice")


def test_withheld_everywhere_leaves_the_baseline_empty_and_says_why():
    payload = _practice_payload()
    for key in ("own", "comparator", "peer_group"):
        payload[key] = {"by_category": {"n": "<8", "values": None, "reason": "too few"}}
    finding = finding_from_report(payload, "B1")
    assert finding.baseline is None and finding.comparison is not None
    assert finding.aim_how_much.startswith("Measure our own baseline for test results first")
    assert len(finding.notes) == 3


def test_a_single_withheld_cell_falls_through_to_the_next_source():
    payload = _practice_payload(sharers={1, 2, 3, 4, 5})
    payload["own"]["by_category"]["values"]["B1"] = None
    # With all five sharing, the lead could subtract them and the similar practice from the
    # network (the two clinicians of practice 3 are left): that report withholds it. Take the
    # similar practice as a report without sharers shows it.
    payload["comparator"] = _practice_payload()["comparator"]
    assert finding_from_report(payload, "B1").baseline_source == "the similar practice"


def test_network_distribution_gives_median_and_range():
    payload = _practice_payload()
    payload["network"]["by_category"]["values"]["B1"] = {"median": 40, "q1": 35, "q3": 47.5}
    finding = finding_from_report(payload, "B1")
    assert (finding.comparison, finding.range_low, finding.range_high) == (40.0, 35.0, 47.5)
    assert finding.comparison_source == "median across the network"


def test_unknown_category_gives_no_finding():
    assert finding_from_report(_practice_payload(), "Z9") is None


def test_participant_finding_uses_own_minutes_and_the_role_benchmark():
    reports = build_reports(_inputs())
    payload = next(
        r["payload"] for r in reports if r["kind"] == "participant" and r["user_id"] == 1
    )
    finding = finding_from_report(payload, "B1")
    assert finding.private and finding.baseline == 40.0
    assert finding.baseline_source == "your own diary"
    benchmark = payload["benchmark"]["by_category"]["B1"]
    assert (finding.comparison, finding.range_low, finding.range_high) == (
        benchmark["median"],
        benchmark["q1"],
        benchmark["q3"],
    )
    assert finding.aim_what.startswith("Reduce the time I spend")


def test_participant_without_a_benchmark_gets_a_note():
    payload = {
        "categories": [{"code": "B3", "label": "Correspondence and documents", "group": "B"}],
        "own": {"by_category": {}},
        "benchmark": {"by_category": {}},
    }
    finding = finding_from_report(payload, "B3")
    assert finding.baseline == 0.0 and finding.comparison is None
    assert finding.notes == ["Too few people in your role took part to show a comparison."]


def test_suggested_measure_names_the_category():
    measure = finding_from_report(_practice_payload(), "B1").suggested_measure()
    assert measure["name"] == "Minutes per clinician per day on Test results"
    assert measure["kind"] == "outcome"
