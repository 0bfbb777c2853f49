"""Choosing a per-code cut-off on scores or probabilities so that coding agrees best with a person."""

from __future__ import annotations

import numpy as np


def kappa_binary(truth: np.ndarray, predicted: np.ndarray) -> float:
    """Cohen's kappa for two 0/1 vectors (0.0 when agreement by chance is total)."""
    truth = np.asarray(truth, dtype=bool)
    predicted = np.asarray(predicted, dtype=bool)
    n = len(truth)
    if n == 0:
        return float("nan")
    observed = np.mean(truth == predicted)
    p_true, p_pred = truth.mean(), predicted.mean()
    expected = p_true * p_pred + (1 - p_true) * (1 - p_pred)
    if expected >= 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return float((observed - expected) / (1 - expected))


def best_threshold(truth: np.ndarray, scores: np.ndarray, *, default: float = 0.5,
                   shrink: float = 0.0) -> float:
    """The cut-off on ``scores`` with the highest kappa against ``truth``.

    Candidates are midpoints between sorted distinct scores. ``shrink`` (0-1) pulls the answer
    towards ``default`` when there is little evidence, so a handful of positives cannot push a
    threshold to an extreme.
    """
    truth = np.asarray(truth, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    if truth.sum() == 0 or truth.all():
        return default
    distinct = np.unique(scores)
    if len(distinct) > 257:  # enough resolution, bounded cost on large sets
        distinct = np.unique(np.quantile(scores, np.linspace(0, 1, 257)))
    candidates = np.concatenate([(distinct[:-1] + distinct[1:]) / 2, [default]])
    best, best_kappa = default, -np.inf
    for cut in candidates:
        kappa = kappa_binary(truth, scores >= cut)
        if kappa > best_kappa + 1e-12 or (abs(kappa - best_kappa) <= 1e-12 and abs(cut - default) < abs(best - default)):
            best, best_kappa = float(cut), kappa
    return float((1 - shrink) * best + shrink * default)
