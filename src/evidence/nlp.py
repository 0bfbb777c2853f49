"""The spaCy pipeline used for sentences and lemmas.

Default: ``spacy.blank("en")`` with a sentencizer and the lookup lemmatizer (tables from
spacy-lookups-data), which needs no download. A trained pipeline (e.g. ``en_core_web_sm``) is used when
the project config names one and it is installed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

DEFAULT_PIPELINE = "blank:en"


def load_pipeline(name: str = DEFAULT_PIPELINE) -> Any:
    """Load (once per process) the named pipeline: ``blank:en`` or an installed package name."""
    return _load_pipeline(name or DEFAULT_PIPELINE)


@lru_cache(maxsize=4)
def _load_pipeline(name: str) -> Any:
    import spacy

    from .errors import ProjectError

    if name != DEFAULT_PIPELINE:
        if not spacy.util.is_package(name):
            raise ProjectError(
                f"spaCy pipeline {name!r} is named in the project config but not installed; install it "
                f"or set `spacy_pipeline: {DEFAULT_PIPELINE}` in evidence.yaml"
            )
        nlp = spacy.load(name)
        if not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
            nlp.add_pipe("sentencizer")
        return nlp
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def sentence_spans(texts: list[str], pipeline: str = DEFAULT_PIPELINE, batch_size: int = 256) -> list[list[tuple[int, int]]]:
    """For each text, the (start, end) character spans of its sentences, whitespace trimmed.

    Reads sentence starts, token offsets and lengths as arrays (``Doc.to_array``) instead of iterating
    ``doc.sents``, which builds a Python object per token and costs more than the pipeline itself.
    """
    from spacy.attrs import IDX, LENGTH, SENT_START

    nlp = load_pipeline(pipeline)
    # Only the components that set sentence boundaries run here: lemmas are not stored at ingest.
    splitter = "sentencizer" if "sentencizer" in nlp.pipe_names else "senter" if "senter" in nlp.pipe_names else "parser"
    needed = {splitter} if splitter == "sentencizer" else {splitter, "tok2vec", "transformer"}
    skip = [name for name in nlp.pipe_names if name not in needed]
    spans: list[list[tuple[int, int]]] = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=batch_size, disable=skip)):  # doc.text would rebuild the text
        n = len(doc)
        if n == 0:
            spans.append([])
            continue
        array = doc.to_array([SENT_START, IDX, LENGTH])
        flags = array[:, 0] == 1
        flags[0] = True
        firsts = flags.nonzero()[0]
        lasts = [*(firsts[1:] - 1).tolist(), n - 1]
        idx, length = array[:, 1], array[:, 2]
        found = []
        for start, last in zip(idx[firsts].tolist(), lasts):
            end = int(idx[last] + length[last])
            if text[start].isspace() or text[end - 1].isspace():  # a whitespace token opens or closes it
                chunk = text[start:end]
                start += len(chunk) - len(chunk.lstrip())
                end = start + len(chunk.strip())
            if end > start:
                found.append((start, end))
        spans.append(found)
    return spans
