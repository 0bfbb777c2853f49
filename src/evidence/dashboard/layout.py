"""Sections of a dashboard, shown live (ipywidgets under Voila) or written into a static HTML page.

A dashboard is a list of :class:`Section` (a heading, a few plain-English sentences, a chart and
the table of the same numbers). :func:`section_widget` lays one out for Voila with the table beside
the chart; :func:`section_html` writes it for the offline export.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

STYLE = """
<style>
.ev-section h2 {font-size: 1.3em; margin: 0.8em 0 0.2em 0;}
.ev-note {color: #333; max-width: 60em;}
.ev-table {border-collapse: collapse; font-size: 0.9em; margin: 0.4em 0;}
.ev-table th {background: #f0f0f0; text-align: left; padding: 4px 8px;}
.ev-table td {padding: 4px 8px; vertical-align: top; border-top: 1px solid #ddd; max-width: 34em;}
.ev-quotes ol {padding-left: 1.4em;}
.ev-quotes li {margin: 0.5em 0; max-width: 60em;}
.ev-who {color: #555; font-size: 0.85em;}
.ev-headline {font-size: 1.15em; background: #f4f8fb; border-left: 4px solid #0072B2; padding: 0.5em 0.8em;}
.ev-caveat {border-left: 4px solid #E69F00; padding: 0.3em 0.8em; background: #fffaf0;}
.ev-row {display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start;}
.ev-row > * {flex: 1 1 28em; min-width: 20em;}
</style>
"""


@dataclass
class Section:
    """One part of a dashboard: heading, sentences (HTML), an optional chart and table, extra HTML."""

    heading: str
    text: str = ""
    figure: Any = None
    table: pd.DataFrame | None = None
    table_caption: str = ""
    extra_html: str = ""
    name: str = ""  # a stable name tests and the bench look for (data-section)
    widgets: dict[str, Any] = field(default_factory=dict)


def table_html(table: pd.DataFrame | None, caption: str = "", *, name: str = "") -> str:
    """A plain, escaped HTML table (numbers rounded for reading)."""
    if table is None:
        return ""
    shown = table.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if _missing(v) else str(v))}</td>" for v in row) + "</tr>"
        for row in shown.itertuples(index=False)
    )
    if shown.empty:
        rows = f'<tr><td colspan="{max(1, len(shown.columns))}"><em>None in this selection.</em></td></tr>'
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="ev-table" data-table="{html.escape(name)}">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def section_widget(section: Section) -> Any:
    """The section as ipywidgets: heading and text, then the chart with its table beside it."""
    import ipywidgets as widgets

    parts: list[Any] = [widgets.HTML(f'<div class="ev-section" data-section="{html.escape(section.name)}">'
                                     f"<h2>{html.escape(section.heading)}</h2>"
                                     f'<div class="ev-note">{section.text}</div></div>')]
    row: list[Any] = []
    if section.figure is not None:
        section.figure.layout.autosize = True
        row.append(widgets.Box([section.figure], layout=widgets.Layout(flex="1 1 32em", min_width="22em")))
    if section.table is not None:
        table = section.widgets.get("table") or widgets.HTML(table_html(section.table, section.table_caption,
                                                                       name=section.name))
        section.widgets["table"] = table
        row.append(widgets.Box([table], layout=widgets.Layout(flex="1 1 24em", min_width="18em",
                                                              overflow="auto")))
    if row:
        parts.append(widgets.HBox(row, layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start")))
    if section.extra_html:
        extra = section.widgets.get("extra") or widgets.HTML(section.extra_html)
        section.widgets["extra"] = extra
        parts.append(extra)
    return widgets.VBox(parts)


def section_html(section: Section, *, include_plotlyjs: bool | str = False) -> str:
    """The section as static HTML (the chart as a plotly div, the table beside it)."""
    chart = ""
    if section.figure is not None:
        chart = section.figure.to_html(full_html=False, include_plotlyjs=include_plotlyjs,
                                       config={"displaylogo": False, "responsive": True})
    table = table_html(section.table, section.table_caption, name=section.name) if section.table is not None else ""
    row = f'<div class="ev-row"><div>{chart}</div><div>{table}</div></div>' if (chart or table) else ""
    return (f'<section class="ev-section" data-section="{html.escape(section.name)}">'
            f"<h2>{html.escape(section.heading)}</h2><div class=\"ev-note\">{section.text}</div>"
            f"{row}{section.extra_html}</section>")


def page_html(title: str, intro: str, sections: list[Section]) -> str:
    """A whole self-contained page: plotly.js inlined once, before the first chart."""
    body, inlined = [], False
    for section in sections:
        include = section.figure is not None and not inlined
        body.append(section_html(section, include_plotlyjs=True if include else False))
        inlined = inlined or include
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"{STYLE}<style>body {{font-family: sans-serif; margin: 1.5em auto; max-width: 75em; "
            f"padding: 0 1em;}}</style></head><body><h1>{html.escape(title)}</h1>"
            f'<p class="ev-note">{intro}</p>{"".join(body)}</body></html>')


def quote_list_html(quotes: pd.DataFrame, total: int, highlighted: list[str], *, noun: str = "quotes") -> str:
    """A numbered list of quotes (text already highlighted HTML) with who said them and where."""
    shown = len(quotes)
    head = (f'<p class="ev-count" data-count="{total}" data-shown="{shown}">'
            f"Showing {shown} of {total} {noun}.</p>")
    items = []
    for row, text in zip(quotes.itertuples(index=False), highlighted):
        who = ", ".join(x for x in (row.role, row.school, f"{row.wave}" if row.wave else "") if x)
        where = row.source_title or row.source
        items.append(f'<li data-unit="{html.escape(row.id)}">\u201c{text}\u201d'
                     f'<div class="ev-who">{html.escape(who)} \u2014 {html.escape(where)}</div></li>')
    return f'<div class="ev-quotes">{head}<ol>{"".join(items)}</ol></div>'
