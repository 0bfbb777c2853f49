"""Effect sizes for tutoring outcomes: Hedges' g with a 95% interval, and the EEF months' conversion.

Formulas (Borenstein, Hedges, Higgins & Rothstein 2009, *Introduction to Meta-Analysis*, ch. 4):

Two independent groups (tutored vs comparison, usually on gains = post - pre)
    S_within = sqrt(((n1-1) s1^2 + (n2-1) s2^2) / (n1 + n2 - 2))
    d = (mean1 - mean2) / S_within
    V_d = (n1 + n2) / (n1 n2) + d^2 / (2 (n1 + n2))
    J = 1 - 3 / (4 df - 1), df = n1 + n2 - 2          (Hedges' small-sample correction)
    g = J d,  V_g = J^2 V_d,  95% CI = g -+ 1.96 sqrt(V_g)

One group measured twice (pre/post of the same pupils)
    We report d_rm ("repeated measures", Morris & DeShon 2002; Borenstein's "matched groups"):
    the mean change divided by the *within-wave* standard deviation, recovered from the SD of the
    changes and the pre/post correlation r:
        S_within = S_diff / sqrt(2 (1 - r)),  d = mean_diff / S_within
        V_d = (1/n + d^2 / (2 n)) * 2 (1 - r),  J = 1 - 3 / (4 (n - 1) - 1),  g = J d,  V_g = J^2 V_d
    Why d_rm and not d_z (= mean_diff / S_diff): d_z depends on how strongly pre and post correlate,
    so it is not on the scale of a between-groups effect and would overstate the EEF months (with
    r = 0.8, d_z is 1.58 times d_rm). d_rm is on the within-wave SD scale, like the toolkit's effect
    sizes; Lakens (2013, Front. Psychol. 4:863) recommends d_av or d_rm for that reason. d_av
    (mean_diff / mean of the two SDs) equals d_rm when the two SDs are equal; we chose d_rm because
    its variance has a published closed form with a worked example. d_z is reported alongside.

The intervals are the normal approximation used in meta-analysis (g -+ z * SE). They are checked in
tests/test_mixed_effects.py against Borenstein's worked examples and statsmodels'
``effectsize_smd`` (same g; statsmodels uses the Hedges-Olkin variance, which differs by <1%).

EEF months
    The Education Endowment Foundation's Teaching and Learning Toolkit table "Months' progress /
    Effect size", from educationendowmentfoundation.org.uk/evidence-summaries/about-the-toolkits/
    attainment/ (checked November 2025). Effect sizes are rounded to 2 decimal places first (the
    table's note i); negative effect sizes take the same number of months, negative (note ii).
    Effects above 1.00 are beyond the table: we give 12 months and say so in ``note``.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from evidence.core.errors import NotEnoughDataError

Z_95 = 1.959963984540054  # scipy.stats.norm.ppf(0.975)

# (months, lowest effect size, highest effect size, impact label) -- the EEF toolkit table.
EEF_MONTHS_TABLE: tuple[tuple[int, float, float, str], ...] = (
    (0, -0.01, 0.01, "Very low or no impact"),
    (1, 0.02, 0.09, "Low impact"),
    (2, 0.10, 0.18, "Low impact"),
    (3, 0.19, 0.26, "Moderate impact"),
    (4, 0.27, 0.35, "Moderate impact"),
    (5, 0.36, 0.44, "Moderate impact"),
    (6, 0.45, 0.52, "High impact"),
    (7, 0.53, 0.61, "High impact"),
    (8, 0.62, 0.69, "High impact"),
    (9, 0.70, 0.78, "Very high impact"),
    (10, 0.79, 0.87, "Very high impact"),
    (11, 0.88, 0.95, "Very high impact"),
    (12, 0.96, 1.00, "Very high impact"),
)
EEF_SOURCE = (
    "EEF Teaching and Learning Toolkit, 'Months' progress' table "
    "(educationendowmentfoundation.org.uk/evidence-summaries/about-the-toolkits/attainment/)"
)


@dataclass
class EffectSize:
    """One effect size with its interval and the EEF reading of it.

    ``design`` is ``between`` (two independent groups) or ``paired`` (one group, pre/post).
    ``d`` is the uncorrected standardised difference, ``g`` the bias-corrected one; ``d_z`` is only
    set for paired designs (mean change / SD of changes).
    """

    design: str
    comparison: str
    n1: int
    n2: int
    mean1: float
    mean2: float
    difference: float
    d: float
    g: float
    se: float
    ci_low: float
    ci_high: float
    months: int | None
    impact: str
    note: str = ""
    d_z: float | None = None
    r: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class EEFMonths:
    """An effect size read through the EEF toolkit table."""

    effect_size: float
    rounded: float
    months: int | None
    impact: str
    note: str = ""


def _round2(value: float) -> float:
    """Round to 2 decimal places, halves away from zero (0.015 -> 0.02, as a person would)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def eef_months(effect_size: float) -> EEFMonths:
    """Convert an effect size to the EEF's months of additional progress and impact label.

    Negative effects mirror the table (-0.30 is -4 months, "Moderate impact", note "negative").
    """
    if effect_size is None or not math.isfinite(effect_size):
        return EEFMonths(float("nan"), float("nan"), None, "", "no effect size")
    rounded = _round2(effect_size)
    size = abs(rounded)
    sign = -1 if rounded < 0 else 1
    note = "negative: less progress than the comparison" if rounded <= -0.02 else ""
    if size > 1.00:
        extra = "beyond the EEF table (> 1.00); shown as 12 months"
        return EEFMonths(effect_size, rounded, 12 * sign, "Very high impact",
                         f"{note}; {extra}" if note else extra)
    for months, _low, high, label in EEF_MONTHS_TABLE:  # bands are contiguous at 2 d.p.
        if size <= high:
            return EEFMonths(effect_size, rounded, months * sign if months else 0, label, note)
    raise AssertionError(f"EEF table has a gap at {rounded}")  # pragma: no cover


