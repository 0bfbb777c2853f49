"""Themes against outcomes: do pupils who raise a theme do better? Which schools raise it most?

``theme_outcomes`` compares, for each code, the outcome (e.g. ``gain``) of the pupils who raised it
with the pupils who gave quotes but did not raise it. Pupils without quotes are left out: we cannot
tell whether they would have raised it. The interval is Welch's t interval for a difference of means
(statsmodels ``CompareMeans.tconfint_diff(usevar="unequal")``), and ``g`` is Hedges' g of the two
groups (see :mod:`evidence.mixed.effects`). With fewer than ``small_n`` pupils on either side the
row says so in ``note``: with numbers that small a difference is a lead to follow, not a finding.

``theme_by_school`` puts the share of each school's cases raising a code next to the school's
Progress 8 figures (with their DfE status codes, so a suppressed P8 is visibly suppressed).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evidence.core.errors import NotEnoughDataError
from evidence.mixed.effects import hedges_g

OUTCOME_COLUMNS = ["code", "outcome", "n_with", "mean_with", "n_without", "mean_without", "difference",
                   "ci_low", "ci_high", "g", "note"]


def case_outcomes(
    outcomes: pd.DataFrame, case_to_id: dict[str, str], *, id_column: str = "pupil_id", outcome: str = "gain",
) -> pd.DataFrame:
    """A frame of case, outcome for the linked cases (from ``LinkReport.mapping("pupil")``)."""
    values = dict(zip(outcomes[id_column].astype(str), outcomes[outcome]))
    rows = [(case, values.get(target, np.nan)) for case, target in case_to_id.items()]
    return pd.DataFrame(rows, columns=["case", outcome])


def _welch_interval(a: np.ndarray, b: np.ndarray, confidence: float) -> tuple[float, float]:
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

    if a.size < 2 or b.size < 2 or (a.std() == 0 and b.std() == 0):
        return math.nan, math.nan
    low, high = CompareMeans(DescrStatsW(a), DescrStatsW(b)).tconfint_diff(alpha=1 - confidence, usevar="unequal")
    return float(low), float(high)


def theme_outcomes(
    case_codes: pd.DataFrame, outcomes: pd.DataFrame, *, outcome: str = "gain", small_n: int = 10,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per code: outcome of cases raising it vs cases not raising it (n, means, difference, CI, g).

    ``case_codes`` is the long table of :func:`~evidence.mixed.quantitise.case_by_code`;
    ``outcomes`` has columns ``case`` and ``outcome`` (see :func:`case_outcomes`).
    """
    present = case_codes.groupby(["case", "code"])["presence"].max().reset_index()
    joined = present.merge(outcomes[["case", outcome]], on="case", how="inner")
    joined = joined[joined[outcome].notna()]
    rows = []
    for code, part in joined.groupby("code", sort=True):
        with_ = part.loc[part["presence"] > 0, outcome].to_numpy(dtype=float)
        without = part.loc[part["presence"] == 0, outcome].to_numpy(dtype=float)
        low, high = _welch_interval(with_, without, confidence)
        notes = []
        try:
            g = hedges_g(with_, without, comparison=f"{code}: raised vs not").g
        except NotEnoughDataError as error:
            g = math.nan
            notes.append(str(error))
        if min(with_.size, without.size) < small_n:
            notes.append(f"small numbers ({with_.size} raising it, {without.size} not): a lead to follow, not a finding")
        rows.append({
            "code": code, "outcome": outcome, "n_with": int(with_.size),
            "mean_with": float(with_.mean()) if with_.size else math.nan, "n_without": int(without.size),
            "mean_without": float(without.mean()) if without.size else math.nan,
            "difference": float(with_.mean() - without.mean()) if with_.size and without.size else math.nan,
            "ci_low": low, "ci_high": high, "g": g, "note": "; ".join(notes),
        })
    return pd.DataFrame(rows, columns=OUTCOME_COLUMNS)


def theme_by_school(
    case_codes: pd.DataFrame, case_to_urn: dict[str, str], schools: pd.DataFrame | None = None,
    *, measures: tuple[str, ...] = ("P8MEA", "P8CILOW", "P8CIUPP"),
) -> pd.DataFrame:
    """Per school (URN) and code: cases, cases raising it, prevalence, and the school's figures.

    ``schools`` is a school table with ``urn`` (e.g. ``OutcomeTable.with_status([...])`` of a KS4
    table, which brings ``<measure>__status`` columns along).
    """
    present = case_codes.groupby(["case", "code"])["presence"].max().reset_index()
    present["urn"] = present["case"].map(case_to_urn)
    present = present[present["urn"].notna()]
    table = present.groupby(["urn", "code"]).agg(cases=("case", "nunique"), raising=("presence", "sum")).reset_index()
    table["prevalence"] = table["raising"] / table["cases"]
    if schools is not None:
        wanted = ["urn"] + [c for c in ("school",) if c in schools]
        for measure in measures:
            wanted += [c for c in (measure, f"{measure}__status") if c in schools]
        table = table.merge(schools[wanted].drop_duplicates("urn"), on="urn", how="left")
        front = ["urn"] + (["school"] if "school" in table else [])
        table = table[front + [c for c in table.columns if c not in front]]
    return table.sort_values(["code", "urn"]).reset_index(drop=True)
