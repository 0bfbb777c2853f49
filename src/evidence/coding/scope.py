"""Where a code may be applied: segment kinds (quote, turn, paragraph) and, for quotes, questions.

    scope_keys(segments)                      # (kind, question) of each segment
    learnt_scope(training_segments)           # the scope a trained coder has seen
    allowed(segments, codebook_scope, learnt) # bool per segment: may this code go here?

Two scopes meet here. A code's ``scope`` in the codebook (``{kinds: [...], questions: [...]}``)
is the researcher's rule and binds every coder. A trained coder (the classifier) also has the
scope it learnt from: the kinds and questions of the segments it was trained on. Codes learnt from
survey answers are not applied to meeting turns, nor to answers to a question nobody coded,
unless the researcher asks (``autocode --any-scope``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

Scope = set[tuple[str, str]]


def _question(attributes: Any) -> str:
    if isinstance(attributes, dict):
        value = attributes.get("question")
        return "" if value is None else str(value).strip()
    return ""


def scope_keys(segments: pd.DataFrame) -> list[tuple[str, str]]:
    """(kind, question) per segment row; question is "" when the segment has none."""
    kinds = segments["kind"].astype(str).tolist() if "kind" in segments else [""] * len(segments)
    if "question" in segments:
        questions = segments["question"].fillna("").astype(str).str.strip().tolist()
    elif "attributes" in segments:
        questions = [_question(a) for a in segments["attributes"]]
    else:
        questions = [""] * len(segments)
    return list(zip(kinds, questions))


def learnt_scope(segments: pd.DataFrame) -> Scope:
    """The (kind, question) pairs among a coder's training segments."""
    return set(scope_keys(segments))


def describe(scope: Scope) -> str:
    """A short plain description, e.g. 'quote (2 questions), turn'."""
    by_kind: dict[str, set[str]] = {}
    for kind, question in scope:
        by_kind.setdefault(kind, set()).add(question)
    parts = []
    for kind in sorted(by_kind):
        questions = {q for q in by_kind[kind] if q}
        parts.append(f"{kind} ({len(questions)} question{'s' if len(questions) != 1 else ''})" if questions else kind)
    return ", ".join(parts) or "nothing"


def allowed(segments: pd.DataFrame, codebook_scope: dict[str, list[str]] | None = None,
            learnt: Scope | None = None) -> np.ndarray:
    """Bool per segment: inside the codebook's scope for the code and inside what the coder learnt from."""
    keys = scope_keys(segments)
    ok = np.ones(len(keys), dtype=bool)
    kinds = set((codebook_scope or {}).get("kinds", []))
    questions = set((codebook_scope or {}).get("questions", []))
    for i, (kind, question) in enumerate(keys):
        if kinds and kind not in kinds:
            ok[i] = False
        elif questions and kind == "quote" and question not in questions:
            ok[i] = False
        elif learnt is not None and (kind, question) not in learnt:
            ok[i] = False
    return ok
