"""Learning curve: how well the classifier agrees with a researcher after coding 10%, 20%, 30%...

For each fraction the classifier is trained on that share of the researcher's coded segments
(chosen at random, or by uncertainty sampling) and Cohen's kappa against the researcher is
measured on the rest, per code. ``kappa_mean`` averages the codes with at least
``min_positives`` (default 8) positive segments among everything the researcher coded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evidence.coding.active import uncertainty_sample
from evidence.coding.classifier import ClassifierCoder
from evidence.coding.quality import cross_validated_quality
from evidence.coding.thresholds import kappa_binary
from evidence.core.errors import NotEnoughDataError

if TYPE_CHECKING:
    from evidence.project import Project

SAMPLINGS = ("random", "uncertainty")


def learning_curve(texts: Sequence[str], labels: pd.DataFrame, fractions: Sequence[float], *, seed: int = 0,
                   sampling: str = "random", vectors: np.ndarray | None = None,
                   make_coder: Callable[[], ClassifierCoder] | None = None,
                   min_positives: int = 8, diversity: float = 0.9, explore: float = 0.5,
                   aggregate: str = "max", density: float = 0.0) -> list[dict[str, Any]]:
    """One result per fraction: {fraction, sampling, n_train, n_test, kappa_mean, kappa_low, kappa_high,
    measured_on, per_code}; kappa_low/high: 95% bootstrap interval over the held-out segments.

    ``per_code`` lists {code, positives, positives_test, kappa} for every code with
    ``min_positives`` or more positives (kappa is NaN when the test share has no positive and no
    prediction of the code). ``diversity`` is passed to
    :func:`evidence.coding.active.uncertainty_sample` (1.0: pure uncertainty, near-duplicates allowed),
    and so are ``explore`` (the random share of each round; 0: pure uncertainty), ``aggregate`` and
    ``density``.
    """
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, not {sampling!r}")
    texts = list(texts)
    labels = labels.reset_index(drop=True)
    n = len(texts)
    counts = labels.sum()
    scored = [c for c in labels.columns if counts[c] >= min_positives]
    if not scored:
        raise NotEnoughDataError(
            f"no code has {min_positives} or more positive segments (most: {int(counts.max()) if len(counts) else 0});"
            " a learning curve needs more coded segments")
    make_coder = make_coder or (lambda: ClassifierCoder(random_state=seed))
    results = []
    from evidence.core.progress import progress_bar

    for fraction in progress_bar(fractions, desc=f"learning curve ({sampling})", unit="fraction"):
        if not 0 < fraction < 1:
            raise ValueError(f"fractions must lie between 0 and 1, not {fraction}")
        budget = max(4, int(round(fraction * n)))
        if budget >= n:
            raise NotEnoughDataError(f"{fraction:.0%} of {n} segments leaves nothing to test on")
        if sampling == "random":
            train = np.random.default_rng(seed).permutation(n)[:budget]
        else:
            train = uncertainty_sample(make_coder, texts, labels, budget, seed=seed, vectors=vectors,
                                       diversity=diversity, explore=explore, aggregate=aggregate,
                                       density=density)
        test = np.setdiff1d(np.arange(n), train)
        coder = make_coder().fit([texts[i] for i in train], labels.iloc[train],
                                 None if vectors is None else vectors[train])
        predicted = coder.predict([texts[i] for i in test], None if vectors is None else vectors[test])
        per_code = []
        for code in scored:
            truth = labels[code].to_numpy()[test]
            guess = predicted[code].to_numpy() if code in predicted.columns else np.zeros(len(test), dtype=int)
            kappa = kappa_binary(truth, guess) if truth.any() or guess.any() else float("nan")
            per_code.append({"code": code, "positives": int(counts[code]), "positives_test": int(truth.sum()),
                             "kappa": None if np.isnan(kappa) else round(kappa, 4)})
        kappas = [p["kappa"] for p in per_code if p["kappa"] is not None]
        measured = [p["code"] for p in per_code if p["kappa"] is not None]
        _, pooled = cross_validated_quality(
            {c: labels[c].to_numpy()[test] for c in measured},
            {c: (predicted[c].to_numpy() if c in predicted.columns else np.zeros(len(test), dtype=int))
             for c in measured}, seed=seed, rounds=500)
        results.append({
            "fraction": float(fraction), "sampling": sampling, "seed": seed, "n_train": int(len(train)),
            "n_test": int(len(test)), "kappa_mean": round(float(np.mean(kappas)), 4) if kappas else None,
            "kappa_low": pooled.get("low"), "kappa_high": pooled.get("high"), "measured_on": "held-out segments",
            "per_code": per_code,
        })
    return results


def project_learning_curve(project: Project, coder: str, fractions: Sequence[float], *, seed: int = 0,
                           sampling: str = "random", embedder: Any = None, features: str = "embeddings+tfidf",
                           min_positives: int = 8) -> list[dict[str, Any]]:
    """The learning curve of the classifier against one coder's accepted codings in a project."""
    from evidence.codebook.changes import project_codebook
    from evidence.coding.labels import coded_segments
    from evidence.coding.priors import CodebookPriors

    segments, labels = coded_segments(project, coder)
    vectors = None
    if "embeddings" in features:
        if embedder is None:
            from evidence.nlp.embeddings import project_embedder

            embedder = project_embedder(project)
        vectors = embedder.embed(segments["text"].tolist())
    priors = CodebookPriors(project_codebook(project), embedder if "embeddings" in features else None).fit()
    return learning_curve(
        segments["text"].tolist(), labels, fractions, seed=seed, sampling=sampling, vectors=vectors,
        make_coder=lambda: ClassifierCoder(embedder, features=features, priors=priors, random_state=seed),
        min_positives=min_positives)
