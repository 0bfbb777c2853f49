"""Dashboards for charity leads: Voila pages and an offline HTML export, read from the results bundle only.

    evidence dashboards --project DIR     # serve dashboards/*.ipynb with Voila on 127.0.0.1
    evidence export-html --project DIR    # one self-contained HTML file per dashboard

Each notebook in dashboards/ is a title and one call, e.g. ``from evidence.dashboard import theme_explorer;
theme_explorer()``; everything else lives here where tests reach it: :mod:`.bundle` (reading the bundle),
:mod:`.filters` (filters as pure pandas/numpy functions), :mod:`.charts` (plotly, a colour-blind-safe
palette with 3:1 contrast, accessible names), :mod:`.layout` (sections shown live or as HTML, empty-state
sentences, captions), :mod:`.downloads` (CSV/Excel per table), :mod:`.schools` (DfE KS4 results beside a
school's themes), one module per dashboard (:mod:`.overview`, :mod:`.explorer`, :mod:`.voice`,
:mod:`.outcomes`), :mod:`.notebooks`, :mod:`.serve` and :mod:`.export`.
Nothing here fits a model or imports BERTopic or torch.
"""

from __future__ import annotations

from typing import Any

DASHBOARDS: dict[str, str] = {
    "1_partnership_overview": "overview",
    "2_theme_explorer": "explorer",
    "3_pupil_voice": "voice",
    "4_evidence_and_outcomes": "outcomes",
}
"""Notebook name (without .ipynb) -> the module that builds it."""


def dashboard_module(name: str) -> Any:
    import importlib

    return importlib.import_module(f"{__name__}.{DASHBOARDS.get(name, name)}")


def _show(module: str, project: str | None) -> Any:
    from IPython.display import display

    widget = dashboard_module(module).dashboard(project)
    display(widget)
    return None


def partnership_overview(project: str | None = None) -> None:
    """Show dashboard 1 (in a notebook or under Voila)."""
    _show("overview", project)


def theme_explorer(project: str | None = None) -> None:
    """Show dashboard 2."""
    _show("explorer", project)


def pupil_voice(project: str | None = None) -> None:
    """Show dashboard 3."""
    _show("voice", project)


def evidence_and_outcomes(project: str | None = None) -> None:
    """Show dashboard 4."""
    _show("outcomes", project)


__all__ = ["DASHBOARDS", "dashboard_module", "evidence_and_outcomes", "partnership_overview", "pupil_voice",
           "theme_explorer"]
