"""Dashboard 3, pupil voice: what pupils said before and after, theme by theme, and how the share of pupils
raising each theme changed between the waves, with a 95% interval (or "too few pupils to tell").

Pupils are shown by one kind of id throughout: their pseudonymous pupil id (the quote's ``case``).
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from .bundle import Bundle
from .filters import QuoteIndex
from .layout import Section, short_quote

TITLE = "Pupil voice"
INTRO = ("What pupils said before the partnership's work and after it. The chart shows, for each theme, the share "
         "of pupils who raised it in each wave; the table says whether the change is larger than chance alone "
         "would give. Pick a theme to read the same pupils' words side by side. Pupils are shown by their "
         "pseudonymous pupil ids.")
PAIRS_SHOWN = 30
MIN_PUPILS = 10
"""Fewer pupils than this in either wave: the change is "too few pupils to tell"."""
WAVES = ("before", "after")
CHANGE_WORDS = {"appeared": "only after", "vanished": "only before", "kept": "both before and after"}
NO_WAVES = ("No before/after waves in this analysis: no pupil quote is marked as said before or after the "
            "partnership's work. Give the quotes a wave column (before/after) and run the analysis again.")
NO_PAIRS = ("No pupil's before and after words can be put side by side: that needs the same pupils quoted in "
            "both waves.")


def _pupil_quotes(index: QuoteIndex) -> pd.DataFrame:
    units = index.units
    quotes = (units["kind"] == "quote").to_numpy() & units["wave"].isin(WAVES).to_numpy()
    pupil = units["case"].where(units["case"].ne(""), units["speaker"])
    return pd.DataFrame({"row": np.flatnonzero(quotes), "pupil": pupil.to_numpy()[quotes],
                         "wave": units["wave"].to_numpy()[quotes]})


def has_waves(index: QuoteIndex) -> bool:
    quotes = _pupil_quotes(index)
    return set(quotes["wave"]) >= set(WAVES)


def change_interval(raised: tuple[int, int], pupils: tuple[int, int]) -> tuple[float, float] | None:
    """95% interval of the change in the share of pupils (after minus before), Newcombe's method for two
    proportions; None when either wave has fewer than :data:`MIN_PUPILS` pupils.

    The waves are treated as independent groups; when the same pupils answer twice, the true interval is
    narrower, so this errs on the side of "cannot tell".
    """
    from statsmodels.stats.proportion import confint_proportions_2indep

    (before, after), (n_before, n_after) = raised, pupils
    if min(n_before, n_after) < MIN_PUPILS:
        return None
    low, high = confint_proportions_2indep(after, n_after, before, n_before, method="newcomb", compare="diff")
    return float(low), float(high)


def change_reading(interval: tuple[float, float] | None) -> str:
    if interval is None:
        return "too few pupils to tell"
    low, high = interval
    if low > 0:
        return "more pupils raised it after"
    if high < 0:
        return "fewer pupils raised it after"
    return "no clear change (could be chance)"


def wave_prevalence(index: QuoteIndex) -> pd.DataFrame:
    """Per sub-theme: pupils raising it in each wave, as counts and shares of that wave's pupils, the change in
    percentage points with its 95% interval, and a plain reading of it."""
    columns = ["theme", "code", "pupils_before", "share_before", "pupils_after", "share_after", "change",
               "change_low", "change_high", "reading"]
    quotes = _pupil_quotes(index)
    if not has_waves(index):
        return pd.DataFrame(columns=columns)
    totals = {w: int(quotes.loc[quotes["wave"] == w, "pupil"].nunique()) for w in WAVES}
    depth = index.levels if index.levels is not None else np.zeros(len(index.codes), dtype=int)
    level = 1 if (depth == 1).any() else 0
    rows = []
    for j, code in enumerate(index.codes):
        if depth[j] != level:
            continue
        carrying = quotes[index.matrix[quotes["row"].to_numpy(), j]]
        raised = tuple(int(carrying.loc[carrying["wave"] == w, "pupil"].nunique()) for w in WAVES)
        if not sum(raised):
            continue
        shares = [raised[i] / totals[w] if totals[w] else 0.0 for i, w in enumerate(WAVES)]
        interval = change_interval(raised, (totals["before"], totals["after"]))
        rows.append({"theme": index.names[code], "code": code, "pupils_before": raised[0],
                     "share_before": round(shares[0], 3), "pupils_after": raised[1], "share_after": round(shares[1], 3),
                     "change": round(shares[1] - shares[0], 3),
                     "change_low": np.nan if interval is None else round(interval[0], 3),
                     "change_high": np.nan if interval is None else round(interval[1], 3),
                     "reading": change_reading(interval)})
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["pupils"] = totals
    return frame.sort_values(["change", "theme"], ascending=[False, True]).reset_index(drop=True)


def change_table(change: pd.DataFrame) -> pd.DataFrame:
    """The chart's numbers in plain words: percentages, the change in points and its interval."""
    def points(value: float) -> str:
        return "" if pd.isna(value) else f"{int(round(value * 100)):+d}"

    return pd.DataFrame({
        "theme": change["theme"],
        "pupils before": change["pupils_before"], "% before": (change["share_before"] * 100).round(0).astype(int),
        "pupils after": change["pupils_after"], "% after": (change["share_after"] * 100).round(0).astype(int),
        "change (points)": change["change"].map(points),
        "95% interval (points)": [f"{points(lo)} to {points(hi)}" if pd.notna(lo) else "" for lo, hi in
                                  zip(change["change_low"], change["change_high"])],
        "what it means": change["reading"],
    })


