"""Bar charts carry a title, a description and every value as text; one kind, one look."""

from bs4 import BeautifulSoup

from pact_feedback.charts.bars import Part, Series, bar_chart, rows_per_part
from pact_feedback.charts.styles import NETWORK, OWN, PEER_GROUP, REPORT_STYLES, SIMILAR


def _soup(markup) -> BeautifulSoup:
    return BeautifulSoup(str(markup), "html.parser")


def test_chart_is_accessible_with_values_and_withheld_cells():
    chart = _soup(
        bar_chart(
            "Time by category",
            "Minutes per diary day by category for your practice and the network.",
            [("B1", "Test results"), ("B3", "Correspondence <letters>")],
            [
                Series("Your practice", {"B1": 42.5, "B3": None}, OWN),
                Series("Network", {"B1": 30, "B3": 25}, NETWORK),
            ],
        )
    )
    bars = chart.select_one(".pact-chart__bars")
    assert bars["role"] == "img" and "network" in bars["aria-label"]
    assert chart.select_one("figcaption").get_text() == "Time by category"
    text = chart.get_text(" ")
    assert "42.5 min" in text and "not shown" in text
    assert "Correspondence <letters>" in text  # escaped in the markup, intact as text
    assert "<letters>" not in str(chart)
    assert [k.get_text(strip=True) for k in chart.select(".pact-chart__key")] == [
        "Your practice",
        "Network",
    ]


def test_empty_series_are_left_out_of_the_legend():
    series = [Series("Shown", {"A1": 1}), Series("Gone", {})]
    chart = bar_chart("T", "D", [("A1", "Booked")], series)
    assert "Gone" not in str(chart)


def _fills(markup) -> list[str]:
    return [rect["fill"] for rect in _soup(markup).select("svg.pact-chart__swatch > rect")]


def test_each_kind_keeps_its_fill_whichever_series_are_missing():
    """Blue is the reader's own figures in every chart, even when they are withheld and the
    similar practice comes first."""
    rows = [("A1", "Booked")]
    every = bar_chart(
        "All",
        "D",
        rows,
        [
            Series("Your practice", {"A1": 1}, OWN),
            Series("Similar practice", {"A1": 2}, SIMILAR),
            Series("Peer group", {"A1": 3}, PEER_GROUP),
            Series("Network", {"A1": 4}, NETWORK),
        ],
    )
    withheld = bar_chart(
        "Withheld",
        "D",
        rows,
        [
            Series("Your practice", {}, OWN),
            Series("Similar practice", {"A1": 2}, SIMILAR),
            Series("Network", {"A1": 4}, NETWORK),
        ],
    )
    assert _fills(every)[0] == OWN.fill
    assert _fills(withheld)[0] != OWN.fill and _fills(withheld)[0].startswith("url(")  # a pattern
    assert str(withheld).count(SIMILAR.fill) and OWN.fill not in str(withheld)
    assert len({(s.fill, s.pattern) for s in REPORT_STYLES.values()}) == len(REPORT_STYLES)
    assert len({s.pattern for s in REPORT_STYLES.values()}) == len(REPORT_STYLES)


def test_a_long_chart_comes_in_labelled_parts_that_fit_a_page():
    rows = [(f"C{i}", f"Task {i}") for i in range(30)]
    series = [Series(n, {c: 1 for c, _ in rows}) for n in ("a", "b", "c", "d")]
    chart = _soup(
        bar_chart("Tasks", "D", rows, series, parts=[Part("All tasks", [c for c, _ in rows])])
    )
    captions = [f.get_text() for f in chart.select("figcaption")]
    per_part = rows_per_part(4)
    assert len(captions) == -(-30 // per_part)
    assert captions[0] == f"Tasks, part 1 of {len(captions)}: All tasks (1 of {len(captions)})"
    assert [len(f.select(".pact-chart__row")) for f in chart.select("figure")][0] == per_part
    assert len(chart.select(".pact-chart__row")) == 30
