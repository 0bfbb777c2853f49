"""Chart builders: plotly figures in the Okabe-Ito colour-blind-safe palette.

Every builder returns a ``go.FigureWidget`` for a live dashboard (``live=True``; under Voila
``fig.show()`` raises a browser error, a FigureWidget does not) or a plain ``go.Figure`` for the
static HTML export. Each chart is shown beside a table of the same numbers, carries an accessible name
with a text summary of its numbers (:func:`describe`), and keeps plotly's toolbar, whose camera button
downloads it as a PNG. Colours come from :data:`PALETTE` (colour-blind safe, >= 3:1 on white).

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
PALETTE = {"blue": "#0072B2", "vermillion": "#D55E00", "green": "#009E73", "purple": "#CC79A7",
           "indigo": "#332288", "grey": "#555555"}
"""The charts' colours: the Okabe-Ito hues that keep at least 3:1 contrast on white (WCAG 1.4.11), without
Okabe-Ito's yellow (1.3:1), orange (2.3:1) and sky blue (2.3:1), plus Paul Tol's indigo and a dark grey."""
SEQUENCE = list(PALETTE.values())
WAVE_COLOURS = {"before": PALETTE["vermillion"], "after": PALETTE["blue"]}
HEAT_SCALE = [[0.0, "#FFFFFF"], [1.0, PALETTE["blue"]]]  # one hue, light to dark, every cell labelled with its number
SHARED_BUNDLE_ENV = "EVIDENCE_PLOTLY_WIDGET_PATH"
"""Path (on the server that shows the page) of a copy of plotly's widget bundle; unset: each chart carries its own."""
SHARED_LOADER = """const shared = await import(new URL(%s, window.location.href).href);
function name(model, el) {
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", model.get("_ev_label") || "chart");
}
export default () => {
  const inner = shared.default();
  return {
    initialize(ctx) { return inner.initialize(ctx); },
    render(ctx) {
      const stop = inner.render(ctx);
      name(ctx.model, ctx.el);
      ctx.model.on("change:_ev_label", () => name(ctx.model, ctx.el));
      return stop;
    },
  };
};
"""
"""The front-end module of a live chart when the bundle is shared: anywidget evaluates it as a module
(top-level await allowed); the browser's module map keeps one copy of plotly per page. It also gives the
chart its accessible name (role img, aria-label: title and text summary, kept in the ``_ev_label`` trait)."""
PLOT_CONFIG = {"displaylogo": False, "displayModeBar": True, "responsive": True,
               "modeBarButtonsToRemove": ["select2d", "lasso2d"],
               "toImageButtonOptions": {"format": "png", "scale": 2}}
"""Every chart keeps plotly's toolbar visible: its camera button downloads the chart as a PNG (drawn in the
browser, nothing sent anywhere)."""


@functools.lru_cache(maxsize=4)
def _shared_widget_class(path: str) -> type:
    """A FigureWidget whose front-end code imports plotly's widget bundle from ``path`` on the page's server."""
    import plotly.graph_objects as go
    import traitlets

    return type("FigureWidget", (go.FigureWidget,), {"_esm": SHARED_LOADER % json.dumps(path),
                                                    "_ev_label": traitlets.Unicode("").tag(sync=True),
                                                    "__module__": __name__})


def widget_class() -> type:
    """The FigureWidget class live charts use here (shared bundle when the server offers one)."""
    import plotly.graph_objects as go

    path = os.environ.get(SHARED_BUNDLE_ENV, "")
    return _shared_widget_class(path) if path else go.FigureWidget


def _figure(data: list[Any], layout: dict[str, Any], live: bool) -> Any:
    import plotly.graph_objects as go

    base = dict(template="plotly_white", font=dict(size=13), margin=dict(l=10, r=10, t=40, b=10),
                colorway=SEQUENCE, height=max(260, layout.pop("height", 360)), autosize=True)
    base.update(layout)
    figure = widget_class()(data=data, layout=base) if live else go.Figure(data=data, layout=base)
    if live:
        figure._config = {**PLOT_CONFIG, "toImageButtonOptions": {**PLOT_CONFIG["toImageButtonOptions"],
                                                                   "filename": _file_name(figure)}}
    label_chart(figure)
    return figure


def _file_name(figure: Any) -> str:
    import re

    title = str(figure.layout.title.text or "chart")
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower() or "chart"


def config(figure: Any) -> dict[str, Any]:
    """plotly's config for a static chart: toolbar with the PNG download named after the chart."""
    return {**PLOT_CONFIG, "toImageButtonOptions": {**PLOT_CONFIG["toImageButtonOptions"],
                                                     "filename": _file_name(figure)}}


def _number(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.2f}"


