"""Dashboard 3, pupil voice: what pupils said before and after, theme by theme, and how often each theme
came up in each wave."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from .bundle import Bundle
from .filters import QuoteIndex
from .layout import Section

TITLE = "Pupil voice"
INTRO = ("What pupils said before the partnership's work and after it. Pick a theme to read the same pupils' "
         "words side by side. The chart shows how often each theme came up in each wave. Pupils are shown by "
         "their pseudonymous ids.")
PAIRS_SHOWN = 30
CHANGE_WORDS = {"appeared": "only after", "vanished": "only before", "kept": "both before and after"}


def wave_prevalence(index: QuoteIndex) -> pd.DataFrame:
    """Per sub-theme: pupils' quotes carrying it in each wave, as counts and shares of that wave's quotes."""
    units = index.units
    quotes = (units["kind"] == "quote").to_numpy()
    rows = []
    totals = {w: int((quotes & (units["wave"] == w).to_numpy()).sum()) for w in ("before", "after")}
    for j, code in enumerate(index.codes):
        if "." not in code:
            continue
        row: dict[str, Any] = {"theme": index.names[code], "code": code}
        for wave in ("before", "after"):
            in_wave = quotes & (units["wave"] == wave).to_numpy()
            count = int((in_wave & index.matrix[:, j]).sum())
            row[f"quotes_{wave}"] = count
            row[f"share_{wave}"] = round(count / totals[wave], 3) if totals[wave] else 0.0
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["theme", "code", "quotes_before", "share_before", "quotes_after",
                                        "share_after"])
    frame = frame[(frame["quotes_before"] + frame["quotes_after"]) > 0]
    frame["change"] = (frame["share_after"] - frame["share_before"]).round(3)
    return frame.sort_values(["change", "theme"], ascending=[False, True]).reset_index(drop=True)


def pairs_for(bundle: Bundle, code: str) -> pd.DataFrame:
    """Before/after pairs of one theme (its sub-themes included), appeared first, then kept, then vanished."""
    wanted = set(bundle.descendants(code)) if code else set(bundle.voice_pairs["code"])
    pairs = bundle.voice_pairs[bundle.voice_pairs["code"].isin(wanted)].copy()
    order = {"appeared": 0, "kept": 1, "vanished": 2}
    pairs["_order"] = pairs["change"].map(order).fillna(3)
    return pairs.sort_values(["_order", "pupil", "code"]).drop(columns="_order").reset_index(drop=True)


def pairs_html(bundle: Bundle, code: str, limit: int = PAIRS_SHOWN) -> str:
    """The pairs of a theme as a two-column list, with how many pupils each change concerns."""
    pairs = pairs_for(bundle, code)
    names = bundle.code_names()
    counts = pairs.groupby("change")["pupil"].nunique()
    summary = "; ".join(f"{int(counts.get(k, 0))} pupils raised it {v}" for k, v in CHANGE_WORDS.items())
    rows = "".join(
        f'<tr data-pupil="{html.escape(r.pupil)}" data-change="{html.escape(r.change)}">'
        f"<td>{html.escape(r.pupil)}<br><small>{html.escape(names.get(r.code, r.code))}</small></td>"
        f"<td>{html.escape(r.before_text) or '<em>(not raised)</em>'}</td>"
        f"<td>{html.escape(r.after_text) or '<em>(not raised)</em>'}</td></tr>"
        for r in pairs.head(limit).itertuples(index=False)
    )
    return (f'<div class="ev-pairs"><p class="ev-count" data-count="{len(pairs)}" data-shown="{min(limit, len(pairs))}">'
            f"Showing {min(limit, len(pairs))} of {len(pairs)} before/after pairs. {html.escape(summary)}.</p>"
            '<table class="ev-table" data-table="pairs"><thead><tr><th>pupil</th><th>before</th><th>after</th>'
            f"</tr></thead><tbody>{rows}</tbody></table></div>")


def build_sections(bundle: Bundle, index: QuoteIndex, code: str, *, live: bool) -> list[Section]:
    from .charts import wave_bars

    change = wave_prevalence(index)
    table = change.assign(before=change["share_before"], after=change["share_after"])[
        ["theme", "quotes_before", "before", "quotes_after", "after", "change"]]
    name = bundle.code_names().get(code, "every theme") if code else "every theme"
    return [
        Section("How theme prevalence changed between waves",
                "Share of pupils' quotes that carry each theme, before and after. Themes that grew most come first.",
                figure=wave_bars(change, title="Share of pupils' quotes per theme", live=live),
                table=table.rename(columns={"quotes_before": "quotes before", "quotes_after": "quotes after"}),
                name="waves"),
        Section(f"Before and after, in pupils' words: {name}",
                "Each row is one pupil: what they said on this theme before, and after.",
                extra_html=pairs_html(bundle, code), name="pairs"),
    ]


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
        (("\u2003" if "." in c else "") + index.names[c], c) for c in themes], description="Theme",
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
