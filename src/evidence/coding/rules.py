"""The rules coder: a code's keywords, phrases and Matcher patterns, matched on lemmas.

    coder = RuleCoder(codebook).fit()
    coder.suggest(segments)            # tidy suggestions: segment, code, confidence, explanation

The pipeline comes from :mod:`evidence.nlp.pipeline` (the project's ``spacy_pipeline``; by default blank English
+ sentencizer + the lookup lemmatizer, tables from spacy-lookups-data) with a small component that
lower-cases lemmas (and looks up capitalised words by their lower-case form), so "Funding", "funded" and "funds" all match the keyword "fund". A code
is suggested when at least ``threshold.rules`` (default 1) distinct terms match; the confidence
is 1 - 0.5**n for n distinct terms and the reason lists the words that matched. Plurals the
lookup table does not know ("headteachers") lose their "s" in both codebook terms and texts.
"""

from __future__ import annotations

from collections.abc import Sequence
import json
from typing import Any

import numpy as np
import pandas as pd

from evidence.codebook import Codebook
from evidence.coding.base import package_version, suggestions_frame, to_codings
from evidence.core.model import Coding
from evidence.nlp.pipeline import DEFAULT_PIPELINE, load_pipeline


def lemma_pipeline(name: str = DEFAULT_PIPELINE) -> Any:
    """The shared spaCy pipeline with lower-cased lemmas (:func:`evidence.nlp.pipeline.load_pipeline`, purpose "lemmas")."""
    return load_pipeline(name, purpose="lemmas")


class RuleCoder:
    """Match each code's keywords/phrases (PhraseMatcher on LEMMA) and patterns (Matcher).

    Parameters: ``codebook``; ``coder`` (the name recorded on codings); ``batch_size`` for
    ``nlp.pipe``; ``pipeline`` (the spaCy pipeline name, evidence.yaml's ``spacy_pipeline``). Learned in
    :meth:`fit`: ``nlp_``, ``phrase_matcher_``, ``matcher_``, ``codes_``.
    """

    origin = "rule"

    def __init__(self, codebook: Codebook, *, coder: str = "rules", batch_size: int = 512,
                 pipeline: str = DEFAULT_PIPELINE) -> None:
        self.codebook = codebook
        self.coder = coder
        self.batch_size = batch_size
        self.pipeline = pipeline or DEFAULT_PIPELINE

    @property
    def model_id(self) -> str:
        spacy_id = "spacy-blank-en-lookup" if self.pipeline == DEFAULT_PIPELINE else f"spacy-{self.pipeline}"
        return f"rules:{spacy_id}:{self.codebook.name or 'codebook'}"

    def fit(self, texts: Sequence[str] | None = None, y: Any = None) -> "RuleCoder":
        """Build the matchers from the codebook (the rules learn nothing from data)."""
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp_ = lemma_pipeline(self.pipeline)
        self.phrase_matcher_ = PhraseMatcher(self.nlp_.vocab, attr="LEMMA")
        self.matcher_ = Matcher(self.nlp_.vocab)
        self.codes_ = []
        self.skip_ = ["sentencizer"]  # matching needs no sentences unless a pattern asks for sentence starts
        for code in self.codebook:
            terms = self.codebook.terms(code.id)
            patterns = code.spec.get("patterns", [])
            if not terms and not patterns:
                continue
            self.codes_.append(code.id)
            if terms:
                self.phrase_matcher_.add(code.id, list(self.nlp_.pipe(terms)))
            if patterns:
                self.matcher_.add(code.id, patterns)
                if "SENT_START" in json.dumps(patterns, default=str).upper():
                    self.skip_ = []
        return self

    def matches(self, texts: Sequence[str]) -> list[dict[str, list[str]]]:
        """For each text: code id -> distinct matched words (in order of appearance)."""
        out: list[dict[str, list[str]]] = []
        strings = self.nlp_.vocab.strings
        for doc in self.nlp_.pipe(texts, batch_size=self.batch_size, disable=getattr(self, "skip_", [])):
            spans = self.phrase_matcher_(doc)
            if len(self.matcher_):
                spans += self.matcher_(doc)
            # longest match first, so "funding ended" is one term, not also "funding"
            kept: dict[str, list[tuple[int, int]]] = {}
            for match_id, start, end in sorted(spans, key=lambda m: (m[1] - m[2], m[1])):
                taken = kept.setdefault(strings[match_id], [])
                if not any(start < e and s < end for s, e in taken):
                    taken.append((start, end))
            found: dict[str, list[str]] = {}
            for code, places in kept.items():
                for start, end in sorted(places):
                    words = doc[start:end].text.lower()
                    if words not in found.setdefault(code, []):
                        found[code].append(words)
            out.append(found)
        return out

    def scores(self, texts: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(counts, reasons): distinct matched terms per code, and 'matched: "a", "b"' texts."""
        found = self.matches(list(texts))
        counts = np.zeros((len(found), len(self.codes_)), dtype=float)
        reasons = np.full((len(found), len(self.codes_)), "", dtype=object)
        column = {code: j for j, code in enumerate(self.codes_)}
        for i, per_code in enumerate(found):  # filled as arrays: a DataFrame cell at a time is slow
            for code, words in per_code.items():
                counts[i, column[code]] = len(words)
                reasons[i, column[code]] = "matched " + ", ".join(f'"{w}"' for w in words)
        return (pd.DataFrame(counts, columns=self.codes_),
                pd.DataFrame(reasons, columns=self.codes_))

    def predict(self, texts: Sequence[str]) -> pd.DataFrame:
        """0/1 per text and code (1 when the code's rules threshold is reached)."""
        counts, _ = self.scores(texts)
        cuts = pd.Series({c: self.codebook.threshold(c, "rules") for c in counts.columns}, dtype=float)
        return (counts >= cuts).astype(int)

    def suggest(self, segments: pd.DataFrame) -> pd.DataFrame:
        """Tidy suggestions for a segments frame (needs ``id`` and ``text``)."""
        counts, reasons = self.scores(segments["text"].tolist())
        confidence = 1.0 - 0.5 ** counts
        thresholds = {c: self.codebook.threshold(c, "rules") for c in counts.columns}
        return suggestions_frame(segments["id"].tolist(), counts, reasons, thresholds, confidence)

    def codings(self, segments: pd.DataFrame, vectors: Any = None) -> list[Coding]:
        """Suggested Coding records (origin "rule") for a segments frame (``vectors`` unused: rules read words)."""
        return to_codings(self.suggest(segments), coder=self.coder, origin=self.origin,
                          model_id=self.model_id, model_version=package_version())
