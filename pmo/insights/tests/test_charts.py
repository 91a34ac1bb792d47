"""The status trend is drawn on the server as SVG: it parses, each bar names its period and
shares of that period's active projects (whose number changes), and a table says the same."""

import re
from datetime import date
from xml.etree import ElementTree

from pmo.insights.charts import status_trend
from pmo.insights.selectors import TrendPoint

SVG = "{http://www.w3.org/2000/svg}"
RATINGS = ("green", "amber", "red")


def figure(html: str) -> ElementTree.Element:
    """The chart's markup as XML (the SVG namespace added, as the HTML parser implies it)."""
    return ElementTree.fromstring(html.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))  # noqa: S314 (our own markup)


def trend() -> list[TrendPoint]:
    return [
        TrendPoint("September 2026", date(2026, 9, 1), {"green": 2, "red": 2}, active_projects=4),
        TrendPoint("October 2026", date(2026, 10, 1), {"green": 3, "amber": 1, "red": 2}, active_projects=8),
    ]


def test_each_bar_is_focusable_and_names_the_shares_of_its_periods_active_projects():
    chart = figure(status_trend(trend(), RATINGS))
    svg = chart.find(f"{SVG}svg")
    assert svg is not None and svg.get("role") == "group"
    assert "share of active projects" in svg.findtext(f"{SVG}title", "")
    points = svg.findall(f"{SVG}g[@tabindex='0']")
    assert [p.get("data-period") for p in points] == ["September 2026", "October 2026"]
    # The same red count (2) is half of September's 4 projects and a quarter of October's 8.
    assert points[0].get("aria-label") == (
        "September 2026, 4 active projects: Green 50% (2); Amber 0% (0); Red 50% (2); No report 0% (0)"
    )
    assert points[1].get("aria-label") == (
        "October 2026, 8 active projects: Green 38% (3); Amber 12% (1); Red 25% (2); No report 25% (2)"
    )
    assert points[1].findtext(f"{SVG}title") == points[1].get("aria-label")
    assert [p.findtext(f"{SVG}text") for p in points] == ["Sep 26", "Oct 26"]


def test_the_stacked_bars_fill_the_whole_height_each_period_whatever_its_size():
    chart = figure(status_trend(trend(), RATINGS))
    for point in chart.iter(f"{SVG}g"):
        heights = [float(r.get("height", 0)) for r in point.findall(f"{SVG}rect") if r.get("fill") != "none"]
        assert round(sum(heights), 1) == 220.0  # the plot's height: 100%
    axis = [t.text for t in chart.find(f"{SVG}svg").findall(f"{SVG}text")]
    assert axis == ["0%", "25%", "50%", "75%", "100%"]


def test_a_table_gives_the_counts_and_shares_with_a_legend_in_words():
    html = str(status_trend(trend(), RATINGS))
    table = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<details") :]))
    assert "Period Green Amber Red No report Active projects" in table
    assert "September 2026 2 (50%) 0 (0%) 2 (50%) 0 (0%) 4" in table
    assert "October 2026 3 (38%) 1 (12%) 2 (25%) 2 (25%) 8" in table
    assert all(f"</svg> {word}</span>" in html for word in ("Green", "Amber", "Red", "No report"))


def test_no_period_with_active_projects_shows_an_empty_state_not_an_empty_chart():
    for empty in ([], [TrendPoint("September 2026", date(2026, 9, 1), {}, active_projects=0)]):
        html = str(status_trend(empty, RATINGS))
        assert "No status trend yet" in html
        assert "<svg" not in html and "<table" not in html


def test_period_labels_are_escaped():
    point = TrendPoint("<b>Week</b> to 1 Oct", date(2026, 9, 24), {"green": 1}, active_projects=1)
    html = str(status_trend([point], RATINGS))
    assert "<b>" not in html and "&lt;b&gt;Week&lt;/b&gt; to 1 Oct" in html
    assert ">24 Sep</text>" in html
