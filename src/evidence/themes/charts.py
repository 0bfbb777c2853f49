"""Themes across classes and time, their hierarchy, as tidy DataFrames and plotly figures.

    by_school = themes_by_class(model.assignments_, units, by="school")
    themes_by_class_figure(by_school)        # go.Figure; dashboards wrap it in go.FigureWidget

``units`` is any tidy frame with ``id`` and the class/date column (segments merged with their
source's school, partnership, date, wave, or a speaker's role).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evidence.core.errors import InputError
from evidence.themes.fit import ThemeModel


def _joined(assignments: pd.DataFrame, units: pd.DataFrame, column: str) -> pd.DataFrame:
    if column not in units.columns:
        raise InputError("units", f"no column {column!r} to group themes by",
                         hint=f"available: {', '.join(map(str, units.columns))}")
    frame = assignments.merge(units[["id", column]].astype({"id": str}), left_on="segment_id",
                              right_on="id", how="inner")
    return frame


def themes_by_class(assignments: pd.DataFrame, units: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per (class, theme): n units and their share of the class (columns: class, theme,
    label, n, share)."""
    frame = _joined(assignments, units, by).rename(columns={by: "class"})
    frame["class"] = frame["class"].fillna("").astype(str).replace("", "(none)")
    counts = frame.groupby(["class", "theme", "label"], as_index=False).size().rename(columns={"size": "n"})
    counts["share"] = (counts["n"] / counts.groupby("class")["n"].transform("sum")).round(4)
    return counts.sort_values(["class", "theme"]).reset_index(drop=True)


def themes_over_time(assignments: pd.DataFrame, units: pd.DataFrame, date: str = "date",
                     freq: str = "M") -> pd.DataFrame:
    """One row per (period, theme): columns period (start date), theme, label, n, share."""
    frame = _joined(assignments, units, date)
    frame["when"] = pd.to_datetime(frame[date], errors="coerce")
    frame = frame.dropna(subset=["when"])
    frame["period"] = frame["when"].dt.to_period(freq).dt.start_time
    counts = frame.groupby(["period", "theme", "label"], as_index=False).size().rename(columns={"size": "n"})
    counts["share"] = (counts["n"] / counts.groupby("period")["n"].transform("sum")).round(4)
    return counts.sort_values(["period", "theme"]).reset_index(drop=True)


def theme_hierarchy(model: ThemeModel) -> pd.DataFrame:
    """How themes merge, nearest first (average linkage on cosine distance between centres).

    Columns: step, left, right (theme ids or earlier steps as 'step N'), distance, themes (ids).
    """
    from scipy.cluster.hierarchy import linkage

    ids = [t for t in sorted(model.centroids_) if t != -1]
    if len(ids) < 2:
        return pd.DataFrame(columns=["step", "left", "right", "distance", "themes"])
    matrix = np.vstack([model.centroids_[t] for t in ids]).astype(np.float64)
    links = linkage(matrix, method="average", metric="cosine")
    members: dict[int, list[int]] = {i: [t] for i, t in enumerate(ids)}
    names = {i: str(t) for i, t in enumerate(ids)}
    rows = []
    for step, (a, b, distance, _) in enumerate(links):
        a, b = int(a), int(b)
        node = len(ids) + step
        members[node] = sorted(members[a] + members[b])
        names[node] = f"step {step}"
        rows.append({"step": step, "left": names[a], "right": names[b],
                     "distance": round(float(distance), 4), "themes": members[node]})
    return pd.DataFrame(rows)


def themes_figure(themes: pd.DataFrame) -> Any:
    """Horizontal bars: theme sizes with their labels."""
    import plotly.graph_objects as go

    ordered = themes.sort_values("size")
    fig = go.Figure(go.Bar(x=ordered["size"], y=[f"{i}: {l}" for i, l in zip(ordered["id"], ordered["label"])],
                           orientation="h", hovertext=[", ".join(w) for w in ordered["words"]]))
    fig.update_layout(title="Inductive themes", xaxis_title="units", height=max(300, 28 * len(themes)))
    return fig


def themes_by_class_figure(frame: pd.DataFrame, title: str = "Themes by class") -> Any:
    """Stacked bars: share of each theme within each class."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for (theme, label), part in frame.groupby(["theme", "label"], sort=True):
        fig.add_trace(go.Bar(x=part["class"], y=part["share"], name=f"{theme}: {label}",
                             customdata=part["n"], hovertemplate="%{x}: %{y:.0%} (%{customdata})"))
    fig.update_layout(barmode="stack", title=title, yaxis_tickformat=".0%")
    return fig


def themes_over_time_figure(frame: pd.DataFrame, title: str = "Themes over time") -> Any:
    """Lines: share of each theme per period."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for (theme, label), part in frame.groupby(["theme", "label"], sort=True):
        fig.add_trace(go.Scatter(x=part["period"], y=part["share"], mode="lines+markers",
                                 name=f"{theme}: {label}"))
    fig.update_layout(title=title, yaxis_tickformat=".0%")
    return fig


def hierarchy_figure(model: ThemeModel) -> Any:
    """Dendrogram of theme centres (plotly figure_factory)."""
    import plotly.figure_factory as ff

    ids = [t for t in sorted(model.centroids_) if t != -1]
    labels = dict(zip(model.themes_["id"], model.themes_["label"]))
    matrix = np.vstack([model.centroids_[t] for t in ids]).astype(np.float64)
    from scipy.cluster.hierarchy import linkage

    fig = ff.create_dendrogram(matrix, orientation="left", labels=[f"{t}: {labels.get(t, '')}" for t in ids],
                               linkagefun=lambda x: linkage(x, method="average", metric="cosine"))
    fig.update_layout(title="How themes merge", height=max(300, 30 * len(ids)))
    return fig
