"""Chart builders: plotly figures in the Okabe-Ito colour-blind-safe palette.

Every builder returns a ``go.FigureWidget`` for a live dashboard (``live=True``; under Voila
``fig.show()`` raises a browser error, a FigureWidget does not) or a plain ``go.Figure`` for the
static HTML export. Each chart is shown beside a table of the same numbers.

Under plotly 7 a FigureWidget is an anywidget whose front-end code is plotly's whole 5 MB widget
bundle, sent over the kernel connection and evaluated afresh for every chart. When the server names a
shared copy of that bundle (:data:`SHARED_BUNDLE_ENV`, set by :func:`evidence.dashboard.serve.start`),
live charts send a few lines instead, which import the shared copy from the page's own server: the
browser fetches and evaluates plotly once per page however many charts it shows.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

import pandas as pd

OKABE_ITO = {"orange": "#E69F00", "sky blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "black": "#000000"}
SEQUENCE = [OKABE_ITO[c] for c in ("blue", "orange", "green", "vermillion", "sky blue", "purple", "yellow")]
WAVE_COLOURS = {"before": OKABE_ITO["orange"], "after": OKABE_ITO["blue"]}
HEAT_SCALE = [[0.0, "#FFFFFF"], [1.0, OKABE_ITO["blue"]]]  # one hue, light to dark: safe for every reader
SHARED_BUNDLE_ENV = "EVIDENCE_PLOTLY_WIDGET_PATH"
"""Path (on the server that shows the page) of a copy of plotly's widget bundle; unset: each chart carries its own."""
SHARED_LOADER = """const shared = await import(new URL(%s, window.location.href).href);
export default shared.default;
"""
"""The front-end module of a live chart when the bundle is shared: anywidget evaluates it as a module
(top-level await allowed); the browser's module map keeps one copy of plotly per page."""


@functools.lru_cache(maxsize=4)
def _shared_widget_class(path: str) -> type:
    """A FigureWidget whose front-end code imports plotly's widget bundle from ``path`` on the page's server."""
    import plotly.graph_objects as go

    return type("FigureWidget", (go.FigureWidget,), {"_esm": SHARED_LOADER % json.dumps(path),
                                                    "__module__": __name__})


def widget_class() -> type:
    """The FigureWidget class live charts use here (shared bundle when the server offers one)."""
    import plotly.graph_objects as go

    path = os.environ.get(SHARED_BUNDLE_ENV, "")
    return _shared_widget_class(path) if path else go.FigureWidget


def _figure(data: list[Any], layout: dict[str, Any], live: bool) -> Any:
    import plotly.graph_objects as go

    base = dict(template="plotly_white", font=dict(size=13), margin=dict(l=10, r=10, t=40, b=10),
                colorway=SEQUENCE, height=max(260, layout.pop("height", 360)))
    base.update(layout)
    return widget_class()(data=data, layout=base) if live else go.Figure(data=data, layout=base)


def bar_chart(table: pd.DataFrame, label: str, value: str, *, title: str, live: bool = True,
              colour: str = OKABE_ITO["blue"], value_title: str = "") -> Any:
    """A horizontal bar chart, largest at the top."""
    import plotly.graph_objects as go

    data = [go.Bar(y=list(table[label])[::-1], x=list(table[value])[::-1], orientation="h",
                   marker_color=colour, hovertemplate="%{y}: %{x}<extra></extra>")]
    return _figure(data, dict(title=title, height=80 + 26 * len(table), xaxis_title=value_title,
                              yaxis=dict(automargin=True)), live)


def update_bars(figure: Any, table: pd.DataFrame, label: str, value: str) -> None:
    """Put new numbers into a live :func:`bar_chart`."""
    with figure.batch_update():
        figure.data[0].y = list(table[label])[::-1]
        figure.data[0].x = list(table[value])[::-1]
        figure.layout.height = max(260, 80 + 26 * len(table))


def heat_map(matrix: pd.DataFrame, *, title: str, live: bool = True) -> Any:
    """A co-occurrence heat map (counts in the cells)."""
    import plotly.graph_objects as go

    data = [go.Heatmap(z=matrix.to_numpy().tolist(), x=list(matrix.columns), y=list(matrix.index),
                       colorscale=HEAT_SCALE, text=matrix.to_numpy().tolist(), texttemplate="%{text}",
                       hovertemplate="%{y} and %{x}: %{z}<extra></extra>", showscale=False)]
    return _figure(data, dict(title=title, height=120 + 28 * len(matrix), yaxis=dict(autorange="reversed",
                                                                                  automargin=True),
                              xaxis=dict(automargin=True, tickangle=-40)), live)


def update_heat_map(figure: Any, matrix: pd.DataFrame) -> None:
    with figure.batch_update():
        values = matrix.to_numpy().tolist()
        figure.data[0].z = values
        figure.data[0].text = values
        figure.data[0].x = list(matrix.columns)
        figure.data[0].y = list(matrix.index)


def wave_bars(table: pd.DataFrame, *, title: str, live: bool = True) -> Any:
    """Grouped bars: share of pupils' quotes carrying each theme, before and after."""
    import plotly.graph_objects as go

    data = [go.Bar(name=wave, y=list(table["theme"])[::-1], x=list(table[f"share_{wave}"])[::-1], orientation="h",
                   marker_color=WAVE_COLOURS[wave], hovertemplate=f"{wave}: " + "%{x:.0%}<extra></extra>")
            for wave in ("before", "after")]
    return _figure(data, dict(title=title, barmode="group", height=100 + 40 * len(table),
                              xaxis=dict(tickformat=".0%", title="share of quotes"),
                              yaxis=dict(automargin=True), legend=dict(orientation="h", y=-0.15)), live)


def effect_chart(effects: pd.DataFrame, *, title: str, live: bool = True) -> Any:
    """Effect sizes (Hedges' g) with their 95% intervals, one row per comparison."""
    import plotly.graph_objects as go

    table = effects.iloc[::-1]
    data = [go.Scatter(
        x=list(table["g"]), y=list(table["comparison"]), mode="markers",
        marker=dict(size=10, color=OKABE_ITO["blue"]),
        error_x=dict(type="data", symmetric=False, array=list(table["ci_high"] - table["g"]),
                     arrayminus=list(table["g"] - table["ci_low"]), color=OKABE_ITO["blue"]),
        hovertemplate="%{y}: g = %{x:.2f}<extra></extra>",
    )]
    layout = dict(title=title, height=100 + 34 * len(table), xaxis=dict(title="effect size (Hedges' g)",
                                                                        zeroline=True, zerolinecolor="#888"),
                  yaxis=dict(automargin=True))
    return _figure(data, layout, live)
