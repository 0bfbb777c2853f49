"""The one owner of spaCy pipelines: every module that needs one asks here, and each is built once per process.

Default: ``spacy.blank("en")`` with a sentencizer and the lookup lemmatizer (tables from
spacy-lookups-data), which needs no download. A trained pipeline (e.g. ``en_core_web_sm``) is used when
the project config names one (``spacy_pipeline``) and it is installed.

    load_pipeline(name)                      # sentences and lemmas (ingest, sentence splitting)
    load_pipeline(name, purpose="lemmas")    # + lower-cased lemmas, for matching codebook terms (rules coder)
    load_pipeline(name, purpose="words")     # lemmas only, no sentences (topic words of themes)
    load_pipeline(purpose="vocab")           # a tokenizer and vocabulary (checking Matcher patterns)
    ner_pipeline(config)                     # a trained pipeline with NER for privacy detection, or None
    pipeline_name(config)                    # the project's ``spacy_pipeline`` (default ``blank:en``)

A pipeline returned here is shared: callers run it and may build matchers on its vocabulary, but never
add or remove its components. ``tests/test_architecture.py`` pins that no other module calls
``spacy.blank`` or ``spacy.load``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

DEFAULT_PIPELINE = "blank:en"
PURPOSES = ("text", "lemmas", "words", "vocab")
NER_PIPELINES = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
"""Trained pipelines with named-entity recognition, best first; the first installed one finds names."""
LOWER_LEMMAS = "evidence_lower_lemmas"


def pipeline_name(config: Mapping[str, Any] | None) -> str:
    """The spaCy pipeline a project's evidence.yaml names (``spacy_pipeline``), else ``blank:en``."""
    return str((config or {}).get("spacy_pipeline") or DEFAULT_PIPELINE)


def load_pipeline(name: str = DEFAULT_PIPELINE, purpose: str = "text") -> Any:
    """Load (once per process) the named pipeline (``blank:en`` or an installed package name) for a purpose.

    ``text``: sentence boundaries and lemmas. ``lemmas``: lemmas lower-cased (and plurals the lookup table
    does not know made singular), so "Funding", "funded" and "funds" all match "fund". ``words``: lemmas
    without sentence boundaries. ``vocab``: a blank English tokenizer and vocabulary, whatever ``name``.
    """
    if purpose not in PURPOSES:
        raise ValueError(f"unknown spaCy pipeline purpose {purpose!r}; choose one of {', '.join(PURPOSES)}")
    name = name or DEFAULT_PIPELINE
    return _load_pipeline(DEFAULT_PIPELINE if purpose == "vocab" else name, purpose)


#: longest text the default (blank) pipeline reads at once, in characters
BLANK_MAX_LENGTH = 50_000_000


@lru_cache(maxsize=8)
def _load_pipeline(name: str, purpose: str) -> Any:
    import spacy

    from ..core.errors import ProjectError

    if purpose == "vocab":
        return spacy.blank("en")
    if name != DEFAULT_PIPELINE:
        if not spacy.util.is_package(name):
            raise ProjectError(
                f"spaCy pipeline {name!r} is named in the project config but not installed; install it "
                f"or set `spacy_pipeline: {DEFAULT_PIPELINE}` in evidence.yaml"
            )
        nlp = spacy.load(name)
        if purpose != "words" and not {"parser", "senter", "sentencizer"} & set(nlp.pipe_names):
            nlp.add_pipe("sentencizer")
    else:
        nlp = spacy.blank("en")
        if purpose != "words":
            nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        # spaCy refuses texts over 1,000,000 characters because a parser or NER needs about 1 GB per 100,000;
        # this pipeline has neither (a tokenizer, sentence punctuation and a lookup table), so a long turn
        # or a file without paragraph breaks is read, at about 100 MB per 1,000,000 characters
        nlp.max_length = BLANK_MAX_LENGTH
    if purpose == "lemmas":
        _register_lower_lemmas()
        nlp.add_pipe(LOWER_LEMMAS)
    return nlp


def load_ner(name: str | None = None) -> Any | None:
    """A trained spaCy pipeline with an ``ner`` component (``name``, else the first of :data:`NER_PIPELINES`
    installed), or None when none is installed. Loaded once per process."""
    for candidate in ([name] if name else NER_PIPELINES):
        # find_spec first: importing spaCy only to learn that no pipeline is installed costs seconds
        if not candidate or not candidate.isidentifier() or importlib.util.find_spec(candidate) is None:
            continue
        nlp = _load_ner(candidate)
        if nlp is not None:
            return nlp
    return None


@lru_cache(maxsize=4)
def _load_ner(name: str) -> Any | None:
    import spacy

    if spacy.util.is_package(name):
        nlp = spacy.load(name, exclude=["lemmatizer", "textcat"])
        if "ner" in nlp.pipe_names:
            return nlp
    return None


def ner_pipeline(config: Mapping[str, Any] | None) -> Any | None:
    """The pipeline that finds names for pseudonymisation: ``ner_pipeline`` in evidence.yaml (``false``: none),
    else ``spacy_pipeline`` when it is a trained pipeline with NER, else any installed one (or None)."""
    config = config or {}
    if config.get("ner_pipeline") is False:
        return None
    name = config.get("ner_pipeline") or config.get("spacy_pipeline") or ""
    if name and not str(name).startswith("blank:"):
        found = load_ner(str(name))
        if found is not None:
            return found
    return load_ner()


def _register_lower_lemmas() -> None:
    """Register the component that lower-cases lemmas (and looks up capitalised words by their lower case)."""
    from spacy.language import Language

    if Language.has_factory(LOWER_LEMMAS):
        return

    @Language.factory(LOWER_LEMMAS)
    def _make(nlp: Any, name: str) -> Any:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {}) if "lemmatizer" in nlp.pipe_names else {}

        def lower_lemmas(doc: Any) -> Any:
            for token in doc:  # only touch tokens whose lemma must change: setting lemma_ is slow
                lemma, text = token.lemma_, token.text
                if lemma == text:
                    lower = token.lower_
                    lemma = table.get(lower, None) or plural_to_singular(lower)
                    if lemma != text:
                        token.lemma_ = lemma.lower()
                elif not lemma.islower() and lemma.lower() != lemma:
                    token.lemma_ = lemma.lower()
            return doc

        return lower_lemmas


def plural_to_singular(word: str) -> str:
    """A plural the lookup table does not know ("headteachers") to its singular; other words unchanged."""
    if len(word) <= 4 or not word.isalpha() or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1]


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
