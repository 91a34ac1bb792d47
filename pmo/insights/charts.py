"""The dashboard's charts, built with Plotly in Python and drawn in the browser by the copy of
plotly.js that the ``plotly`` package ships (served by ``views.plotly_js``)."""

import plotly.graph_objects as go

from pmo.insights.selectors import TrendPoint
from pmo.reporting.choices import Rating

# Fill colours of the status bars, and each rating's words (the legend and hover text say them,
# so colour is never the only cue).
RATING_COLOURS = {
    Rating.GREEN: "#1e7b34",
    Rating.AMBER_GREEN: "#7a9a1f",
    Rating.AMBER: "#e0a106",
    Rating.AMBER_RED: "#d2691e",
    Rating.RED: "#b42318",
}
RATING_LABELS = dict(Rating.choices)


def status_trend(trend: list[TrendPoint], ratings: tuple[str, ...]) -> go.Figure:
    """A stacked bar per period: how many projects reported each overall status."""
    periods = [point.period for point in trend]
    figure = go.Figure(
        data=[
            go.Bar(
                name=str(RATING_LABELS[Rating(rating)]),
                x=periods,
                y=[point.counts.get(rating, 0) for point in trend],
                marker_color=RATING_COLOURS[Rating(rating)],
                hovertemplate="%{x}: %{y} " + str(RATING_LABELS[Rating(rating)]).lower() + "<extra></extra>",
            )
            for rating in ratings
        ]
    )
    figure.update_layout(
        barmode="stack",
        height=320,
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": "Projects"}, "rangemode": "tozero"},
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        font={"family": "system-ui, sans-serif", "size": 13, "color": "#212529"},
    )
    return figure
