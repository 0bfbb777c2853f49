"""The spaCy pipeline used for sentences and lemmas.

Default: ``spacy.blank("en")`` with a sentencizer and the lookup lemmatizer (tables from
spacy-lookups-data), which needs no download. A trained pipeline (e.g. ``en_core_web_sm``) is used when
the project config names one and it is installed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

DEFAULT_PIPELINE = "blank:en"


@lru_cache(maxsize=4)
def load_pipeline(name: str = DEFAULT_PIPELINE) -> Any:
    """Load (once per process) the named pipeline: ``blank:en`` or an installed package name."""
    import spacy

    from .errors import ProjectError

    if name and name != DEFAULT_PIPELINE:
        if not spacy.util.is_package(name):
            raise ProjectError(
                f"spaCy pipeline {name!r} is named in the project config but not installed; install it "
                f"or set `spacy_pipeline: {DEFAULT_PIPELINE}` in evidence.yaml"
            )
        nlp = spacy.load(name)
        if "parser" not in nlp.pipe_names and "senter" not in nlp.pipe_names and "sentencizer" not in nlp.pipe_names:
            nlp.add_pipe("sentencizer")
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def sentence_spans(texts: list[str], pipeline: str = DEFAULT_PIPELINE, batch_size: int = 256) -> list[list[tuple[int, int]]]:
    """For each text, the (start, end) character spans of its sentences, whitespace trimmed."""
    nlp = load_pipeline(pipeline)
    spans: list[list[tuple[int, int]]] = []
    for doc in nlp.pipe(texts, batch_size=batch_size):
        found = []
        for sent in doc.sents:
            start, end = sent.start_char, sent.end_char
            chunk = doc.text[start:end]
            start += len(chunk) - len(chunk.lstrip())
            end = start + len(chunk.strip())
            if end > start:
                found.append((start, end))
        spans.append(found)
    return spans
