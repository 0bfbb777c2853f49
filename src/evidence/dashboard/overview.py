"""Dashboard 1, partnership overview: the features of a good partnership, the headline outcome, the school's
results and the warning signs, for all the evidence, one partnership or one school.

Which codes are "features of a good partnership" and which are "warning signs" comes from the codebook
(a code's optional ``dashboard: feature`` / ``dashboard: warning``, see docs/codebook.md). With none marked,
the overview shows the codes raised most often in the selection instead.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from .bundle import Bundle
from .filters import Filters, QuoteIndex, filter_mask
from .layout import Section, short_quote
from .schools import NO_SCHOOLS, SCHOOLS_NOTE, has_school_results, school_results

TITLE = "Partnership overview"
INTRO = ("Pick a partnership or a school. You will see how much of what people said supports each feature of a "
         "good partnership, the strongest quotes, the headline result for pupils, the school's own results, and "
         "any warning signs that the partnership might fizzle out. Names are pseudonyms.")
MOST_FREQUENT = 6
EVERYTHING = ("", "")


def selections(index: QuoteIndex) -> list[tuple[str, tuple[str, str]]]:
    """Dropdown options: all the evidence, every partnership, then every school, as (label, (field, value))."""
    options = [("All the evidence", EVERYTHING)]
    for field, label in (("partnership", "Partnership"), ("school", "School")):
        for value in sorted(v for v in set(index.columns[field]) if v):
            options.append((f"{label}: {value}", (field, value)))
    return options


def selection_mask(index: QuoteIndex, field: str, value: str) -> np.ndarray:
    return filter_mask(index, Filters(**{field: value}) if field else Filters())


def strongest_quotes(index: QuoteIndex, mask: np.ndarray, code: str, n: int = 2) -> pd.DataFrame:
    """The ``n`` best units carrying ``code`` (or a code below it): people's codings first, then the most
    confident machine codings, then reading order."""
    column = index.codes.index(code)
    positions = np.flatnonzero(mask & index.matrix[:, column])
    if not len(positions):
        return index.units.iloc[0:0].assign(rank_human=[], rank_confidence=[])
    units = index.units.iloc[positions]
    codings = index.codings[index.codings["code"].isin(index.descendants[code])]
    codings = codings[codings.index.isin(units["id"])]
    human = codings["origin"].isin(["human", "import"]).groupby(level=0).any()
    confidence = codings["confidence"].fillna(1.0).groupby(level=0).max()
    ranked = units.assign(rank_human=units["id"].map(human).fillna(False).astype(bool),
                          rank_confidence=units["id"].map(confidence).fillna(0.0), position=positions)
    ranked = ranked.sort_values(["rank_human", "rank_confidence", "position"], ascending=[False, False, True])
    return ranked.head(n)


def feature_codes(bundle: Bundle, index: QuoteIndex, mask: np.ndarray) -> tuple[list[str], bool]:
    """The codes to show as features, and whether the codebook marked them (else: the most raised codes)."""
    marked = [c for c in bundle.marked("feature") if c in index.codes]
    if marked:
        return marked, True
    counts = index.matrix[mask].sum(axis=0)
    depth = index.levels if index.levels is not None else np.zeros(len(index.codes), dtype=int)
    leaves = [j for j, code in enumerate(index.codes) if not any(d != code for d in index.descendants[code])]
    candidates = leaves or list(range(len(index.codes)))
    order = sorted(candidates, key=lambda j: (-counts[j], depth[j], index.codes[j]))
    return [index.codes[j] for j in order if counts[j] > 0][:MOST_FREQUENT], False


def quote_lines(best: pd.DataFrame) -> str:
    return "\n".join(f"\u201c{t}\u201d ({r or 'speaker'})" for t, r in zip(best["text"], best["role"]))


def feature_evidence(index: QuoteIndex, mask: np.ndarray, codes: list[str], quotes_per_feature: int = 2,
                     label: str = "feature") -> pd.DataFrame:
    """Per code: units supporting it, distinct sources they come from, and the strongest quotes."""
    rows = []
    for code in codes:
        if code not in index.codes:
            continue
        carrying = mask & index.matrix[:, index.codes.index(code)]
        best = strongest_quotes(index, mask, code, quotes_per_feature)
        rows.append({label: index.names[code], "supporting quotes": int(carrying.sum()),
                     "sources": int(index.units.loc[carrying, "source"].nunique()),
                     "strongest quotes": quote_lines(best)})
    return pd.DataFrame(rows, columns=[label, "supporting quotes", "sources", "strongest quotes"])


def warning_signs(index: QuoteIndex, mask: np.ndarray, codes: list[str]) -> pd.DataFrame:
    """The warning-sign codes raised in the selection, most raised first, with one example each."""
    rows = []
    for code in codes:
        if code not in index.codes:
            continue
        count = int((mask & index.matrix[:, index.codes.index(code)]).sum())
        if count:
            best = strongest_quotes(index, mask, code, 1)
            rows.append({"warning sign": index.names[code], "times raised": count,
                         "example": f"\u201c{best['text'].iloc[0]}\u201d" if len(best) else ""})
    frame = pd.DataFrame(rows, columns=["warning sign", "times raised", "example"])
    return frame.sort_values(["times raised", "warning sign"], ascending=[False, True]).reset_index(drop=True)


def headline_effect(effects: pd.DataFrame, school: str = "") -> pd.Series | None:
    """The effect to headline: the school's own tutored-vs-comparison row if there is one, else all pupils'."""
    if effects.empty or "g" not in effects:
        return None
    rows = effects.dropna(subset=["g"])
    if rows.empty:
        return None
    between = rows[rows.get("design", pd.Series("between", index=rows.index)).fillna("between").eq("between")]
    candidates = between if len(between) else rows
    subset = candidates.get("subset", pd.Series("", index=candidates.index)).fillna("")
    if school:
        own = candidates[subset.eq(f"school = {school}")]
        if len(own):
            return own.iloc[0]
    overall = candidates[subset.isin(["", "all pupils"])]
    return (overall if len(overall) else candidates).iloc[0]


def headline_text(effect: pd.Series | None) -> str:
    """The headline outcome in one plain sentence (HTML)."""
    if effect is None:
        return ("<p class='ev-empty' data-empty='true'>No pupil outcomes in this analysis, so there is no effect "
                "size to show. Add a pupil results table (quant/ in the corpus) and run the analysis again.</p>")
    months = effect.get("months")
    month_text = "" if pd.isna(months) else f", about {int(months):+d} months of progress on the EEF scale"
    n_t, n_c = effect.get("n_treatment"), effect.get("n_comparison")
    n_text = "" if pd.isna(n_t) else f" Based on {int(n_t)} pupils" + ("" if pd.isna(n_c) else f" and {int(n_c)} in the comparison group") + "."
    label = "" if pd.isna(effect.get("label")) or not effect.get("label") else f" ({effect.get('label')})"
    return (f"<div class='ev-headline' data-g='{float(effect['g']):.4f}'>{html.escape(str(effect['comparison']))}: "
            f"effect size g = {float(effect['g']):.2f} (95% interval {float(effect['ci_low']):.2f} to "
            f"{float(effect['ci_high']):.2f}){html.escape(month_text)}{html.escape(label)}.{html.escape(n_text)}</div>")


def build_sections(bundle: Bundle, index: QuoteIndex, field: str, value: str, *, live: bool) -> list[Section]:
    from .charts import PALETTE, bar_chart

    mask = selection_mask(index, field, value)
    where = f"{field} {value}" if field else "the whole analysis"
    codes, marked = feature_codes(bundle, index, mask)
    label = "feature" if marked else "theme"
    features = feature_evidence(index, mask, codes, label=label)
    shown = features[features["supporting quotes"] > 0]
    chart = bar_chart(shown, label, "supporting quotes", title=("Quotes supporting each feature" if marked else
                                                                 "Themes raised most often"),
                      live=live, value_title="quotes") if len(shown) else None
    if marked:
        heading = f"Features of a good partnership \u2014 {value or 'all the evidence'}"
        text = (f"{int(mask.sum())} quotes and contributions from {where}. The chart counts those that support each "
                "feature (a quote counts once per feature); the table gives the strongest quotes.")
    else:
        heading = f"What people raised most \u2014 {value or 'all the evidence'}"
        text = (f"{int(mask.sum())} quotes and contributions from {where}. This codebook marks no codes as features "
                "of a good partnership, so these are the themes raised most often (a researcher can mark features "
                "with <code>dashboard: feature</code> in the codebook).")
    effect = headline_effect(bundle.effects, value if field == "school" else "")
    effect_table = None if effect is None else pd.DataFrame([{
        "comparison": effect.get("comparison"), "effect size (g)": effect.get("g"), "95% interval from": effect.get("ci_low"),
        "95% interval to": effect.get("ci_high"), "EEF months": effect.get("months"), "pupils": effect.get("n_treatment"),
        "comparison pupils": effect.get("n_comparison")}])
    warning_codes = [c for c in bundle.marked("warning") if c in index.codes]
    warnings = warning_signs(index, mask, warning_codes)
    warning_chart = bar_chart(warnings, "warning sign", "times raised", title="Warning signs raised", live=live,
                              colour=PALETTE["vermillion"], value_title="times") if len(warnings) else None
    if not warning_codes:
        warning_empty = ("This codebook marks no codes as warning signs, so none can be shown. A researcher can mark "
                         "them with dashboard: warning in the codebook.")
    else:
        warning_empty = "No warning signs were raised in this selection."
    sections = [
        Section(heading, text, figure=chart, table=features, name="features",
                empty="No coded quotes in this selection." if chart is None else "",
                table_caption=f"{'Features' if marked else 'Themes'}: supporting quotes, sources and the strongest quotes",
                render={"strongest quotes": short_quote}),
        Section("Headline outcome", headline_text(effect), table=effect_table, name="outcome",
                table_caption="Effect size with its 95% interval"),
    ]
    if field == "school" or not field:
        results = school_results(bundle, index, value if field == "school" else "")
        if len(results):
            sections.append(Section("School results beside what was said", SCHOOLS_NOTE, table=results,
                                    name="schools", table_caption="DfE key stage 4 results and most raised themes"))
        elif field == "school" and has_school_results(bundle):
            sections.append(Section("School results beside what was said",
                                    f"No DfE key stage 4 results for {html.escape(value)} in this analysis.",
                                    name="schools"))
        elif not field:
            sections.append(Section("School results beside what was said", "", empty=NO_SCHOOLS, name="schools"))
    sections.append(Section("Warning signs", "Things people said that often come before a partnership fizzles out.",
                            figure=warning_chart, table=warnings if len(warnings) else None, name="warnings",
                            empty=warning_empty if warning_chart is None else "",
                            table_caption="Warning signs: times raised and an example",
                            render={"example": short_quote}))
    return sections


def dashboard(project: str | None = None) -> Any:
    """The live dashboard (ipywidgets) for Voila."""
    import ipywidgets as widgets

    from .bundle import load_bundle
    from .filters import build_index
    from .layout import STYLE, section_widget

    bundle = load_bundle(project)
    index = build_index(bundle)
    options = selections(index)
    picker = widgets.Dropdown(options=options, description="Show", layout=widgets.Layout(width="32em"))
    picker.add_class("ev-filter-selection")
    body = widgets.VBox()

    def show(*_: Any) -> None:
        body.children = [section_widget(s) for s in build_sections(bundle, index, *picker.value, live=True)]

    picker.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"), picker, body])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[list[Section]]:
    """Every selection in turn (all the evidence, each partnership, each school), for the offline export."""
    return [build_sections(bundle, index, field, value, live=False) for _, (field, value) in selections(index)]


def static_choices(index: QuoteIndex) -> list[str]:
    """The labels of :func:`static_sections`' groups, in the same order (the export's selector)."""
    return [label for label, _ in selections(index)]
