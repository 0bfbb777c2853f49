"""Honest quality figures for a trained coder: cross-validated kappa with a bootstrap interval.

A figure shown as the coder's quality is never measured on the segments it was trained on. The
classifier's out-of-fold decision values (each segment scored by a model that did not see it) are
cut at a threshold chosen on the *other* folds only, then compared with the person's codings:

    table, pooled = cross_validated_quality(truth, scores, folds, seed=0)
    pooled  # {"kappa": 0.61, "low": 0.52, "high": 0.69, "codes": 9, "segments": 240, "folds": 4}

The interval is a seeded percentile bootstrap over segments (the same resampled segments for every
code, so the pooled mean's interval keeps codes' dependence).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from evidence.coding.thresholds import best_threshold, kappa_binary

QUALITY_COLUMNS = ["code", "positives", "segments", "kappa", "low", "high"]
METHOD = "cross-validated"


def held_out_predictions(truth: np.ndarray, scores: np.ndarray, folds: np.ndarray, *, default: float,
                         shrink: float = 0.0) -> np.ndarray:
    """0/1 per segment: its out-of-fold score cut at a threshold tuned on the other folds only."""
    truth, scores, folds = np.asarray(truth), np.asarray(scores, dtype=float), np.asarray(folds)
    predicted = np.zeros(len(truth), dtype=int)
    for fold in np.unique(folds):
        test = folds == fold
        cut = best_threshold(truth[~test], scores[~test], default=default, shrink=shrink)
        predicted[test] = scores[test] >= cut
    return predicted


def cross_validated_quality(truths: dict[str, np.ndarray], predictions: dict[str, np.ndarray], *,
                            seed: int = 0, rounds: int = 1000, folds: int = 0) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Per-code and pooled kappa (mean over codes) of held-out ``predictions`` against ``truths``.

    Both map code -> 0/1 array over the same segments. Intervals: 95% percentile bootstrap.
    """
    codes = [c for c in truths if c in predictions]
    if not codes:
        return pd.DataFrame(columns=QUALITY_COLUMNS), {}
    n = len(truths[codes[0]])
    rng = np.random.default_rng(seed)
    samples = rng.integers(0, n, size=(rounds, n))
    rows, boot = [], np.zeros((rounds, len(codes)))
    for j, code in enumerate(codes):
        y, p = np.asarray(truths[code]), np.asarray(predictions[code])
        boot[:, j] = [kappa_binary(y[s], p[s]) for s in samples]
        low, high = np.nanquantile(boot[:, j], [0.025, 0.975])
        rows.append({"code": code, "positives": int(y.sum()), "segments": int(n),
                     "kappa": round(kappa_binary(y, p), 4), "low": round(float(low), 4), "high": round(float(high), 4)})
    table = pd.DataFrame(rows, columns=QUALITY_COLUMNS)
    pooled_boot = np.nanmean(boot, axis=1)
    low, high = np.nanquantile(pooled_boot, [0.025, 0.975])
    pooled = {"method": METHOD, "kappa": round(float(table["kappa"].mean()), 4), "low": round(float(low), 4),
              "high": round(float(high), 4), "codes": len(codes), "segments": int(n), "folds": int(folds)}
    return table, pooled


def describe(pooled: dict[str, Any], coder: str = "") -> str:
    """One line a researcher can quote, saying how the figure was measured."""
    if not pooled:
        return ("no cross-validated quality figure: too few coded segments per code to hold any out "
                "(code more segments; training-set agreement is never shown)")
    against = f" against {coder}" if coder else ""
    return (f"cross-validated kappa{against}: {pooled['kappa']:.2f} (95% interval {pooled['low']:.2f}-"
            f"{pooled['high']:.2f}), mean of {pooled['codes']} codes over {pooled['segments']} coded segments, "
            f"each scored by a model trained without it ({pooled['folds']}-fold)")