def hedges_correction(df: float) -> float:
    """Hedges' small-sample correction J = 1 - 3 / (4 df - 1)."""
    return 1.0 - 3.0 / (4.0 * df - 1.0)


def hedges_g_from_summary(
    mean1: float, sd1: float, n1: int, mean2: float, sd2: float, n2: int,
    *, comparison: str = "group 1 vs group 2", confidence: float = 0.95,
) -> EffectSize:
    """Hedges' g for two independent groups from their means, SDs and sizes (Borenstein ch. 4)."""
    if n1 < 2 or n2 < 2:
        raise NotEnoughDataError(
            f"{comparison}: Hedges' g needs at least 2 pupils per group (have {n1} and {n2})"
        )
    df = n1 + n2 - 2
    s_within = math.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / df)
    if s_within == 0:
        raise NotEnoughDataError(f"{comparison}: every score is the same, so there is no spread to scale by")
    d = (mean1 - mean2) / s_within
    var_d = (n1 + n2) / (n1 * n2) + d**2 / (2 * (n1 + n2))
    j = hedges_correction(df)
    return _finish("between", comparison, n1, n2, mean1, mean2, d, j, var_d, confidence)


def paired_g_from_summary(
    mean_pre: float, mean_post: float, sd_diff: float, n: int, r: float,
    *, comparison: str = "post vs pre", confidence: float = 0.95, sd_pre: float | None = None,
    sd_post: float | None = None,
) -> EffectSize:
    """Hedges' g_rm for one group measured twice, from the mean change, SD of changes and r.

    See the module docstring for why d_rm (within-wave SD) is used rather than d_z.
    """
    if n < 3:
        raise NotEnoughDataError(f"{comparison}: a pre/post effect size needs at least 3 pupils (have {n})")
    if sd_diff == 0:
        raise NotEnoughDataError(f"{comparison}: every pupil changed by the same amount; no spread to scale by")
    if not -1.0 < r < 1.0:
        raise NotEnoughDataError(f"{comparison}: pre/post correlation is {r:.3f}; need -1 < r < 1")
    diff = mean_post - mean_pre
    s_within = sd_diff / math.sqrt(2 * (1 - r))
    d = diff / s_within
    var_d = (1 / n + d**2 / (2 * n)) * 2 * (1 - r)
    j = hedges_correction(n - 1)
    effect = _finish("paired", comparison, n, n, mean_post, mean_pre, d, j, var_d, confidence)
    effect.d_z = diff / sd_diff
    effect.r = r
    return effect


