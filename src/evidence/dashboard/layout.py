"""Sections of a dashboard, shown live (ipywidgets under Voila) or written into a static HTML page.

A dashboard is a list of :class:`Section` (a heading, a few plain-English sentences, a chart and the table
of the same numbers). A section without data shows one plain sentence saying what the analysis lacks
(``empty``) instead of an empty chart. :func:`section_widget` lays one out for Voila; :func:`section_html`
writes it for the offline export. Every table has a caption, header cells with ``scope`` and links to
download it as CSV and Excel; every chart has an accessible name and a text summary (:mod:`.charts`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from .downloads import download_links

STYLE = """
<style>
.ev-section h2 {font-size: 1.3em; margin: 0.8em 0 0.2em 0;}
.ev-note {color: #333; max-width: 60em;}
.ev-empty {color: #333; font-style: italic; border-left: 4px solid #555555; padding: 0.3em 0.8em; max-width: 60em;}
.ev-table-wrap {max-width: 100%; overflow-x: auto;}
.ev-table {border-collapse: collapse; font-size: 0.9em; margin: 0.4em 0;}
.ev-table caption {caption-side: top; text-align: left; font-weight: bold; padding: 0.2em 0;}
.ev-table th {background: #f0f0f0; text-align: left; padding: 4px 8px; vertical-align: bottom;}
.ev-table td {padding: 4px 8px; vertical-align: top; border-top: 1px solid #ddd; max-width: 34em;}
.ev-table td.ev-text {min-width: 14em;}
.ev-table td.ev-number {text-align: right; white-space: nowrap;}
.ev-table details summary {cursor: pointer;}
.ev-downloads {font-size: 0.85em; margin: 0.1em 0 0.8em 0;}
.ev-downloads a {color: #0057A0; margin-right: 0.8em;}
.ev-chart-summary {font-size: 0.85em; color: #333; max-width: 60em;}
.ev-quotes ol {padding-left: 1.4em;}
.ev-quotes li {margin: 0.5em 0; max-width: 60em;}
.ev-who {color: #555; font-size: 0.85em;}
.ev-headline {font-size: 1.15em; background: #f4f8fb; border-left: 4px solid #0072B2; padding: 0.5em 0.8em;}
.ev-caveat {border-left: 4px solid #D55E00; padding: 0.3em 0.8em 0.3em 1.8em; background: #fffaf0;}
.ev-row {display: grid; grid-template-columns: minmax(0, 1fr); gap: 1em; align-items: start;}
@media (min-width: 1100px) {.ev-row.ev-two {grid-template-columns: minmax(0, 1.15fr) minmax(0, 1fr);}}
.ev-chart {min-width: 0; max-width: 100%;}
select:focus, input:focus, a:focus, summary:focus, button:focus {outline: 3px solid #0072B2; outline-offset: 1px;}
@media print {
  .ev-downloads, .modebar-container, .ev-filters, .ev-filter-note {display: none !important;}
  .ev-section {break-inside: avoid-page;}
  .ev-chart, .js-plotly-plot, .ev-table tr {break-inside: avoid;}
  .ev-row, .ev-row.ev-two {display: block;}
  .ev-table details > *:not(summary) {display: block;}
  body {max-width: none !important; margin: 0 !important;}
  h2 {break-after: avoid;}
}
</style>
"""


@dataclass
class Section:
    """One part of a dashboard: heading, sentences (HTML), an optional chart and table, extra HTML.

    ``empty`` is the one plain sentence shown instead of the chart when there is nothing to draw.
    ``render`` maps a table column to a function giving the cell's HTML (e.g. a shortened quote with the
    full text one click away); downloads carry the plain values.
    """

    heading: str
    text: str = ""
    figure: Any = None
    table: pd.DataFrame | None = None
    table_caption: str = ""
    extra_html: str = ""
    name: str = ""  # a stable name tests and the bench look for (data-section)
    empty: str = ""
    render: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    widgets: dict[str, Any] = field(default_factory=dict)

    def caption(self) -> str:
        return self.table_caption or self.heading


def table_html(table: pd.DataFrame | None, caption: str = "", *, name: str = "",
               render: dict[str, Callable[[Any], str]] | None = None, downloads: bool = True,
               full: pd.DataFrame | None = None) -> str:
    """An escaped HTML table with a caption and header scope, then links to download it (CSV, Excel).

    ``full`` is what the downloads hold when the table shows only part of it (default: the table).
    """
    if table is None:
        return ""
    render = render or {}
    shown = table.copy()
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c]) and c not in render}
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]) and column not in render:
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.2f}")
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in shown.columns)
    classes = {c: ("ev-number" if c in numeric else "ev-text" if _long_text(table[c]) else "") for c in shown.columns}
    rows = []
    for row in shown.itertuples(index=False):
        cells = []
        for column, value in zip(shown.columns, row):
            text = render[column](value) if column in render else html.escape("" if _missing(value) else str(value))
            css = f' class="{classes[column]}"' if classes[column] else ""
            cells.append(f"<td{css}>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    body = "".join(rows)
    if shown.empty:
        body = f'<tr><td colspan="{max(1, len(shown.columns))}"><em>None in this selection.</em></td></tr>'
    cap = f"<caption>{html.escape(caption or name or 'Table')}</caption>"
    links = download_links(full if full is not None else table, name or "table", caption) if downloads else ""
    return (f'<div class="ev-table-wrap"><table class="ev-table" data-table="{html.escape(name)}">{cap}'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>{links}")


def _long_text(values: pd.Series) -> bool:
    if not (values.dtype == object or pd.api.types.is_string_dtype(values)):
        return False
    lengths = values.dropna().astype(str).str.len()
    return bool(len(lengths)) and float(lengths.max()) > 40


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def short_quote(text: Any, limit: int = 140) -> str:
    """A quote cut to about ``limit`` characters, the full text one click away (``<details>``)."""
    text = "" if _missing(text) else str(text)
    if len(text) <= limit:
        return html.escape(text).replace("\n", "<br>")
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "\u2026"
    return (f"<details><summary>{html.escape(cut)} <em>(read all)</em></summary>"
            f"{html.escape(text).replace(chr(10), '<br>')}</details>")


def empty_html(sentence: str) -> str:
    return f'<p class="ev-empty" data-empty="true">{html.escape(sentence)}</p>'


def chart_summary_html(figure: Any) -> str:
    from .charts import describe

    return f'<p class="ev-chart-summary">In numbers: {html.escape(describe(figure))}.</p>'


def _head_html(section: Section) -> str:
    return (f'<div class="ev-section" data-section="{html.escape(section.name)}">'
            f"<h2>{html.escape(section.heading)}</h2>"
            f'<div class="ev-note">{section.text}</div></div>')


def section_widget(section: Section) -> Any:
    """The section as ipywidgets: heading and text, then the chart (with its summary) and its table."""
    import ipywidgets as widgets

    parts: list[Any] = [widgets.HTML(_head_html(section))]
    row: list[Any] = []
    if section.figure is not None:
        section.figure.layout.autosize = True
        summary = section.widgets.get("summary") or widgets.HTML(chart_summary_html(section.figure))
        section.widgets["summary"] = summary
        chart = widgets.VBox([section.figure, summary], layout=widgets.Layout(flex="1 1 32em", min_width="22em"))
        chart.add_class("ev-chart")
        section.widgets["chart"] = chart
        row.append(chart)
    if section.empty or section.figure is not None:
        empty = section.widgets.get("empty") or widgets.HTML(empty_html(section.empty))
        section.widgets["empty"] = empty
        row.append(empty)
        show_chart_or_sentence(section)
    if section.table is not None:
        table = section.widgets.get("table") or widgets.HTML(table_html(section.table, section.caption(),
                                                                       name=section.name, render=section.render))
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


def has_data(figure: Any) -> bool:
    """Whether a chart has anything to draw (a bar, a cell, a point)."""
    if figure is None:
        return False
    for trace in figure.data:
        values = trace.z if trace.type == "heatmap" else trace.x
        if values is not None and len(values):
            return True
    return False


def show_chart_or_sentence(section: Section, drawn: bool | None = None) -> None:
    """Live: show the chart when it has data (or ``drawn``), else the section's one plain sentence (never
    empty axes)."""
    drawn = has_data(section.figure) if drawn is None else drawn
    if "chart" in section.widgets:
        section.widgets["chart"].layout.display = "" if drawn else "none"
    if "empty" in section.widgets:
        section.widgets["empty"].layout.display = "none" if drawn or not section.empty else ""


def refresh_chart_summary(section: Section) -> None:
    """After a live chart's numbers changed: its visible summary follows (its accessible name already did), and
    an empty chart gives way to the section's sentence."""
    if section.figure is not None and "summary" in section.widgets:
        section.widgets["summary"].value = chart_summary_html(section.figure)
    show_chart_or_sentence(section)


def section_html(section: Section, *, include_plotlyjs: bool | str = False) -> str:
    """The section as static HTML: the chart (role img, named, with its text summary) and the table."""
    from .charts import config, label_chart

    chart = ""
    if has_data(section.figure):
        div = section.figure.to_html(full_html=False, include_plotlyjs=include_plotlyjs, config=config(section.figure),
                                     default_width="100%")
        chart = (f'<div class="ev-chart" role="img" aria-label="{html.escape(label_chart(section.figure))}">{div}'
                 f"</div>{chart_summary_html(section.figure)}")
    elif section.empty:
        chart = empty_html(section.empty)
    table = (table_html(section.table, section.caption(), name=section.name, render=section.render)
             if section.table is not None else "")
    parts = [p for p in (chart, table) if p]
    row = (f'<div class="ev-row{" ev-two" if len(parts) == 2 else ""}">'
           + "".join(f"<div>{p}</div>" for p in parts) + "</div>") if parts else ""
    return (f'<section class="ev-section" data-section="{html.escape(section.name)}">'
            f"<h2>{html.escape(section.heading)}</h2><div class=\"ev-note\">{section.text}</div>"
            f"{row}{section.extra_html}</section>")


def page_html(title: str, intro: str, sections: list[Section], *, controls: str = "", script: str = "") -> str:
    """A whole self-contained page: plotly.js inlined once, before the first chart; no code, no network."""
    body, inlined = [], False
    for section in sections:
        include = section.figure is not None and not inlined
        body.append(section_html(section, include_plotlyjs=True if include else False))
        inlined = inlined or include
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
            f"{STYLE}<style>body {{font-family: sans-serif; margin: 1.5em auto; max-width: 75em; "
            f"padding: 0 1em;}}</style></head><body><main><h1>{html.escape(title)}</h1>"
            f'<p class="ev-note">{intro}</p>{controls}{"".join(body)}</main>{script}</body></html>')


def quote_list_html(quotes: pd.DataFrame, total: int, highlighted: list[str], *, noun: str = "quotes") -> str:
    """A numbered list of quotes (text already highlighted HTML) with who said them and where.

    Who: the pseudonymised speaker (a pupil by their pupil id), their role, school and wave.
    """
    shown = len(quotes)
    head = (f'<p class="ev-count" data-count="{total}" data-shown="{shown}">'
            f"Showing {shown} of {total} {noun}.</p>")
    items = []
    for row, text in zip(quotes.itertuples(index=False), highlighted):
        person = getattr(row, "case", "") if row.role == "pupil" and getattr(row, "case", "") else row.speaker
        who = ", ".join(x for x in (person, row.role, row.school, f"{row.wave}" if row.wave else "") if x)
        where = row.source_title or row.source
        items.append(f'<li data-unit="{html.escape(row.id)}">\u201c{text}\u201d'
                     f'<div class="ev-who" data-speaker="{html.escape(person)}">{html.escape(who)} \u2014 '
                     f"{html.escape(where)}</div></li>")
    return f'<div class="ev-quotes">{head}<ol>{"".join(items)}</ol></div>'
