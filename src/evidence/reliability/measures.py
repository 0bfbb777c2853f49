"""Agreement measures on plain arrays: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha.

Each function is a thin, checked wrapper round a maintained implementation (scikit-learn's
``cohen_kappa_score``, statsmodels' ``cohens_kappa``/``fleiss_kappa``, the ``krippendorff``
package), so the numbers are the ones the statistics literature publishes (tests check them).

Undefined is not zero: when every rating falls in one category, chance agreement is 1 and kappa
(or alpha) is 0/0. Those functions then return ``NaN``; :func:`why_undefined` says why in words,
and the DataFrame-level functions in :mod:`evidence.reliability.codings` put that note in a column.

Shapes
    ``reliability matrix``: coders x units (rows are coders), ``NaN`` (or ``None``) for a unit a
    coder did not rate. This is the layout of Krippendorff (2011) and of the ``krippendorff`` package.
    ``ratings``: subjects x raters, the layout of Fleiss (1971) and statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Sequence

import numpy as np
import pandas as pd

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
Weights = Literal["linear", "quadratic"] | None


@dataclass(frozen=True)
class KappaEstimate:
    """Cohen's kappa of a contingency table with its asymptotic standard error and 95% interval."""

    kappa: float
    standard_error: float
    ci_low: float
    ci_high: float


def _is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _as_category_codes(matrix: Any, value_domain: Sequence[Any] | None) -> np.ndarray:
    """Float matrix of ranks into ``value_domain`` (or into the sorted observed labels), NaN = missing."""
    cells = np.asarray(matrix, dtype=object)
    if cells.ndim != 2:
        raise ValueError(f"expected a 2-D coders x units matrix, got {cells.ndim} dimension(s)")
    observed = {v for v in cells.ravel() if not _is_missing(v)}
    domain = list(value_domain) if value_domain is not None else sorted(observed, key=str)
    index = {value: rank for rank, value in enumerate(domain)}
    unknown = observed - set(index)
    if unknown:
        raise ValueError(
            f"value(s) {sorted(map(str, unknown))} are not in value_domain {domain}; "
            "add them to value_domain"
        )
    ranks = [[np.nan if _is_missing(v) else float(index[v]) for v in row] for row in cells]
    return np.asarray(ranks, dtype=float).reshape(cells.shape)


def reliability_array(matrix: Any, level: str = "nominal", value_domain: Sequence[Any] | None = None) -> np.ndarray:
    """A coders x units float array for :func:`krippendorff_alpha` (NaN = missing).

    Numbers stay numbers (their distances matter at interval and ratio level). Labels (strings)
    are allowed at nominal level, and at ordinal level when ``value_domain`` gives their order.
    """
    if level not in LEVELS:
        raise ValueError(f"level of measurement must be one of {LEVELS}, not {level!r}")
    if isinstance(matrix, pd.DataFrame):
        matrix = matrix.to_numpy(dtype=object)
    try:
        array = np.asarray(matrix, dtype=float)
    except (TypeError, ValueError):
        if level in ("interval", "ratio"):
            raise ValueError(f"{level} alpha needs numeric ratings; got labels") from None
        if level == "ordinal" and value_domain is None:
            raise ValueError("ordinal alpha on labels needs value_domain: the labels from lowest to highest")
        return _as_category_codes(matrix, value_domain)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D coders x units matrix, got {array.ndim} dimension(s)")
    return array


def why_undefined(matrix: Any) -> str:
    """Why agreement cannot be measured on a coders x units matrix, or "" when it can.

    Needs at least one unit rated by two coders, and at least two different values among the
    ratings of such units; otherwise expected disagreement is zero and kappa/alpha are 0/0.
    """
    array = reliability_array(matrix, "nominal")
    rated = ~np.isnan(array)
    pairable = rated.sum(axis=0) >= 2
    if not pairable.any():
        return "no unit was rated by two coders"
    values = np.unique(array[:, pairable][rated[:, pairable]])
    if len(values) < 2:
        return f"every rating is the same ({values[0]:g}), so chance agreement is 1 and the measure is 0/0"
    return ""


def percent_agreement(matrix: Any) -> float:
    """Share of units (rated by at least two coders) on which every coder who rated it agrees."""
    array = reliability_array(matrix, "nominal")
    rated = ~np.isnan(array)
    pairable = rated.sum(axis=0) >= 2
    if not pairable.any():
        return float("nan")
    columns = array[:, pairable]
    agree = np.nanmin(columns, axis=0) == np.nanmax(columns, axis=0)
    return float(np.mean(agree))


def krippendorff_alpha(
    matrix: Any, level: str = "nominal", value_domain: Sequence[Any] | None = None
) -> float:
    """Krippendorff's alpha of a coders x units matrix (NaN/None = missing), with the ``krippendorff`` package.

    ``level`` is the level of measurement: nominal (categories), ordinal (ranked ratings),
    interval or ratio (numeric ratings). Returns NaN when :func:`why_undefined` gives a reason.
    """
    import krippendorff

    array = reliability_array(matrix, level, value_domain)
    if why_undefined(array):
        return float("nan")
    return float(krippendorff.alpha(reliability_data=array, level_of_measurement=level))


