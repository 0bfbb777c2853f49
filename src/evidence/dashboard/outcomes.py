"""Dashboard 4, evidence and outcomes: the joint display (themes beside the numbers) and the effect sizes,
with the caveats a reader needs before quoting them."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from .bundle import Bundle
from .filters import QuoteIndex
from .layout import Section

TITLE = "Evidence and outcomes"
INTRO = ("What people said, theme by theme, beside what the numbers show. Read the caveats before quoting a "
         "number: small groups, the comparison group and missing results all change how much weight it can bear.")
SMALL_GROUP = 30
EFFECT_COLUMNS = {"comparison": "comparison", "g": "g", "ci_low": "from", "ci_high": "to", "months": "EEF months",
                  "label": "reading", "n_treatment": "pupils", "n_comparison": "comparison pupils", "note": "note"}


def joint_table(bundle: Bundle) -> pd.DataFrame:
    """The joint display as published, without internal id lists, named for readers."""
    table = bundle.joint_display.drop(columns=[c for c in ("quote_units", "code") if c in bundle.joint_display])
    return table.rename(columns={"name": "theme", "units": "quotes", "n_segments": "quotes", "cases": "people",
                                 "units_before": "quotes before", "units_after": "quotes after"})


def effects_table(bundle: Bundle) -> pd.DataFrame:
    effects = bundle.effects.dropna(subset=["g"]) if "g" in bundle.effects else bundle.effects
    columns = [c for c in EFFECT_COLUMNS if c in effects]
    return effects[columns].rename(columns=EFFECT_COLUMNS).reset_index(drop=True)


def caveats(bundle: Bundle) -> list[str]:
    """Plain sentences on sample size, the comparison group and missing data."""
    notes: list[str] = []
    effects = bundle.effects
    if effects.empty:
        notes.append("No effect sizes were published with these findings.")
    else:
        n = pd.to_numeric(effects.get("n_treatment"), errors="coerce")
        small = effects[n < SMALL_GROUP] if n is not None else effects.iloc[0:0]
        if len(small):
            notes.append(f"{len(small)} of {len(effects)} effect sizes rest on fewer than {SMALL_GROUP} pupils; "
                         "their intervals are wide, so treat them as pointers, not findings.")
        for note in sorted({str(x) for x in effects.get("note", pd.Series(dtype=str)).dropna() if str(x).strip()}):
            notes.append(note)
    outcomes = bundle.outcomes
    if not outcomes.empty and "group" in outcomes:
        groups = outcomes["group"].fillna("(no group)").value_counts().sort_index()
        notes.append("Comparison group: " + ", ".join(f"{g}: {n} pupils" for g, n in groups.items())
                     + ". Pupils were not randomly assigned unless the study says so, so differences between "
                     "groups may reflect who took part.")
        measured = [c for c in ("pre", "post") if c in outcomes]
        missing = outcomes[outcomes[measured].isna().any(axis=1)] if measured else outcomes.iloc[0:0]
        if len(missing):
            by_group = missing["group"].fillna("(no group)").value_counts().sort_index()
            notes.append(f"Missing data: {len(missing)} of {len(outcomes)} pupils lack a before or after score ("
                         + ", ".join(f"{g}: {n}" for g, n in by_group.items())
                         + "); they are left out of the effect sizes.")
        else:
            notes.append(f"Missing data: every one of the {len(outcomes)} pupils has a before and an after score.")
    return notes


def build_sections(bundle: Bundle, *, live: bool) -> list[Section]:
    from .charts import bar_chart, effect_chart

    joint = joint_table(bundle)
    effects = bundle.effects.dropna(subset=["g"]) if "g" in bundle.effects else bundle.effects
    joint_chart = bar_chart(joint, "theme", "quotes", title="Quotes per theme", live=live,
                            value_title="quotes") if {"theme", "quotes"} <= set(joint.columns) and len(joint) else None
    caveat_html = "<ul class='ev-caveat' data-section='caveats'>" + "".join(
        f"<li>{html.escape(n)}</li>" for n in caveats(bundle)) + "</ul>"
    return [
        Section("Themes beside the numbers (joint display)",
                "Each theme with how often it was raised, by whom and when, and its strongest quotes.",
                figure=joint_chart, table=joint, name="joint"),
        Section("Effect sizes",
                "Hedges' g with its 95% interval; the EEF reading turns it into months of progress. An interval "
                "that crosses zero means the data are also consistent with no effect.",
                figure=effect_chart(effects, title="Effect sizes with 95% intervals", live=live) if len(effects) else None,
                table=effects_table(bundle), name="effects"),
        Section("Before you quote these numbers", caveat_html, name="caveats"),
    ]


def dashboard(project: str | None = None) -> Any:
    import ipywidgets as widgets

    from .bundle import load_bundle
    from .layout import STYLE, section_widget

    bundle = load_bundle(project)
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"),
                         *[section_widget(s) for s in build_sections(bundle, live=True)]])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[Section]:
    return build_sections(bundle, live=False)
