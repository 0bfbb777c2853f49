"""Uncertainty sampling: which segments to code next so the classifier learns the most.

    suggest_next(coder, uncoded_segments, n=10)      # the n segments the model is least sure about

A segment's uncertainty is 1 when some code's probability sits exactly on that code's threshold and
falls to 0 as every code's probability moves far from its threshold (see
:meth:`ClassifierCoder.uncertainty`). Coding those segments first teaches the model most per
segment a researcher reads.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from evidence.coding.classifier import ClassifierCoder


def suggest_next(coder: ClassifierCoder, segments: pd.DataFrame, n: int = 10,
                 vectors: np.ndarray | None = None) -> pd.DataFrame:
    """The ``n`` most uncertain segments: columns id, text, uncertainty (highest first)."""
    if segments.empty:
        return pd.DataFrame(columns=["id", "text", "uncertainty"])
    scores = coder.uncertainty(segments["text"].tolist(), vectors)
    ranked = segments[["id", "text"]].assign(uncertainty=scores)
    return ranked.sort_values("uncertainty", ascending=False, kind="stable").head(n).reset_index(drop=True)


def uncertainty_sample(make_coder: Callable[[], ClassifierCoder], texts: list[str], labels: pd.DataFrame,
                       budget: int, *, seed: int, vectors: np.ndarray | None = None,
                       start: int | None = None, batches: int = 6) -> np.ndarray:
    """Simulate a researcher coding ``budget`` segments chosen by uncertainty sampling.

    Starts from ``start`` random segments (default: half the budget, at least 20), then in
    ``batches`` rounds refits the classifier on what is coded so far and adds the most uncertain
    of the rest. Returns the indices coded, in the order they were chosen.
    """
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(texts))
    start = min(budget, start if start is not None else max(20, budget // 2))
    chosen = list(order[:start])
    pool = [int(i) for i in order[start:]]
    step = max(1, int(np.ceil((budget - start) / batches)))
    while len(chosen) < budget and pool:
        take = min(step, budget - len(chosen))
        try:
            coder = make_coder().fit([texts[i] for i in chosen], labels.iloc[chosen],
                                     None if vectors is None else vectors[chosen])
            pool_vectors = None if vectors is None else vectors[pool]
            scores = coder.uncertainty([texts[i] for i in pool], pool_vectors)
            picked = [pool[k] for k in np.argsort(-scores, kind="stable")[:take]]
        except Exception as exc:  # too few positives yet: fall back to random picks this round
            from evidence.errors import NotEnoughDataError

            if not isinstance(exc, NotEnoughDataError):
                raise
            picked = pool[:take]
        chosen += picked
        picked_set = set(picked)
        pool = [i for i in pool if i not in picked_set]
    return np.array(chosen, dtype=int)