def _check_pair(first: Sequence[Any], second: Sequence[Any]) -> tuple[pd.Series, pd.Series]:
    first, second = pd.Series(list(first)), pd.Series(list(second))
    if len(first) != len(second):
        raise ValueError(f"the two coders rated different numbers of units ({len(first)} and {len(second)})")
    if first.isna().any() or second.isna().any():
        raise ValueError("Cohen's kappa needs a rating from both coders on every unit; drop units with a missing rating")
    return first, second


def cohen_kappa(first: Sequence[Any], second: Sequence[Any], weights: Weights = None) -> float:
    """Cohen's kappa of two coders' ratings of the same units (scikit-learn ``cohen_kappa_score``).

    ``weights`` = "linear" or "quadratic" for ordered ratings (weights follow the rank of the
    sorted categories either coder used). NaN when both coders put every unit in one category.
    """
    from sklearn.metrics import cohen_kappa_score

    first, second = _check_pair(first, second)
    if len(first) == 0 or pd.concat([first, second]).nunique() < 2:
        return float("nan")
    return float(cohen_kappa_score(first.to_numpy(), second.to_numpy(), weights=weights))


def cohen_kappa_table(table: Any, weights: Weights = None) -> KappaEstimate:
    """Cohen's kappa from a coder-1 x coder-2 contingency table, with standard error and 95% interval.

    Uses statsmodels ``cohens_kappa`` (the SAS PROC FREQ formulas); ``weights`` as in :func:`cohen_kappa`,
    with category scores 0, 1, 2, ... in table order.
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    counts = np.asarray(table, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"a kappa table must be square (categories x categories), got shape {counts.shape}")
    total = counts.sum()
    expected = (counts.sum(axis=0) * counts.sum(axis=1)).sum() / total**2 if total else 1.0
    if np.isclose(expected, 1.0):
        nan = float("nan")
        return KappaEstimate(nan, nan, nan, nan)
    result = cohens_kappa(counts, wt=weights) if weights else cohens_kappa(counts)
    return KappaEstimate(
        float(result.kappa), float(result.std_kappa), float(result.kappa_low), float(result.kappa_upp)
    )


def _category_counts(ratings: Any) -> tuple[np.ndarray, np.ndarray]:
    """Subjects x categories counts table and the categories, from subjects x raters ratings."""
    from statsmodels.stats.inter_rater import aggregate_raters

    cells = np.asarray(ratings, dtype=object)
    if cells.ndim != 2:
        raise ValueError(f"expected a 2-D subjects x raters matrix, got {cells.ndim} dimension(s)")
    if pd.isna(cells).any():
        raise ValueError("Fleiss' kappa needs every rater to rate every subject; drop subjects with a missing rating")
    values = cells.astype(float) if _numeric(cells) else cells.astype(str)
    categories, codes = np.unique(values, return_inverse=True)
    counts, _ = aggregate_raters(codes.reshape(cells.shape), n_cat=len(categories))
    return counts, categories


def _numeric(cells: np.ndarray) -> bool:
    try:
        cells.astype(float)
    except (TypeError, ValueError):
        return False
    return True


def _fleiss_from_counts(counts: np.ndarray) -> float:
    from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

    shares = counts.sum(axis=0) / counts.sum()
    if np.isclose((shares**2).sum(), 1.0):
        return float("nan")
    return float(statsmodels_fleiss(counts, method="fleiss"))


def _label(category: Any) -> Any:
    """A category back as a plain Python value (whole numbers as int)."""
    value = category.item() if hasattr(category, "item") else category
    return int(value) if isinstance(value, float) and value.is_integer() else value


def fleiss_kappa(ratings: Any) -> float:
    """Fleiss' kappa for any number of raters, from a subjects x raters matrix of categories (statsmodels).

    NaN when every rating is the same category.
    """
    counts, _ = _category_counts(ratings)
    return _fleiss_from_counts(counts)


def fleiss_kappa_per_category(ratings: Any) -> pd.DataFrame:
    """Fleiss' kappa for each category (that category against all others): columns category, kappa.

    Fleiss (1971, eq. 17) per-category kappa equals Fleiss' kappa on the table dichotomised into
    "this category" / "any other", which is how it is computed here (statsmodels on each 2-column table).
    """
    counts, categories = _category_counts(ratings)
    rows = []
    for column, category in enumerate(categories):
        binary = np.column_stack([counts[:, column], counts.sum(axis=1) - counts[:, column]])
        rows.append({"category": _label(category), "kappa": _fleiss_from_counts(binary)})
    return pd.DataFrame(rows, columns=["category", "kappa"])