def pairs_for(bundle: Bundle, code: str) -> pd.DataFrame:
    """Before/after pairs of one theme (its sub-themes included), appeared first, then kept, then vanished."""
    wanted = set(bundle.descendants(code)) if code else set(bundle.voice_pairs["code"])
    pairs = bundle.voice_pairs[bundle.voice_pairs["code"].isin(wanted)].copy()
    order = {"appeared": 0, "kept": 1, "vanished": 2}
    pairs["_order"] = pairs["change"].map(order).fillna(3)
    return pairs.sort_values(["_order", "pupil", "code"]).drop(columns="_order").reset_index(drop=True)


def pairs_summary(pairs: pd.DataFrame) -> str:
    """How many pupils each change concerns, worded so overlapping groups do not read as exclusive."""
    pupils = int(pairs["pupil"].nunique())
    counts = pairs["change"].value_counts()
    after, before, both = (int(counts.get(k, 0)) for k in ("appeared", "vanished", "kept"))
    if len(pairs) == pupils:
        return (f"Of {pupils} pupils, {after} raised it only after, {before} only before and {both} both before "
                "and after.")
    return (f"{len(pairs)} pairs of a pupil and a theme, from {pupils} pupils (one pupil can count under several "
            f"themes, so these are not separate groups of pupils): in {after} pairs the pupil raised the theme only "
            f"after, in {before} only before and in {both} both before and after.")


def pairs_frame(bundle: Bundle, pairs: pd.DataFrame) -> pd.DataFrame:
    names = bundle.code_names()
    return pd.DataFrame({"pupil": pairs["pupil"], "theme": pairs["code"].map(lambda c: names.get(c, c)),
                         "before": pairs["before_text"], "after": pairs["after_text"],
                         "change": pairs["change"].map(lambda c: CHANGE_WORDS.get(c, c))})


