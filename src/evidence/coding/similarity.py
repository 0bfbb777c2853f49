"""The similarity coder: segments compared with each code's definition and example quotes (zero-shot).

    coder = SimilarityCoder(codebook, project_embedder(project)).fit()
    coder.suggest(segments)     # segment, code, confidence (cosine similarity), explanation

Each code's *anchors* are its "name: definition", its when-to-use text and its example quotes.
A segment's score for a code is its highest cosine similarity with one of the code's anchors,
and the reason names that anchor ("closest to example: ..."). A code is suggested when the score
reaches its ``threshold.similarity`` (default 0.45; :meth:`SimilarityCoder.tune_thresholds` can
set them from a researcher's codings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from evidence.codebook import Codebook
from evidence.coding.base import package_version, suggestions_frame, to_codings
from evidence.core.model import Coding


def code_anchors(codebook: Codebook) -> pd.DataFrame:
    """One row per anchor text: code, kind (definition, when_to_use, example), text."""
    rows = []
    for code in codebook:
        rows.append((code.id, "definition", f"{code.name}: {code.definition}"))
        if code.spec.get("when_to_use"):
            rows.append((code.id, "when_to_use", str(code.spec["when_to_use"])))
        for example in code.spec.get("examples", []):
            rows.append((code.id, "example", str(example)))
    return pd.DataFrame(rows, columns=["code", "kind", "text"])


class SimilarityCoder:
    """Zero-shot coder on sentence embeddings.

    Parameters: ``codebook``; ``embedder`` (an :class:`evidence.nlp.embeddings.Embedder`); ``coder``
    (name on codings); ``thresholds`` (code -> similarity, overriding the codebook). Learned in
    :meth:`fit`: ``anchors_`` (DataFrame), ``anchor_vectors_``, ``codes_``.
    """

    origin = "similarity"

    def __init__(self, codebook: Codebook, embedder: Any, *, coder: str = "similarity",
                 thresholds: dict[str, float] | None = None) -> None:
        self.codebook = codebook
        self.embedder = embedder
        self.coder = coder
        self.thresholds = thresholds

    @property
    def model_id(self) -> str:
        return f"similarity:{self.embedder.model_id}"

    def fit(self, texts: Sequence[str] | None = None, y: Any = None) -> "SimilarityCoder":
        """Embed the anchors (the zero-shot coder learns nothing else)."""
        self.anchors_ = code_anchors(self.codebook)
        self.codes_ = list(dict.fromkeys(self.anchors_["code"]))
        self.anchor_vectors_ = self.embedder.embed(self.anchors_["text"].tolist())
        return self

    def thresholds_(self) -> dict[str, float]:
        given = self.thresholds or {}
        return {c: float(given.get(c, self.codebook.threshold(c, "similarity"))) for c in self.codes_}

    def scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(similarity per text and code, reason naming the nearest anchor)."""
        vectors = self.embedder.embed(list(texts)) if vectors is None else vectors
        sims = vectors @ self.anchor_vectors_.T  # vectors are L2-normalised: dot = cosine
        codes = self.anchors_["code"].to_numpy()
        best = np.zeros((len(vectors), len(self.codes_)))
        which = np.zeros((len(vectors), len(self.codes_)), dtype=int)
        for j, code in enumerate(self.codes_):
            columns = np.flatnonzero(codes == code)
            local = sims[:, columns]
            arg = local.argmax(axis=1)
            best[:, j] = local[np.arange(len(vectors)), arg]
            which[:, j] = columns[arg]
        scores = pd.DataFrame(best, columns=self.codes_)
        kinds, anchor_texts = self.anchors_["kind"].tolist(), self.anchors_["text"].tolist()
        reasons = pd.DataFrame(
            [[_reason(kinds[k], anchor_texts[k], best[i, j]) for j, k in enumerate(row)]
             for i, row in enumerate(which)],
            columns=self.codes_,
        )
        return scores, reasons

    def predict(self, texts: Sequence[str]) -> pd.DataFrame:
        scores, _ = self.scores(texts)
        cuts = pd.Series(self.thresholds_(), dtype=float)
        return (scores >= cuts[scores.columns]).astype(int)

    def suggest(self, segments: pd.DataFrame, vectors: np.ndarray | None = None) -> pd.DataFrame:
        scores, reasons = self.scores(segments["text"].tolist(), vectors)
        return suggestions_frame(segments["id"].tolist(), scores, reasons, self.thresholds_())

    def codings(self, segments: pd.DataFrame, vectors: np.ndarray | None = None) -> list[Coding]:
        return to_codings(self.suggest(segments, vectors), coder=self.coder, origin=self.origin,
                          model_id=self.model_id, model_version=package_version())

    def tune_thresholds(self, texts: Sequence[str], labels: pd.DataFrame) -> dict[str, float]:
        """Per-code thresholds that maximise Cohen's kappa against labels (0/1, one column per code)."""
        from evidence.coding.thresholds import best_threshold

        scores, _ = self.scores(texts)
        tuned = dict(self.thresholds or {})
        for code in labels.columns:
            if code in scores.columns and labels[code].sum() > 0:
                tuned[code] = best_threshold(labels[code].to_numpy(), scores[code].to_numpy())
        self.thresholds = tuned
        return tuned


def _reason(kind: str, text: str, similarity: float) -> str:
    short = text if len(text) <= 90 else text[:87] + "..."
    label = {"example": "example", "definition": "definition", "when_to_use": "when to use"}.get(kind, kind)
    return f'closest to {label} "{short}" (similarity {similarity:.2f})'
