"""What the codebook already says, as classifier features: rule matches and similarity to each code.

A researcher who has coded 40 segments has shown the classifier few positives for most codes, but
the codebook's keywords, definitions and example quotes still say a lot. :class:`CodebookPriors`
turns them into two numbers per code and segment (distinct rule matches, capped at 3 and scaled
to 0-1; cosine similarity to the code's nearest anchor), which the classifier learns to weigh.
Rule results are remembered per text, so refitting during uncertainty sampling stays fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from evidence.codebook import Codebook


class CodebookPriors:
    """Rule and similarity scores per code (parameters: codebook, embedder or None for rules only)."""

    def __init__(self, codebook: Codebook, embedder: Any = None) -> None:
        self.codebook = codebook
        self.embedder = embedder

    def fit(self, texts: Sequence[str] | None = None, y: Any = None) -> "CodebookPriors":
        from evidence.coding.rules import RuleCoder
        from evidence.coding.similarity import SimilarityCoder

        self.rules_ = RuleCoder(self.codebook).fit()
        self.similarity_ = SimilarityCoder(self.codebook, self.embedder).fit() if self.embedder is not None else None
        self.codes_ = self.codebook.ids
        self.memo_: dict[str, np.ndarray] = {}
        return self

    @property
    def names(self) -> list[str]:
        names = [f"rules:{c}" for c in self.codes_]
        if self.similarity_ is not None:
            names += [f"similarity:{c}" for c in self.codes_]
        return names

    def transform(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> np.ndarray:
        texts = list(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in self.memo_]
        if todo:
            counts, _ = self.rules_.scores(todo)
            counts = counts.reindex(columns=self.codes_, fill_value=0).to_numpy(dtype=float)
            for text, row in zip(todo, counts):
                self.memo_[text] = np.minimum(row, 3.0) / 3.0
        blocks = [np.vstack([self.memo_[t] for t in texts]) if texts else np.zeros((0, len(self.codes_)))]
        if self.similarity_ is not None:
            scores, _ = self.similarity_.scores(texts, vectors)
            blocks.append(scores.reindex(columns=self.codes_, fill_value=0).to_numpy(dtype=float))
        return np.hstack(blocks)
