"""Dashboard 1, partnership overview: the four features of good partnerships, the headline outcome and the
warning signs, for one partnership or one school."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from .bundle import Bundle
from .filters import Filters, QuoteIndex, filter_mask
from .layout import Section

TITLE = "Partnership overview"
INTRO = ("Pick a partnership or a school. You will see how much of what people said supports each of the four "
         "features of a good partnership, the strongest quotes, the headline result for pupils, and any warning "
         "signs that the partnership might fizzle out. Names are pseudonyms.")
FEATURES = ("features.impactful", "features.sustainable", "features.mutual_benefit", "features.disadvantage")
WARNING_THEME = "fizzle"


def selections(index: QuoteIndex) -> list[tuple[str, tuple[str, str]]]:
    """Dropdown options: every partnership, then every school, as (label, (field, value))."""
    options = []
    for field, label in (("partnership", "Partnership"), ("school", "School")):
        for value in sorted(v for v in set(index.columns[field]) if v):
            options.append((f"{label}: {value}", (field, value)))
    return options


def selection_mask(index: QuoteIndex, field: str, value: str) -> np.ndarray:
    return filter_mask(index, Filters(**{field: value}))


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
    human = codings["origin"].eq("human").groupby(level=0).any()
    confidence = codings["confidence"].fillna(1.0).groupby(level=0).max()
    ranked = units.assign(rank_human=units["id"].map(human).fillna(False).astype(bool),
                          rank_confidence=units["id"].map(confidence).fillna(0.0), position=positions)
    ranked = ranked.sort_values(["rank_human", "rank_confidence", "position"], ascending=[False, False, True])
    return ranked.head(n)


def feature_evidence(index: QuoteIndex, mask: np.ndarray, quotes_per_feature: int = 2) -> pd.DataFrame:
    """Per feature: units supporting it, distinct sources they come from, and the strongest quotes."""
    rows = []
    for code in FEATURES:
        if code not in index.codes:
            continue
        carrying = mask & index.matrix[:, index.codes.index(code)]
        best = strongest_quotes(index, mask, code, quotes_per_feature)
        rows.append({
            "feature": index.names[code],
            "supporting quotes": int(carrying.sum()),
            "sources": int(index.units.loc[carrying, "source"].nunique()),
            "strongest quotes": "\n".join(f"\u201c{t}\u201d ({r or 'speaker'})"
                                          for t, r in zip(best["text"], best["role"])),
        })
    return pd.DataFrame(rows, columns=["feature", "supporting quotes", "sources", "strongest quotes"])


def warning_signs(index: QuoteIndex, mask: np.ndarray) -> pd.DataFrame:
    """Codes under ``fizzle`` raised in the selection, most raised first, with one example each."""
    rows = []
    for code in index.descendants.get(WARNING_THEME, []):
        if code == WARNING_THEME:
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
        return "<p class='ev-note'>No outcome results were published with these findings.</p>"
    months = effect.get("months")
    month_text = "" if pd.isna(months) else f", about {int(months):+d} months of progress on the EEF scale"
    n_t, n_c = effect.get("n_treatment"), effect.get("n_comparison")
    n_text = "" if pd.isna(n_t) else f" Based on {int(n_t)} pupils" + ("" if pd.isna(n_c) else f" and {int(n_c)} in the comparison group") + "."
    label = "" if pd.isna(effect.get("label")) or not effect.get("label") else f" ({effect.get('label')})"
    return (f"<div class='ev-headline' data-g='{float(effect['g']):.4f}'>{html.escape(str(effect['comparison']))}: "
            f"effect size g = {float(effect['g']):.2f} (95% interval {float(effect['ci_low']):.2f} to "
            f"{float(effect['ci_high']):.2f}){html.escape(month_text)}{html.escape(label)}.{html.escape(n_text)}</div>")


def build_sections(bundle: Bundle, index: QuoteIndex, field: str, value: str, *, live: bool) -> list[Section]:
    from .charts import OKABE_ITO, bar_chart

    mask = selection_mask(index, field, value)
    where = f"{'partnership' if field == 'partnership' else 'school'} {value}"
    features = feature_evidence(index, mask)
    chart = bar_chart(features, "feature", "supporting quotes", title="Quotes supporting each feature",
                      live=live, value_title="quotes")
    effect = headline_effect(bundle.effects, value if field == "school" else "")
    effect_table = None if effect is None else pd.DataFrame([{
        "comparison": effect.get("comparison"), "g": effect.get("g"), "from": effect.get("ci_low"),
        "to": effect.get("ci_high"), "EEF months": effect.get("months"), "pupils": effect.get("n_treatment"),
        "comparison pupils": effect.get("n_comparison")}])
    warnings = warning_signs(index, mask)
    warning_chart = bar_chart(warnings, "warning sign", "times raised", title="Warning signs raised", live=live,
                              colour=OKABE_ITO["vermillion"], value_title="times") if len(warnings) else None
    return [
        Section(f"The four features of a good partnership \u2014 {value}",
                f"{int(mask.sum())} quotes and contributions from {where}. The chart counts those that "
                "support each feature; the table gives the strongest quotes.",
                figure=chart, table=features, name="features"),
        Section("Headline outcome", headline_text(effect), table=effect_table, name="outcome",
                table_caption="Effect size with its 95% interval"),
        Section("Warning signs",
                "Things people said that often come before a partnership fizzles out."
                if len(warnings) else "No warning signs were coded for this selection.",
                figure=warning_chart, table=warnings, name="warnings"),
    ]


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
        if picker.value is None:
            body.children = [widgets.HTML("<p>No partnership or school is named in these findings.</p>")]
            return
        body.children = [section_widget(s) for s in build_sections(bundle, index, *picker.value, live=True)]

    picker.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"), picker, body])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[Section]:
    """Every partnership and school in turn, for the offline export."""
    sections = []
    for _, (field, value) in selections(index):
        sections += build_sections(bundle, index, field, value, live=False)
    return sections
