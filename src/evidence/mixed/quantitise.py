"""Quantitise codes: a case-by-code table (presence, count, share of the case's segments).

Counting rules
    - the units are segments of ``kinds`` (quotes, turns, paragraphs by default); a coding on a
      sentence counts for the turn or paragraph it belongs to (its ``parent``);
    - which codings count is :mod:`evidence.mixed.units`' rule (accepted codings; ``statuses``
      overrides it only when a researcher asks for suggestions too);
    - ``count`` is the number of the case's units carrying the code (a unit coded twice, by two
      coders or two spans, counts once); ``presence`` is 1 when count > 0; ``share`` is count
      divided by ``units``, the number of the case's units;
    - the long table has a row for *every* case and code, zeros included, so R/SPSS users get
      explicit zeros.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from evidence.core.errors import InputError
from evidence.mixed.units import EVIDENCE_STATUSES, evidence_codings
from evidence.core.model import UNIT_KINDS
from evidence.core.safety import spreadsheet_safe

MEASURES = ("presence", "count", "share")


def coded_units(
    segments: pd.DataFrame, codings: pd.DataFrame, *, kinds: tuple[str, ...] = UNIT_KINDS,
    statuses: tuple[str, ...] | None = EVIDENCE_STATUSES,
) -> pd.DataFrame:
    """Codings joined to their unit: one row per coding with unit, case, wave, kind, text and code.

    ``statuses=None`` keeps every status; otherwise only those statuses count (see :mod:`evidence.mixed.units`).
    """
    units = segments[segments["kind"].isin(kinds)]
    every = tuple(codings["status"].unique()) if "status" in codings else None
    chosen = evidence_codings(segments, codings, kinds=kinds, statuses=every if statuses is None else statuses)
    info = units[["id", "case", "wave", "kind", "text", "source"]].rename(columns={"id": "unit"})
    return chosen.merge(info, on="unit", how="inner")


def case_by_code(
    segments: pd.DataFrame, codings: pd.DataFrame, *, by: tuple[str, ...] = ("case",),
    kinds: tuple[str, ...] = UNIT_KINDS, statuses: tuple[str, ...] | None = EVIDENCE_STATUSES,
    codes: list[str] | None = None,
) -> pd.DataFrame:
    """The long case-by-code table: columns ``*by``, code, count, presence, units, share.

    ``by`` names the case columns of ``segments`` (``("case",)``, or ``("case", "wave")`` to keep
    a pupil's before and after apart). Units with an empty case are left out.
    """
    by = tuple(by)
    units = segments[segments["kind"].isin(kinds)].copy()
    units = units[units["case"].astype(str).str.strip().ne("")]
    totals = units.groupby(list(by)).size().rename("units").reset_index()
    if len(codings):
        coded = coded_units(segments, codings, kinds=kinds, statuses=statuses)[["unit", "code"]]
        coded = coded.merge(units[["id", *by]].rename(columns={"id": "unit"}), on="unit", how="inner")
    else:
        coded = pd.DataFrame(columns=["unit", "code", *by])
    counts = coded.drop_duplicates(["unit", "code"]).groupby([*by, "code"]).size().rename("count").reset_index()
    all_codes = sorted(set(codes if codes is not None else counts["code"]))
    grid = totals.merge(pd.DataFrame({"code": all_codes}), how="cross")
    table = grid.merge(counts, on=[*by, "code"], how="left")
    table["count"] = table["count"].fillna(0).astype(int)
    table["presence"] = (table["count"] > 0).astype(int)
    table["share"] = table["count"] / table["units"]
    return table[[*by, "code", "count", "presence", "units", "share"]].sort_values([*by, "code"]).reset_index(drop=True)


def case_by_code_wide(long: pd.DataFrame, measure: str = "presence", *, by: tuple[str, ...] = ("case",)) -> pd.DataFrame:
    """One row per case, one column per code, holding ``measure`` (presence, count or share)."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    wide = long.pivot_table(index=list(by), columns="code", values=measure, aggfunc="first", fill_value=0)
    wide.columns.name = None
    units = long.drop_duplicates(list(by)).set_index(list(by))["units"]
    wide.insert(0, "units", units.reindex(wide.index))
    return wide.reset_index()


def write_case_by_code(long: pd.DataFrame, path: str | Path, *, layout: str = "wide", measure: str = "count",
                       by: tuple[str, ...] = ("case",)) -> Path:
    """Write the table: ``.xlsx`` gets sheets presence, count, share and long; ``.csv`` gets the
    ``wide`` table of ``measure`` or, with ``layout="long"``, the tidy long table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name in MEASURES:
                spreadsheet_safe(case_by_code_wide(long, name, by=by)).to_excel(writer, sheet_name=name,
                                                                                index=False)
            spreadsheet_safe(long).to_excel(writer, sheet_name="long", index=False)
    elif suffix == ".csv":
        table = long if layout == "long" else case_by_code_wide(long, measure, by=by)
        spreadsheet_safe(table).to_csv(path, index=False)
    else:
        raise InputError(str(path), f"cannot write a case-by-code table as '{suffix}'", hint="use .csv or .xlsx")
    return path
