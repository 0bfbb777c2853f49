"""Dashboard 2, theme explorer: filter by school, partnership, role, wave, code and words; see how often
each theme comes up, which themes come up together, and the quotes with the coded words marked."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .bundle import Bundle
from .filters import (
    FILTER_FIELDS, Filters, QuoteIndex, choices, cooccurrence, filter_mask, highlight, prevalence,
)
from .layout import Section, quote_list_html, table_html

TITLE = "Theme explorer"
INTRO = ("Narrow the evidence down with the filters: who spoke (role), where (school, partnership), when (before or "
         "after), about what (theme) and words to look for. The charts and the quotes follow your choice. Coded "
         "words are marked in the quotes. Names are pseudonyms.")
QUOTES_SHOWN = 50
HEAT_CODES = 10


def quotes_html(index: QuoteIndex, filters: Filters, mask: np.ndarray, limit: int = QUOTES_SHOWN) -> str:
    """The first ``limit`` matching quotes, coded words marked, with the total count."""
    positions = np.flatnonzero(mask)
    shown = index.units.iloc[positions[:limit]]
    wanted = set(index.descendants.get(filters.code, [])) if filters.code else None
    marked = []
    for unit, text, start in zip(shown["id"], shown["text"], shown["start"]):
        codings = index.marks.get(unit, [])
        if wanted is not None:
            codings = [c for c in codings if c[0] in wanted]
        marked.append(highlight(text, int(start), codings, index.colours))
    return quote_list_html(shown, int(len(positions)), marked)


def heat_codes(index: QuoteIndex, mask: np.ndarray, n: int = HEAT_CODES) -> list[str]:
    """The ``n`` most common sub-themes in the selection (in codebook order), for the heat map."""
    table = prevalence(index, mask)
    top = table[table["units"] > 0].head(n)["code"].tolist() or table.head(n)["code"].tolist()
    return [c for c in index.codes if c in top]


def top_pairs(matrix: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The pairs of themes raised together most often (the heat map's numbers as a list)."""
    rows = [{"theme": a, "with": b, "quotes": int(matrix.iat[i, j])}
            for i, a in enumerate(matrix.index) for j, b in enumerate(matrix.columns) if j > i and matrix.iat[i, j]]
    frame = pd.DataFrame(rows, columns=["theme", "with", "quotes"])
    return frame.sort_values(["quotes", "theme", "with"], ascending=[False, True, True]).head(n).reset_index(drop=True)


def build_sections(index: QuoteIndex, filters: Filters, *, live: bool) -> list[Section]:
    from .charts import bar_chart, heat_map

    mask = filter_mask(index, filters)
    table = prevalence(index, mask)
    shown = table[table["units"] > 0]
    matrix = cooccurrence(index, mask, heat_codes(index, mask))
    return [
        Section("How often each theme comes up",
                "Number of quotes and contributions in your selection that carry each theme.",
                figure=bar_chart(shown, "theme", "units", title="Quotes per theme", live=live, value_title="quotes"),
                table=shown[["theme", "units", "share"]].rename(columns={"units": "quotes", "share": "share of selection"}),
                name="prevalence"),
        Section("Themes raised together",
                "How many quotes carry both themes (the ten most common themes in your selection).",
                figure=heat_map(matrix, title="Themes raised together", live=live), table=top_pairs(matrix),
                name="cooccurrence"),
        Section("Quotes", "In reading order; the coded words are marked.",
                extra_html=quotes_html(index, filters, mask), name="quotes"),
    ]


def dashboard(project: str | None = None) -> Any:
    """The live dashboard (ipywidgets) for Voila."""
    import ipywidgets as widgets

    from .bundle import load_bundle
    from .charts import update_bars, update_heat_map
    from .filters import build_index
    from .layout import STYLE, section_widget

    bundle = load_bundle(project)
    index = build_index(bundle)
    controls: dict[str, Any] = {}
    for field in FILTER_FIELDS:
        controls[field] = widgets.Dropdown(options=[("any", "")] + [(v, v) for v in choices(index, field)],
                                           description=field.capitalize(), layout=widgets.Layout(width="22em"))
    coded = [c for c in index.codes if index.matrix[:, index.codes.index(c)].any()]
    controls["code"] = widgets.Dropdown(
        options=[("any", "")] + [(("\u2003" if "." in c else "") + index.names[c], c) for c in coded],
        description="Theme", layout=widgets.Layout(width="22em"))
    controls["search"] = widgets.Text(description="Words", placeholder="type and press Enter",
                                      continuous_update=False, layout=widgets.Layout(width="22em"))
    for name, control in controls.items():
        control.add_class(f"ev-filter-{name}")

    sections = build_sections(index, Filters(), live=True)
    shown = [section_widget(s) for s in sections]
    prevalence_section, pair_section, quote_section = sections

    def refresh(*_: Any) -> None:
        filters = Filters(**{name: control.value or "" for name, control in controls.items()})
        mask = filter_mask(index, filters)
        quote_section.widgets["extra"].value = quotes_html(index, filters, mask)
        table = prevalence(index, mask)
        table = table[table["units"] > 0]
        update_bars(prevalence_section.figure, table, "theme", "units")
        prevalence_section.widgets["table"].value = table_html(
            table[["theme", "units", "share"]].rename(columns={"units": "quotes", "share": "share of selection"}),
            name="prevalence")
        matrix = cooccurrence(index, mask, heat_codes(index, mask))
        update_heat_map(pair_section.figure, matrix)
        pair_section.widgets["table"].value = table_html(top_pairs(matrix), name="cooccurrence")

    for control in controls.values():
        control.observe(refresh, names="value")
    filters_box = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"), filters_box, *shown])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[Section]:
    """The unfiltered view, for the offline export."""
    return build_sections(index, Filters(), live=False)
