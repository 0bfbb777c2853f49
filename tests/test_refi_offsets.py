"""Mapping another tool's selection offsets to code points of the normalised text."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.core.model import normalise_text
from evidence.refi.offsets import OffsetMap, detect_counting

PIECES = st.sampled_from(["a", "b", " ", ".", "\r\n", "\n", "é", "e\u0301", "😀", "\u2603", "Ω", "\r"])


def tool_units(piece: str, unit: str, crlf: int) -> int:
    if piece == "\r\n":
        return crlf
    return sum(2 if unit == "UTF-16 units" and ord(c) > 0xFFFF else 1 for c in piece)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=30), st.sampled_from(["code points", "UTF-16 units"]), st.sampled_from([1, 2]))
def test_boundaries_map_to_the_same_place(pieces, unit, crlf):
    """At every piece boundary, the tool's count maps to the length of the normalised prefix."""
    raw = "".join(pieces)
    offsets = OffsetMap(raw, unit, crlf)
    assert offsets.text == normalise_text(raw)
    tool = 0
    prefix = ""
    joined = False  # a lone "\r" piece followed by a "\n" piece reads as one \r\n line break
    for i, piece in enumerate(pieces):
        tool += tool_units(piece, unit, crlf)
        prefix += piece
        joined = joined or (piece == "\r" and i + 1 < len(pieces) and pieces[i + 1].startswith("\n"))
        if joined:
            return
        ours = len(normalise_text(prefix))
        assert offsets.start(tool) == ours and offsets.end(tool) == ours
    assert offsets.length == tool


def test_offsets_inside_a_piece_snap_outwards():
    offsets = OffsetMap("ab😀cd", "UTF-16 units")
    assert offsets.span(2, 3) == (2, 3)  # half an emoji widens to the whole emoji
    assert offsets.span(3, 5) == (2, 4)
    offsets = OffsetMap("x\r\ny", "code points", 2)
    assert offsets.text == "x\ny" and offsets.span(2, 4) == (1, 3) and offsets.span(3, 4) == (2, 3)
    assert OffsetMap("x", "code points").span(0, 5) is None


def test_detection_prefers_recorded_text_then_word_boundaries():
    raw = "First line here\r\nSecond line with words\r\nThird line at the end\r\n"
    flat = raw.replace("\r\n", "\n")
    phrases = ["Second line", "Third line at the end", "with words"]
    one = [(flat.index(p), flat.index(p) + len(p), p) for p in phrases]
    assert detect_counting(raw, one).offsets.crlf == 1
    two = [(raw.index(p), raw.index(p) + len(p), p) for p in phrases]
    assert detect_counting(raw, two).offsets.crlf == 2
    unnamed = [(s, e, "") for s, e, _ in one]
    chosen = detect_counting(raw, unnamed)
    assert chosen.offsets.crlf == 1 and chosen.evidence == "word boundaries"
    text = chosen.offsets.text
    assert [text[a:b] for a, b, _ in (chosen.offsets.span(s, e) + ("",) for s, e, _ in unnamed)] == phrases


def test_combining_accents_are_composed():
    raw = "Cafe\u0301 open"
    offsets = OffsetMap(raw)
    assert offsets.text == unicodedata.normalize("NFC", raw) == "Café open"
    assert offsets.span(0, 5) == (0, 4) and offsets.span(6, 10) == (5, 9)
