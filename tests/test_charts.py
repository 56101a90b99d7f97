"""Charts carry a title, a description and every value as text."""

from bs4 import BeautifulSoup

from pact_feedback.charts import Series, bar_chart


def test_chart_is_accessible_svg_with_values_and_withheld_cells():
    svg = bar_chart(
        "Time by category",
        "Minutes per diary day by category for your practice and the network.",
        [("B1", "Test results"), ("B3", "Correspondence <letters>")],
        [
            Series("Your practice", {"B1": 42.5, "B3": None}),
            Series("Network", {"B1": 30, "B3": 25}),
        ],
    )
    root = BeautifulSoup(svg, "html.parser").find("svg")
    assert root["role"] == "img"
    assert root.find("title").get_text() == "Time by category"
    assert "network" in root.find("desc").get_text()
    text = root.get_text(" ")
    assert "42.5 min" in text and "not shown" in text
    assert "Correspondence <letters>" in text  # escaped in the markup, intact as text
    assert "<letters>" not in str(svg)


def test_empty_series_are_left_out_of_the_legend():
    svg = bar_chart("T", "D", [("A1", "Booked")], [Series("Shown", {"A1": 1}), Series("Gone", {})])
    assert "Gone" not in str(svg)
