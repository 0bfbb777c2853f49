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