def _finish(design, comparison, n1, n2, mean1, mean2, d, j, var_d, confidence) -> EffectSize:
    if confidence == 0.95:
        z = Z_95
    else:
        from scipy.stats import norm

        z = float(norm.ppf(0.5 + confidence / 2))
    g = j * d
    se = math.sqrt(j**2 * var_d)
    eef = eef_months(g)
    note = eef.note
    small = min(n1, n2)
    if small < 10:
        note = "; ".join(x for x in (note, f"small group (n = {small}): the interval is wide; read with care") if x)
    return EffectSize(
        design=design, comparison=comparison, n1=int(n1), n2=int(n2), mean1=float(mean1),
        mean2=float(mean2), difference=float(mean1 - mean2), d=float(d), g=float(g), se=se,
        ci_low=g - z * se, ci_high=g + z * se, months=eef.months, impact=eef.impact, note=note,
    )


def _clean(values: pd.Series | np.ndarray | list) -> np.ndarray:
    array = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    return array[np.isfinite(array)]


def hedges_g(
    group1: pd.Series | np.ndarray | list, group2: pd.Series | np.ndarray | list,
    *, comparison: str = "group 1 vs group 2", confidence: float = 0.95,
) -> EffectSize:
    """Hedges' g of ``group1`` minus ``group2`` from raw scores (missing values are dropped)."""
    a, b = _clean(group1), _clean(group2)
    return hedges_g_from_summary(
        float(a.mean()) if a.size else float("nan"), float(a.std(ddof=1)) if a.size > 1 else 0.0, a.size,
        float(b.mean()) if b.size else float("nan"), float(b.std(ddof=1)) if b.size > 1 else 0.0, b.size,
        comparison=comparison, confidence=confidence,
    )


def paired_g(
    pre: pd.Series | np.ndarray | list, post: pd.Series | np.ndarray | list,
    *, comparison: str = "post vs pre", confidence: float = 0.95,
) -> EffectSize:
    """Hedges' g_rm of post minus pre for the same pupils (pairs with a missing score are dropped)."""
    pair = pd.DataFrame({"pre": pd.to_numeric(pd.Series(pre), errors="coerce").to_numpy(),
                         "post": pd.to_numeric(pd.Series(post), errors="coerce").to_numpy()}).dropna()
    n = len(pair)
    if n < 3:
        raise NotEnoughDataError(f"{comparison}: a pre/post effect size needs at least 3 pupils with both scores (have {n})")
    change = pair["post"] - pair["pre"]
    r = float(np.corrcoef(pair["pre"], pair["post"])[0, 1]) if pair["pre"].std() > 0 and pair["post"].std() > 0 else 0.0
    return paired_g_from_summary(
        float(pair["pre"].mean()), float(pair["post"].mean()), float(change.std(ddof=1)), n, r,
        comparison=comparison, confidence=confidence,
    )


def tutoring_effects(
    pupils: pd.DataFrame, *, group_column: str = "group", treated: str = "tutored",
    control: str = "comparison", by: str | None = None,
) -> pd.DataFrame:
    """Effect sizes of a pupil outcomes table (columns pre_score, post_score, group).

    One row for tutored vs comparison gains (between), and one pre/post row per group (paired);
    with ``by`` (e.g. ``"disadvantaged"`` or ``"school"``) the same again within each subgroup.
    Comparisons that lack pupils are kept as a row with the reason in ``note``.
    """
    frames = [("all pupils", pupils)]
    if by is not None:
        frames += [(f"{by} = {key}", part) for key, part in pupils.groupby(by, dropna=True)]
    rows: list[dict] = []
    for subset, frame in frames:
        gain = frame["post_score"] - frame["pre_score"]
        jobs = [("between", f"{treated} vs {control} gains",
                 lambda f=frame, g=gain: hedges_g(g[f[group_column] == treated], g[f[group_column] == control],
                                                  comparison=f"{treated} vs {control} gains"))]
        for arm in (treated, control):
            part = frame[frame[group_column] == arm]
            jobs.append(("paired", f"{arm}: post vs pre",
                         lambda p=part, a=arm: paired_g(p["pre_score"], p["post_score"], comparison=f"{a}: post vs pre")))
        for design, comparison, job in jobs:
            try:
                row = job().as_dict()
            except NotEnoughDataError as error:
                row = {"design": design, "comparison": comparison, "note": str(error)}
            rows.append({"subset": subset, **row})
    columns = ["subset"] + list(EffectSize.__dataclass_fields__)
    return pd.DataFrame(rows).reindex(columns=columns)
