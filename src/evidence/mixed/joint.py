"""The joint display: one row per theme with its frequency, its strongest quotes and its numbers.

Columns of :func:`joint_display`
    code, name; ``units`` (coded units), ``cases`` (distinct cases raising it); ``units_before`` /
    ``units_after`` (by wave); ``cases_<group>`` (distinct cases raising it in each group, e.g.
    tutored / comparison, when a case -> group map is given); ``quotes`` (the strongest quotes, one
    per line) and ``quote_units`` (their segment ids); then the outcome columns of
    :func:`~evidence.mixed.theme_outcomes.theme_outcomes` when given (n_with, mean_with, ...).

Strongest quotes
    Accepted human codings first, then other accepted codings by machine confidence (highest first),
    then suggestions; ties by unit id, so the choice is reproducible. The text is shown exactly as
    stored: the store holds pseudonymised text, so no real name reaches the display.
"""

from __future__ import annotations

import pandas as pd

from evidence.mixed.quantitise import coded_units
from evidence.mixed.units import EVIDENCE_STATUSES
from evidence.core.model import UNIT_KINDS


def strongest_quotes(coded: pd.DataFrame, per_code: int = 3) -> pd.DataFrame:
    """The ``per_code`` best units of each code (see module docstring for the order)."""
    ranked = coded.copy()
    ranked["_human"] = ~((ranked["origin"] == "human") & (ranked["status"] == "accepted"))
    ranked["_accepted"] = ranked["status"] != "accepted"
    ranked["_confidence"] = -pd.to_numeric(ranked["confidence"], errors="coerce").fillna(-1.0)
    ranked = ranked.sort_values(["code", "_human", "_accepted", "_confidence", "unit"])
    ranked = ranked.drop_duplicates(["code", "unit"])
    return ranked.groupby("code", sort=True).head(per_code).drop(columns=["_human", "_accepted", "_confidence"])


def _quote_line(row: pd.Series) -> str:
    who = ", ".join(str(x) for x in (row["case"], row["wave"]) if str(x).strip())
    return f"\u201c{row['text']}\u201d" + (f" ({who})" if who else "")


def joint_display(
    segments: pd.DataFrame, codings: pd.DataFrame, *, codes: pd.DataFrame | None = None,
    groups: dict[str, str] | None = None, outcomes: pd.DataFrame | None = None, quotes_per_theme: int = 3,
    kinds: tuple[str, ...] = UNIT_KINDS, statuses: tuple[str, ...] | None = EVIDENCE_STATUSES,
) -> pd.DataFrame:
    """Build the joint display as a DataFrame (see module docstring for its columns).

    ``codes`` (id, name) gives theme names and the row order; ``groups`` maps case -> group;
    ``outcomes`` is a :func:`theme_outcomes` frame joined on code.
    """
    coded = coded_units(segments, codings, kinds=kinds, statuses=statuses)
    distinct = coded.drop_duplicates(["code", "unit"])
    table = distinct.groupby("code").agg(units=("unit", "nunique")).reset_index()
    cases = distinct[distinct["case"].astype(str).str.strip().ne("")]
    table = table.merge(cases.groupby("code")["case"].nunique().rename("cases").reset_index(), on="code", how="left")
    for wave in ("before", "after"):
        counts = distinct[distinct["wave"] == wave].groupby("code")["unit"].nunique().rename(f"units_{wave}")
        table = table.merge(counts.reset_index(), on="code", how="left")
    if groups:
        grouped = cases.assign(group=cases["case"].map(groups)).dropna(subset=["group"])
        for group in sorted(set(groups.values())):
            counts = grouped[grouped["group"] == group].groupby("code")["case"].nunique().rename(f"cases_{group}")
            table = table.merge(counts.reset_index(), on="code", how="left")
    count_columns = [c for c in table.columns if c != "code"]
    table[count_columns] = table[count_columns].fillna(0).astype(int)

    best = strongest_quotes(coded, quotes_per_theme)
    quotes = (best.groupby("code").apply(lambda g: "\n".join(_quote_line(r) for _, r in g.iterrows()),
                                         include_groups=False) if len(best)
              else pd.Series(dtype=object, index=pd.Index([], name="code"))).rename("quotes")
    units = best.groupby("code")["unit"].apply(list).rename("quote_units")
    table = table.merge(quotes.reset_index(), on="code", how="left").merge(units.reset_index(), on="code", how="left")

    if codes is not None and len(codes):
        names = codes[["id", "name"]].rename(columns={"id": "code"})
        table = names.merge(table, on="code", how="right")
        order = {code: i for i, code in enumerate(codes["id"])}
        table = table.sort_values("code", key=lambda s: s.map(order).fillna(len(order))).reset_index(drop=True)
    else:
        table.insert(1, "name", table["code"])
    if outcomes is not None and len(outcomes):
        table = table.merge(outcomes.drop(columns=[c for c in ("outcome",) if c in outcomes]), on="code", how="left")
    return table.reset_index(drop=True)


def joint_display_html(table: pd.DataFrame, *, caption: str = "Themes beside the numbers") -> str:
    """The joint display as a styled HTML table (pandas Styler); quote text is HTML-escaped."""
    shown = table.drop(columns=[c for c in ("quote_units",) if c in table])
    numbers = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c])]
    counts = [c for c in shown.columns if pd.api.types.is_integer_dtype(shown[c])]
    styler = (
        shown.style.hide(axis="index")
        .format(precision=2, na_rep="", subset=numbers)
        .format(escape="html", na_rep="", subset=[c for c in shown.columns if c not in numbers + counts])
        .set_caption(caption)
        .set_table_styles([
            {"selector": "", "props": "border-collapse: collapse; font-family: sans-serif; font-size: 0.9em;"},
            {"selector": "th", "props": "background: #f0f0f0; text-align: left; padding: 4px 8px;"},
            {"selector": "td", "props": "padding: 4px 8px; vertical-align: top; border-top: 1px solid #ddd;"},
            {"selector": "caption", "props": "caption-side: top; font-weight: bold; text-align: left;"},
        ])
    )
    if "quotes" in shown:
        styler = styler.set_properties(subset=["quotes"], **{"white-space": "pre-line", "max-width": "32em"})
    if "units" in shown and len(shown):
        styler = styler.bar(subset=["units"], color="#c6dbef", vmin=0)
    if "g" in shown:
        styler = styler.map(_effect_colour, subset=["g"])
    return styler.to_html()


def _effect_colour(value: object) -> str:
    """Green for a positive effect, red for a negative one, paler the nearer it is to zero."""
    if not isinstance(value, (int, float)) or value != value:
        return ""
    strength = min(abs(float(value)), 1.0)
    colour = "0, 128, 0" if value > 0 else "200, 0, 0"
    return f"background-color: rgba({colour}, {0.1 + 0.4 * strength:.2f});"