def pairs_html(bundle: Bundle, code: str, limit: int = PAIRS_SHOWN) -> str:
    """The pairs of a theme as a table (first ``limit`` shown, all in the downloads), with how many each change
    concerns."""
    from .layout import table_html

    pairs = pairs_for(bundle, code)
    if pairs.empty:
        return f'<div class="ev-pairs"><p class="ev-count" data-count="0" data-shown="0">{html.escape(NO_PAIRS)}</p></div>'
    frame = pairs_frame(bundle, pairs)
    shown = min(limit, len(pairs))
    rows = "".join(
        f'<tr data-pupil="{html.escape(r.pupil)}" data-change="{html.escape(r.change)}">'
        f"<td>{html.escape(r.pupil)}<br><small>{html.escape(theme)}</small></td>"
        f"<td>{short_quote(r.before_text) or '<em>(not raised)</em>'}</td>"
        f"<td>{short_quote(r.after_text) or '<em>(not raised)</em>'}</td></tr>"
        for r, theme in zip(pairs.head(limit).itertuples(index=False), frame["theme"])
    )
    table = table_html(frame, "Before and after pairs", name="pairs")
    links = table[table.index('<p class="ev-downloads"'):]
    return (f'<div class="ev-pairs"><p class="ev-count" data-count="{len(pairs)}" data-shown="{shown}">'
            f"Showing {shown} of {len(pairs)} before/after pairs. {html.escape(pairs_summary(pairs))}</p>"
            '<div class="ev-table-wrap"><table class="ev-table" data-table="pairs"><caption>What each pupil said '
            'before and after</caption><thead><tr><th scope="col">pupil</th><th scope="col">before</th>'
            f'<th scope="col">after</th></tr></thead><tbody>{rows}</tbody></table></div>{links}</div>')


def build_sections(bundle: Bundle, index: QuoteIndex, code: str, *, live: bool) -> list[Section]:
    from .charts import wave_bars

    change = wave_prevalence(index)
    name = bundle.code_names().get(code, "every theme") if code else "every theme"
    if change.empty:
        waves = Section("How the pupils raising each theme changed between waves", "", empty=NO_WAVES, name="waves")
    else:
        totals = change.attrs.get("pupils", {})
        waves = Section(
            "How the pupils raising each theme changed between waves",
            f"Share of pupils who raised each theme, before ({totals.get('before', 0)} pupils quoted) and after "
            f"({totals.get('after', 0)} pupils quoted). The change is in percentage points with its 95% interval; "
            f"an interval that spans 0 means the change could be chance. With fewer than {MIN_PUPILS} pupils in a "
            "wave the table says it cannot tell.",
            figure=wave_bars(change, title="Share of pupils raising each theme", live=live),
            table=change_table(change), name="waves",
            table_caption="Pupils raising each theme before and after, with the change and its 95% interval")
    pairs = Section(f"Before and after, in pupils' words: {name}",
                    "Each row is one pupil and one theme: what they said on it before, and after.",
                    extra_html=pairs_html(bundle, code), name="pairs")
    return [waves, pairs]


def dashboard(project: str | None = None) -> Any:
    import ipywidgets as widgets

    from .bundle import load_bundle
    from .filters import build_index
    from .layout import STYLE, section_widget

    bundle = load_bundle(project)
    index = build_index(bundle)
    present = set(bundle.voice_pairs["code"])
    themes = [c for c in index.codes if any(d in present for d in index.descendants[c])]
    picker = widgets.Dropdown(options=[("every theme", "")] + [
        (("\u2003" if index.levels[index.codes.index(c)] else "") + index.names[c], c) for c in themes], description="Theme",
        layout=widgets.Layout(width="26em"))
    picker.add_class("ev-filter-code")
    sections = build_sections(bundle, index, "", live=True)
    shown = [section_widget(s) for s in sections]

    def refresh(*_: Any) -> None:
        sections[1].widgets["extra"].value = pairs_html(bundle, picker.value or "")

    picker.observe(refresh, names="value")
    return widgets.VBox([widgets.HTML(STYLE + f"<p class='ev-note'>{INTRO}</p>"), picker, *shown])


def static_sections(bundle: Bundle, index: QuoteIndex) -> list[Section]:
    return build_sections(bundle, index, "", live=False)
