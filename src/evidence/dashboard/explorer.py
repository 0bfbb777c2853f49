"""Dashboard 2, theme explorer: filter by school, partnership, role, wave, code and words; see how often
each theme comes up, which themes come up together, the themes topic modelling (BERTopic) found without the
codebook, and the quotes with the coded words marked and their (pseudonymised) speaker."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .bundle import Bundle
from .filters import (
    FILTER_FIELDS, Filters, QuoteIndex, choices, cooccurrence, filter_mask, highlight, prevalence,
)
from .layout import Section, quote_list_html, refresh_chart_summary, short_quote, show_chart_or_sentence, table_html

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


NO_CODINGS = "No quote in this selection carries a coded theme."
NO_PAIRS = "No two themes were raised in the same quote in this selection."
NO_TOPICS = ("No themes from topic modelling (BERTopic) in this analysis. Run the themes step (notebook 03 or "
             "`evidence themes`) and the analysis again to see themes nobody expected.")


def prevalence_table(index: QuoteIndex, mask: np.ndarray) -> pd.DataFrame:
    table = prevalence(index, mask)
    shown = table[table["units"] > 0]
    return shown[["theme", "units", "share"]].rename(columns={"units": "quotes", "share": "share of selection"})


def topic_table(bundle: Bundle, index: QuoteIndex, mask: np.ndarray) -> pd.DataFrame:
    """Themes found by topic modelling: quotes of the selection in each, its top words and an example."""
    columns = ["theme found", "quotes", "top words", "example"]
    themes, assigned = bundle.themes, bundle.theme_assignments
    if themes.empty or assigned.empty or not {"segment", "theme"} <= set(assigned.columns):
        return pd.DataFrame(columns=columns)
    position = pd.Series(np.arange(len(index.units)), index=index.units["id"])
    rows = position.reindex(assigned["segment"]).to_numpy()
    found = ~np.isnan(rows)
    picked = np.zeros(len(index.units), dtype=bool)
    picked[rows[found].astype(int)] = True
    chosen = assigned[found].assign(_row=rows[found].astype(int))
    chosen = chosen[mask[chosen["_row"].to_numpy()]]
    counts = chosen.groupby("theme")["_row"].nunique()
    text = index.units["text"].to_numpy(dtype=object)
    out = []
    for theme in themes.itertuples(index=False):
        ident = getattr(theme, "id")
        members = chosen[chosen["theme"].astype(str) == str(ident)]
        if str(ident) == "-1" or not len(members):
            continue
        words = getattr(theme, "words", "")
        words = ", ".join(_word_list(words)[:8])
        out.append({"theme found": str(getattr(theme, "label", ident)), "quotes": int(counts.get(ident, len(members))),
                    "top words": words, "example": str(text[int(members["_row"].iloc[0])])})
    frame = pd.DataFrame(out, columns=columns)
    return frame.sort_values(["quotes", "theme found"], ascending=[False, True]).reset_index(drop=True)


def _word_list(words: object) -> list[str]:
    import json

    if isinstance(words, (list, tuple, np.ndarray)):
        return [str(w) for w in words]
    text = str(words or "")
    try:
        parsed = json.loads(text)
        if isinstance(parsed, list):
            return [str(w) for w in parsed]
    except ValueError:
        pass
    return [w.strip() for w in text.split(",") if w.strip()]


def build_sections(index: QuoteIndex, filters: Filters, *, live: bool, bundle: Bundle | None = None) -> list[Section]:
    from .charts import PALETTE, bar_chart, heat_map

    mask = filter_mask(index, filters)
    shown = prevalence_table(index, mask)
    matrix = cooccurrence(index, mask, heat_codes(index, mask))
    pairs = top_pairs(matrix)
    sections = [
        Section("How often each theme comes up",
                "Number of quotes and contributions in your selection that carry each theme (a quote counts once "
                "per theme, whoever coded it).",
                figure=bar_chart(shown, "theme", "quotes", title="Quotes per theme", live=live, value_title="quotes"),
                table=shown, name="prevalence", table_caption="Quotes per theme in your selection", empty=NO_CODINGS),
        Section("Themes raised together",
                "How many quotes carry both themes (the ten most common themes in your selection).",
                figure=heat_map(matrix, title="Themes raised together", live=live), table=pairs, empty=NO_PAIRS,
                name="cooccurrence", table_caption="Pairs of themes raised in the same quote, most frequent first"),
    ]
    if bundle is not None:
        topics = topic_table(bundle, index, mask)
        has_topics = not (bundle.themes.empty or bundle.theme_assignments.empty)
        sections.append(Section(
            "Themes found by topic modelling",
            "Groups of quotes that a computer found by similarity of meaning (BERTopic), without the codebook. "
            "They can point to themes nobody expected; a researcher decides whether they become codes.",
            figure=bar_chart(topics, "theme found", "quotes", title="Quotes per theme found by topic modelling",
                             live=live, colour=PALETTE["green"], value_title="quotes") if has_topics else None,
            table=topics if has_topics else None, name="topics",
            empty="No quote in this selection belongs to a theme found by topic modelling." if has_topics else NO_TOPICS,
            table_caption="Themes found by topic modelling, with top words and an example",
            render={"example": short_quote}))
    sections.append(Section("Quotes", "In reading order, with who said them (pseudonyms); the coded words are marked.",
                            extra_html=quotes_html(index, filters, mask), name="quotes"))
    return sections


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
        options=[("any", "")] + [(("\u2003" if index.levels[index.codes.index(c)] else "") + index.names[c], c) for c in coded],
        description="Theme", layout=widgets.Layout(width="22em"))
    controls["search"] = widgets.Text(description="Words", placeholder="type and press Enter",
                                      continuous_update=False, layout=widgets.Layout(width="22em"))
    for name, control in controls.items():
        control.add_class(f"ev-filter-{name}")

    sections = build_sections(index, Filters(), live=True, bundle=bundle)
    shown = [section_widget(s) for s in sections]
    by_name = {s.name: s for s in sections}
    prevalence_section, pair_section, quote_section = by_name["prevalence"], by_name["cooccurrence"], by_name["quotes"]
    topic_section = by_name["topics"]

    def refresh(*_: Any) -> None:
        filters = Filters(**{name: control.value or "" for name, control in controls.items()})
        mask = filter_mask(index, filters)
        table = prevalence_table(index, mask)
        matrix = cooccurrence(index, mask, heat_codes(index, mask))
        topics = topic_table(bundle, index, mask) if topic_section.figure is not None else None
        # a chart about to lose all its data gives way to its sentence before its data changes, so the
        # browser never draws empty axes, even for a moment
        for section, rows in ((prevalence_section, table), (pair_section, matrix), (topic_section, topics)):
            if rows is not None and rows.empty:
                show_chart_or_sentence(section, drawn=False)
        update_bars(prevalence_section.figure, table, "theme", "quotes")
        prevalence_section.widgets["table"].value = table_html(table, prevalence_section.caption(), name="prevalence")
        update_heat_map(pair_section.figure, matrix)
        pair_section.widgets["table"].value = table_html(top_pairs(matrix), pair_section.caption(), name="cooccurrence")
        if topics is not None:
            update_bars(topic_section.figure, topics, "theme found", "quotes")
            topic_section.widgets["table"].value = table_html(topics, topic_section.caption(), name="topics",
                                                              render=topic_section.render)
        for section in (prevalence_section, pair_section, topic_section):
            refresh_chart_summary(section)
        # the quotes (and their count) change last: when the count shows the new selection, so do the charts
        quote_section.widgets["extra"].value = quotes_html(index, filters, mask)

    for control in controls.values():
        control.observe(refresh, names="value")
    filters_box = widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))
    filters_box.add_class("ev-filters")
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"), filters_box, *shown])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[Section]:
    """The unfiltered view, for the offline export."""
    return build_sections(index, Filters(), live=False, bundle=bundle)


def static_page(bundle: Bundle, index: QuoteIndex) -> str:
    """The offline page, with filters that work in the browser alone (see :mod:`.offline`)."""
    from .offline import explorer_page

    return explorer_page(bundle, index, TITLE, INTRO, static_sections(bundle, index))
