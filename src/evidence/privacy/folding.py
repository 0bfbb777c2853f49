"""Text folding for name matching: accents, curly apostrophes, dashes and odd spaces made plain, same length.

The roster (:mod:`.roster`) and the detector (:mod:`.detect`) both fold text before comparing names; this
module is below both so neither imports the other for it.
"""

from __future__ import annotations

import functools
import unicodedata

# -- text folding -------------------------------------------------------------------------------
_FOLD_EXTRA = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'", "`": "'",
               "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
               "\u00a0": " ", "\u202f": " ", "\u2009": " "}


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _FOLD_EXTRA:
        return _FOLD_EXTRA[char]
    if char.isascii():
        return char
    base = unicodedata.normalize("NFD", char)[0]
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Same-length copy of ``text`` without accents, with plain apostrophes, hyphens and spaces."""
    return "".join(_fold_char(c) for c in text)


COMMON_WORD_LOGPROB = -12.5
"""A name token whose lower-case form is more frequent than this (spaCy's English lexeme log
probabilities) is also an ordinary word ("Will", "Grace", "Summer"): it is matched only capitalised."""


@functools.lru_cache(maxsize=1)
def _lexeme_logprob() -> dict[str, float]:
    import gzip
    import json
    from importlib import resources

    try:
        data = resources.files("spacy_lookups_data") / "data" / "en_lexeme_prob.json.gz"
        with data.open("rb") as raw, gzip.open(raw) as handle:
            return json.load(handle)
    except (ModuleNotFoundError, FileNotFoundError):  # pragma: no cover - it is a dependency
        return {}


def is_common_word(token: str) -> bool:
    """True when ``token`` in lower case is an everyday English word (so a name only if capitalised)."""
    lower = token.casefold()
    if len(lower) <= 2:
        return True
    return _lexeme_logprob().get(lower, -99.0) > COMMON_WORD_LOGPROB