def describe(figure: Any, most: int = 8) -> str:
    """A plain text summary of a chart's numbers (its accessible description), e.g. "Confidence 12, Belonging 7"."""
    parts: list[str] = []
    for trace in figure.data:
        kind = trace.type
        if kind == "bar":
            labels, values = (trace.y, trace.x) if trace.orientation == "h" else (trace.x, trace.y)
            labels, values = list(labels or [])[::-1 if trace.orientation == "h" else 1], \
                list(values or [])[::-1 if trace.orientation == "h" else 1]
            percent = "%" in str(figure.layout.xaxis.tickformat or "")
            shown = [f"{label} {f'{float(v):.0%}' if percent else _number(v)}" for label, v in zip(labels, values)]
            prefix = f"{trace.name}: " if trace.name else ""
            more = f" and {len(shown) - most} more" if len(shown) > most else ""
            parts.append(prefix + ", ".join(shown[:most]) + more)
        elif kind == "heatmap":
            z, xs, ys = trace.z or [], list(trace.x or []), list(trace.y or [])
            cells = sorted(((int(z[i][j]), ys[i], xs[j]) for i in range(len(ys)) for j in range(len(xs))
                            if j > i and z[i][j]), reverse=True)
            parts.append("most often together: " + ", ".join(f"{a} and {b} {n}" for n, a, b in cells[:5])
                         if cells else "no two themes raised together")
        elif kind == "scatter":
            array = list(trace.error_x.array or []) if trace.error_x else []
            minus = list(trace.error_x.arrayminus or []) if trace.error_x else []
            rows = []
            for k, (x, y) in enumerate(zip(list(trace.x or [])[::-1], list(trace.y or [])[::-1])):
                i = len(trace.x) - 1 - k
                interval = (f" (95% interval {float(x) - float(minus[i]):.2f} to {float(x) + float(array[i]):.2f})"
                            if i < len(array) and i < len(minus) else "")
                rows.append(f"{y}: {float(x):.2f}{interval}")
            parts.append("; ".join(rows[:most]) + (f"; and {len(rows) - most} more" if len(rows) > most else ""))
    return "; ".join(p for p in parts if p) or "no data"


def label_chart(figure: Any) -> str:
    """Set (and return) the chart's accessible name: its title and :func:`describe`'s summary."""
    label = f"Chart: {figure.layout.title.text or ''}. {describe(figure)}."
    if hasattr(figure, "_ev_label"):
        figure._ev_label = label
    return label


def bar_chart(table: pd.DataFrame, label: str, value: str, *, title: str, live: bool = True,
              colour: str = PALETTE["blue"], value_title: str = "") -> Any:
    """A horizontal bar chart, largest at the top."""
    import plotly.graph_objects as go

    data = [go.Bar(y=list(table[label])[::-1], x=list(table[value])[::-1], orientation="h",
                   marker_color=colour, hovertemplate="%{y}: %{x}<extra></extra>", texttemplate="%{x}",
                   textposition="outside", cliponaxis=False)]
    return _figure(data, dict(title=title, height=80 + 26 * len(table), xaxis_title=value_title,
                              yaxis=dict(automargin=True)), live)


def update_bars(figure: Any, table: pd.DataFrame, label: str, value: str) -> None:
    """Put new numbers into a live :func:`bar_chart`."""
    with figure.batch_update():
        figure.data[0].y = list(table[label])[::-1]
        figure.data[0].x = list(table[value])[::-1]
        figure.layout.height = max(260, 80 + 26 * len(table))
    label_chart(figure)


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
    label_chart(figure)


def wave_bars(table: pd.DataFrame, *, title: str, live: bool = True) -> Any:
    """Grouped bars: share of pupils' quotes carrying each theme, before and after."""
    import plotly.graph_objects as go

    data = [go.Bar(name=wave, y=list(table["theme"])[::-1], x=list(table[f"share_{wave}"])[::-1], orientation="h",
                   marker_color=WAVE_COLOURS[wave], hovertemplate=f"{wave}: " + "%{x:.0%}<extra></extra>",
                   texttemplate="%{x:.0%}", textposition="outside", cliponaxis=False)
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
        marker=dict(size=10, color=PALETTE["blue"]),
        error_x=dict(type="data", symmetric=False, array=list(table["ci_high"] - table["g"]),
                     arrayminus=list(table["g"] - table["ci_low"]), color=PALETTE["blue"]),
        hovertemplate="%{y}: g = %{x:.2f}<extra></extra>",
    )]
    layout = dict(title=title, height=100 + 34 * len(table), xaxis=dict(title="effect size (Hedges' g)",
                                                                        zeroline=True, zerolinecolor="#888"),
                  yaxis=dict(automargin=True))
    return _figure(data, layout, live)
