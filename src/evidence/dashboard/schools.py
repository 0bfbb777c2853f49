"""School results (DfE key stage 4: Progress 8, Attainment 8) beside what was said at each school.

The bundle's ``schools`` table holds the DfE measures as numbers with each measure's status code beside it
(``P8MEA__status`` = ``SUPP``, ``NE``, ... see :data:`evidence.mixed.tables.STATUS_CODES`); a measure the DfE
did not publish is shown as such ("suppressed (SUPP)"), never as a blank or a zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evidence.mixed.tables import STATUS_CODES

from .bundle import Bundle
from .filters import QuoteIndex

MEASURES = {"P8MEA": "Progress 8", "ATT8SCR": "Attainment 8", "TPUP": "pupils at the end of KS4"}
TOP_THEMES = 3


def has_school_results(bundle: Bundle) -> bool:
    columns = set(bundle.schools.columns)
    return bool(len(bundle.schools)) and "school" in columns and bool(columns & set(MEASURES))


def measure_text(row: pd.Series, column: str, digits: int = 2) -> str:
    """A measure as a reader sees it: the number, or why the DfE did not publish one."""
    value = pd.to_numeric(pd.Series([row.get(column)]), errors="coerce").iloc[0]
    if pd.notna(value):
        return f"{value:.0f}" if column == "TPUP" else f"{value:.{digits}f}"
    code = str(row.get(f"{column}__status") or "").strip()
    if code:
        meaning = STATUS_CODES.get(code, STATUS_CODES.get(code.upper(), "")).split(":")[0]
        return f"{meaning or 'not published'} ({code})"
    return "not given"


def progress_interval(row: pd.Series) -> str:
    low = pd.to_numeric(pd.Series([row.get("P8CILOW")]), errors="coerce").iloc[0]
    high = pd.to_numeric(pd.Series([row.get("P8CIUPP")]), errors="coerce").iloc[0]
    if pd.notna(low) and pd.notna(high):
        return f"{low:.2f} to {high:.2f}"
    code = str(row.get("P8CILOW__status") or row.get("P8CIUPP__status") or "").strip()
    return measure_text(row, "P8CILOW") if code else ""


def school_themes(index: QuoteIndex, school: str, n: int = TOP_THEMES) -> tuple[int, str]:
    """How many quotes and contributions come from ``school``, and its most raised sub-themes with counts."""
    mask = index.columns["school"] == school
    counts = index.matrix[mask].sum(axis=0)
    depth = index.levels if index.levels is not None else np.zeros(len(index.codes), dtype=int)
    level = 1 if (depth == 1).any() else 0
    order = [j for j in np.argsort(-counts, kind="stable") if depth[j] == level and counts[j] > 0][:n]
    return int(mask.sum()), "; ".join(f"{index.names[index.codes[j]]} ({int(counts[j])})" for j in order)


def school_results(bundle: Bundle, index: QuoteIndex, school: str = "") -> pd.DataFrame:
    """One row per school with results: Progress 8 and its interval, Attainment 8, pupils, and its themes."""
    columns = ["school", "Progress 8", "Progress 8 95% interval", "Attainment 8", "pupils at the end of KS4",
               "quotes and contributions", "most raised themes (quotes)"]
    if not has_school_results(bundle):
        return pd.DataFrame(columns=columns)
    rows = []
    schools = bundle.schools.copy()
    schools["school"] = schools["school"].fillna("").astype(str)
    if school:
        schools = schools[schools["school"] == school]
    for _, row in schools.sort_values("school").iterrows():
        quotes, themes = school_themes(index, row["school"])
        rows.append({
            "school": row["school"] or f"URN {row.get('urn', '')}",
            "Progress 8": measure_text(row, "P8MEA"),
            "Progress 8 95% interval": progress_interval(row),
            "Attainment 8": measure_text(row, "ATT8SCR", 1),
            "pupils at the end of KS4": measure_text(row, "TPUP"),
            "quotes and contributions": quotes,
            "most raised themes (quotes)": themes or "none coded",
        })
    return pd.DataFrame(rows, columns=columns)


SCHOOLS_NOTE = ("Progress 8 compares pupils' results at 16 with those of pupils nationally who started from the "
                "same point: 0 is the national average, +0.5 means half a grade better in each subject. A "
                "school's results describe all its pupils, not only those the partnership reached. Where the "
                "DfE did not publish a figure the table says why (for example suppressed: too few pupils).")
NO_SCHOOLS = ("No school results (DfE key stage 4 table) in this analysis. Put the DfE KS4 download in the "
              "corpus's quant/ folder and run the analysis again to see Progress 8 and Attainment 8 here.")
