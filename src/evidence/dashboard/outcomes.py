"""Dashboard 4, evidence and outcomes: the effect sizes first, then each theme beside the numbers (the joint
display), the schools' own results beside their themes, and the caveats a reader needs before quoting them.

Per-theme columns appear only where they were computed per theme: the overall effect that the published
joint display repeats on every row (``effect_*``) is shown once, at the top, not as if it were each theme's.
Theme counts follow the one counting rule (:mod:`evidence.mixed.units`, a quote counts for a theme when it
carries it or a code below it), so a theme shows the same count here as on the other dashboards.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from .bundle import Bundle
from .filters import QuoteIndex
from .layout import Section, short_quote
from .overview import headline_effect, headline_text
from .schools import NO_SCHOOLS, SCHOOLS_NOTE, school_results

TITLE = "Evidence and outcomes"
INTRO = ("What the numbers show first, then what people said, theme by theme, beside them. Read the caveats before "
         "quoting a number: small groups, the comparison group and missing results all change how much weight it "
         "can bear.")
SMALL_GROUP = 30
EFFECT_COLUMNS = {"comparison": "comparison", "g": "effect size (g)", "ci_low": "95% interval from",
                  "ci_high": "95% interval to", "months": "EEF months of progress", "label": "reading",
                  "n_treatment": "pupils", "n_comparison": "comparison pupils", "note": "note"}
THEME_OUTCOME_COLUMNS = {
    "n_with": "pupils raising it (with results)", "mean_with": "mean result, raising it",
    "n_without": "pupils not raising it", "mean_without": "mean result, not raising it",
    "difference": "difference", "ci_low": "difference 95% from", "ci_high": "difference 95% to",
    "g": "effect size for this theme (g)", "note": "note",
}
NO_EFFECTS = ("No effect sizes in this analysis: it has no pupil results with a comparison. Add a pupil results "
              "table (quant/ in the corpus: pupil id, scores and group) and run the analysis again.")


def theme_counts(index: QuoteIndex, codes: list[str]) -> pd.Series:
    """Quotes carrying each code or a code below it (the counting rule every dashboard uses)."""
    totals = index.matrix.sum(axis=0)
    return pd.Series({c: int(totals[index.codes.index(c)]) if c in index.codes else 0 for c in codes})


def joint_table(bundle: Bundle, index: QuoteIndex) -> pd.DataFrame:
    """The joint display for reading: plain column names, one count per theme by the counting rule, per-theme
    outcome columns where the analysis computed them, and the strongest quotes."""
    joint = bundle.joint_display.copy()
    if joint.empty or "code" not in joint:
        counts = theme_counts(index, index.codes)
        joint = pd.DataFrame({"code": [c for c in index.codes if counts[c] > 0]})
    joint = joint[joint["code"].isin(index.codes)].reset_index(drop=True)
    names = index.names
    out = pd.DataFrame({"theme": joint["code"].map(lambda c: names.get(c, c)),
                        "times raised": theme_counts(index, list(joint["code"])).to_numpy()})
    if "cases" in joint:
        out["people raising it"] = pd.to_numeric(joint["cases"], errors="coerce").fillna(0).astype(int)
    for wave in ("before", "after"):
        if f"units_{wave}" in joint and pd.to_numeric(joint[f"units_{wave}"], errors="coerce").fillna(0).any():
            out[f"raised {wave}"] = pd.to_numeric(joint[f"units_{wave}"], errors="coerce").fillna(0).astype(int)
    for column in joint.columns:
        if column.startswith("cases_"):
            out[f"{column[len('cases_'):]} pupils raising it"] = pd.to_numeric(joint[column], errors="coerce") \
                .fillna(0).astype(int)
    for column, label in THEME_OUTCOME_COLUMNS.items():
        if column in joint and per_theme(joint[column]):
            out[label] = joint[column]
    if "quotes" in joint and not pd.api.types.is_numeric_dtype(joint["quotes"]):
        out["strongest quotes"] = joint["quotes"].fillna("")
    return out


def per_theme(values: pd.Series) -> bool:
    """Whether a column holds figures computed per theme (not one value repeated on every row, not empty)."""
    present = values.dropna()
    if present.empty:
        return False
    return len(values) < 2 or present.astype(str).nunique() > 1


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
    joint = bundle.joint_display
    if any(c.startswith("effect_") for c in joint.columns):
        notes.append("The effect size is for the whole programme; it was not measured theme by theme, so it is "
                     "shown once at the top and not beside each theme.")
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


def build_sections(bundle: Bundle, index: QuoteIndex, *, live: bool) -> list[Section]:
    from .charts import bar_chart, effect_chart

    effects = bundle.effects.dropna(subset=["g"]) if "g" in bundle.effects else bundle.effects
    joint = joint_table(bundle, index)
    shown = joint[joint["times raised"] > 0].sort_values("times raised", ascending=False, kind="stable")
    caveat_html = "<ul class='ev-caveat' data-section='caveats'>" + "".join(
        f"<li>{html.escape(n)}</li>" for n in caveats(bundle)) + "</ul>"
    headline = headline_text(headline_effect(bundle.effects)) if len(effects) else ""
    schools = school_results(bundle, index)
    return [
        Section("Effect sizes",
                headline + ("<p>Hedges' g with its 95% interval; the EEF reading turns it into months of progress. "
                            "An interval that crosses zero means the data are also consistent with no effect.</p>"
                            if len(effects) else ""),
                figure=effect_chart(effects, title="Effect sizes with 95% intervals", live=live) if len(effects) else None,
                table=effects_table(bundle) if len(effects) else None, name="effects", empty=NO_EFFECTS,
                table_caption="Effect sizes: each comparison with its 95% interval and group sizes"),
        Section("Themes beside the numbers (joint display)",
                "Each theme with how often it was raised (a quote counts once per theme), by whom and when, any "
                "figures the analysis computed for that theme, and its strongest quotes (click a quote to read all "
                "of it).",
                figure=bar_chart(shown, "theme", "times raised", title="Times each theme was raised", live=live,
                                 value_title="quotes") if len(shown) else None,
                table=joint, name="joint", empty="No coded quotes in this analysis, so no theme can be shown.",
                table_caption="Joint display: each theme beside the numbers",
                render={"strongest quotes": short_quote}),
        Section("School results beside their themes", SCHOOLS_NOTE if len(schools) else "",
                table=schools if len(schools) else None, name="schools", empty="" if len(schools) else NO_SCHOOLS,
                table_caption="DfE key stage 4 results and each school's most raised themes"),
        Section("Before you quote these numbers", caveat_html, name="caveats"),
    ]


def dashboard(project: str | None = None) -> Any:
    import ipywidgets as widgets

    from .bundle import load_bundle
    from .filters import build_index
    from .layout import STYLE, section_widget

    bundle = load_bundle(project)
    index = build_index(bundle)
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"),
                         *[section_widget(s) for s in build_sections(bundle, index, live=True)]])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[Section]:
    return build_sections(bundle, index, live=False)

