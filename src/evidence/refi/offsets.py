"""How another tool counted its selection offsets, and where they fall in the normalised text.

REFI-QDA says offsets are Unicode code points of the plain-text file, but tools differ: NVivo counts
UTF-16 code units (an emoji is two) and a Windows line break ``\\r\\n`` as two characters; tools that
read the file with universal newlines count ``\\r\\n`` as one. The workbench stores text normalised
(``\\n`` only, NFC) and offsets in its code points, so :func:`detect_counting` tries each way of
counting and keeps the one under which the selections line up best:

* with the text the tool recorded for a selection (its ``name``), where there is one;
* else with word boundaries: a researcher's selection starts and ends between words far more often
  than inside one, while a wrong convention shifts every selection after the first line break or
  emoji into the middle of words.

:class:`OffsetMap` then maps the tool's offsets to code points of the normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

COUNTINGS: tuple[tuple[str, int], ...] = (("code points", 2), ("code points", 1), ("UTF-16 units", 2),
                                          ("UTF-16 units", 1))
"""(unit, characters per CRLF), in order of preference when two fit equally well (the standard first)."""


_IRREGULAR = re.compile("\r\n?|[\U00010000-\U0010FFFF]")


def _pieces(raw: str) -> Iterator[tuple[int, str]]:
    """(position, piece) of every piece of ``raw`` whose width or normal form is not simply itself:
    line breaks and astral characters, plus (for text not already NFC) each character with its
    combining marks, which NFC may merge (it never composes across these pieces)."""
    if unicodedata.is_normalized("NFC", raw):
        for match in _IRREGULAR.finditer(raw):
            yield match.start(), match.group()
        return
    i, n = 0, len(raw)
    while i < n:
        if raw.startswith("\r\n", i):
            yield i, "\r\n"
            i += 2
            continue
        j = i + 1
        while j < n and unicodedata.combining(raw[j]) and raw[j] not in "\r\n":
            j += 1
        piece = raw[i:j]
        if j - i > 1 or piece == "\r" or ord(piece) > 0xFFFF or unicodedata.normalize("NFC", piece) != piece:
            yield i, piece
        i = j


class OffsetMap:
    """Tool offsets -> code points of the normalised text, for one way of counting.

    ``text`` is the normalised text (``\\n`` newlines, NFC). Between irregular pieces (line breaks,
    astral characters, combining sequences) the two counts run in step; an offset inside a piece
    (a surrogate half, the ``\\r`` of ``\\r\\n``, a letter without its accent) snaps outwards: a
    start to the piece's start, an end to the piece's end.
    """

    def __init__(self, raw: str, unit: str = "code points", crlf: int = 2) -> None:
        self.unit, self.crlf = unit, crlf
        parts: list[str] = []
        self._tool_starts: list[int] = []
        self._pieces: list[tuple[int, int, int, int]] = []  # tool start, tool end, our start, our end
        shift = 0  # tool offset minus our offset, after the pieces so far
        last = 0
        for position, piece in _pieces(raw):
            parts.append(raw[last:position])
            if piece in ("\r\n", "\r"):
                width, normal = (crlf if piece == "\r\n" else 1), "\n"
            else:
                width = sum(2 if unit == "UTF-16 units" and ord(c) > 0xFFFF else 1 for c in piece)
                normal = unicodedata.normalize("NFC", piece)
            ours = len("".join(parts)) if not self._pieces else self._pieces[-1][3] + (position - last)
            tool = ours + shift
            parts.append(normal)
            self._tool_starts.append(tool)
            self._pieces.append((tool, tool + width, ours, ours + len(normal)))
            shift += width - len(normal)
            last = position + len(piece)
        parts.append(raw[last:])
        self.text = "".join(parts)
        self.length = len(self.text) + shift

    def _map(self, offset: int, snap_end: bool) -> int | None:
        if offset < 0 or offset > self.length:
            return None
        i = bisect_right(self._tool_starts, offset) - 1
        if i < 0:
            return offset
        tool_start, tool_end, our_start, our_end = self._pieces[i]
        if offset == tool_start:
            return our_start
        if offset < tool_end:
            return our_end if snap_end else our_start
        return our_end + (offset - tool_end)

    def start(self, offset: int) -> int | None:
        """Where a selection starting at tool offset ``offset`` starts in ``text`` (None if outside)."""
        return self._map(offset, snap_end=False)

    def end(self, offset: int) -> int | None:
        return self._map(offset, snap_end=True)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        a, b = self.start(start), self.end(end)
        if a is None or b is None or b < a:
            return None
        return a, b

    @property
    def label(self) -> str:
        return f"{self.unit}, line break \\r\\n counted as {'two characters' if self.crlf == 2 else 'one'}"


def _clean_edge(text: str, start: int, end: int) -> bool:
    def between_words(i: int) -> bool:
        return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())

    return between_words(start) and between_words(end)


def _squash(text: str) -> str:
    return " ".join(text.split()).rstrip(".…").strip()


def _matches_name(found: str, name: str) -> bool:
    """Does the selection's recorded text (maybe cut short with '...') agree with ``found``?"""
    want, have = _squash(name), _squash(found)
    if not want:
        return False
    return have == want or (len(want) >= 8 and have.startswith(want))


@dataclass
class Counting:
    """The chosen way of counting, and how well each way fitted (for the import report)."""

    offsets: OffsetMap
    evidence: str  # "recorded text" | "word boundaries" | "no difference"
    scores: dict[str, int]
    checked: int

    @property
    def description(self) -> str:
        if not self.checked:
            return f"offsets read as {self.offsets.label} (no selections to check)"
        if self.evidence == "no difference":
            return f"offsets read as {self.offsets.label} (every way of counting agrees for this text)"
        others = ", ".join(f"{label}: {score}" for label, score in self.scores.items() if label != self.offsets.label)
        best = self.scores[self.offsets.label]
        return (f"offsets read as {self.offsets.label}: {best} of {self.checked} selections agree with their "
                f"{self.evidence} that way (other ways: {others})")


def detect_counting(raw: str, selections: list[tuple[int, int, str]]) -> Counting:
    """Choose how the tool counted, from the raw text (BOM removed) and its (start, end, name) selections."""
    if "\r" not in raw and not any(ord(c) > 0xFFFF for c in raw):
        return Counting(OffsetMap(raw), "no difference", {}, len(selections))
    maps = [OffsetMap(raw, unit, crlf) for unit, crlf in COUNTINGS]
    if "\r\n" not in raw:  # the two ways of counting a line break agree
        maps = [maps[0], maps[2]]
    named = [(s, e, n) for s, e, n in selections if _squash(n)]
    evidence = "recorded text" if named else "word boundaries"
    scores: dict[str, int] = {}
    for offsets in maps:
        score = 0
        for start, end, name in (named or selections):
            span = offsets.span(start, end)
            if span is None:
                continue
            if named:
                score += _matches_name(offsets.text[span[0]:span[1]], name)
            else:
                score += _clean_edge(offsets.text, *span) and span[1] > span[0]
        scores[offsets.label] = score
    best = max(maps, key=lambda m: scores[m.label])  # max keeps the first of equals: the standard's way
    return Counting(best, evidence, scores, len(named or selections))
