"""Readable ids for imported codes, sources and cases (accents folded, unique within the project)."""

from __future__ import annotations

import re
import unicodedata


def fold(name: str) -> str:
    """``'Oltás típusa'`` -> ``'oltas tipusa'``: accents removed, lower case."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slug(name: str, joiner: str = "_", fallback: str = "item") -> str:
    words = re.findall(r"[a-z0-9]+", fold(name))
    return joiner.join(words)[:60].strip(joiner) or fallback


def unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free; the result is added to ``taken``."""
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def code_id(name: str, parent_id: str, taken: set[str]) -> str:
    """A codebook id: ``parent.child_name`` (valid for evidence.codebook), unique in ``taken``."""
    own = slug(name, "_", "code")
    return unique(f"{parent_id}.{own}" if parent_id else own, taken)
