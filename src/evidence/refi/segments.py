"""Coding units for an imported text, and the segment each imported selection is coded on.

An imported text becomes a ``transcript`` when it has speaker turns (the same rules as
``evidence ingest``), else an ``article`` cut into paragraphs at blank lines, and very long blocks
at line breaks (exports of comment threads and tables have few blank lines).
Sentences are added inside each unit, as ingest does.

A selection is coded on the smallest unit (turn or paragraph) that contains it. A selection that no
unit contains (it spans two paragraphs, or a whole source) gets a segment of its own, of kind
``sentence``, covering exactly the selection, with ``parent`` the unit it starts in and
``attributes["refi_selection"]`` its GUID. Such segments are not coding units, so they never change
what the coders and themes see; the coding's span is always the selection's, so spans round-trip
exactly.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path
from typing import Any

from ..ingest.build import add_sentences, transcript_reading
from ..ingest.registry import ReadOptions
from ..ingest.turns import find_turns, looks_like_transcript
from ..core.model import UNIT_KINDS, Segment, Source


LONG_PARAGRAPH = 3000
"""A blank-line block longer than this (in characters) is cut at its line breaks instead: exports of
comment threads, tables and forms are long runs of short lines with few blank lines."""


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Spans of paragraphs: blank-line separated blocks, or the lines of a block that is very long."""
    spans = []
    for block in re.finditer(r"\S(?:.*?\S)?(?=\n[ \t]*\n|\s*\Z)", text, re.S):
        if block.end() - block.start() <= LONG_PARAGRAPH or "\n" not in block.group():
            spans.append((block.start(), block.end()))
            continue
        for line in re.finditer(r"[^\S\n]*(\S[^\n]*?)[^\S\n]*(?=\n|\Z)", block.group()):
            if line.group(1):
                spans.append((block.start() + line.start(1), block.start() + line.end(1)))
    return spans


def segment_source(source: Source, pipeline: str) -> tuple[list[Segment], list[dict[str, Any]]]:
    """Set ``source.kind`` and return its segments (units and sentences) and speakers."""
    turns = find_turns(source.text)
    if looks_like_transcript(source.text, turns):
        source.kind = "transcript"
        options = ReadOptions(source_id=source.id, pipeline=pipeline)
        reading = transcript_reading(Path(source.path or source.id), options, source, turns, {})
        return reading.segments, reading.speakers
    source.kind = "article"
    paragraphs = [
        Segment(id=f"{source.id}:p{i + 1:04d}", source=source.id, kind="paragraph", start=s, end=e,
                text=source.text[s:e], order=i)
        for i, (s, e) in enumerate(split_paragraphs(source.text))
    ]
    return paragraphs + add_sentences(source, paragraphs, pipeline), []


class SegmentFinder:
    """Finds (or makes) the segment an imported selection is coded on, for one source."""

    def __init__(self, source: Source, segments: list[Segment]) -> None:
        self.source = source
        self.segments = segments
        self.units = sorted((s for s in segments if s.kind in UNIT_KINDS), key=lambda s: (s.start, -s.end))
        self._starts = [u.start for u in self.units]
        self._exact: dict[tuple[int, int], Segment] = {(s.start, s.end): s for s in segments if s.kind == "sentence"}
        self._taken = {s.id for s in segments}
        self.made: list[Segment] = []
        self._order = sum(1 for s in segments if s.kind == "sentence")

    def unit_at(self, position: int) -> Segment | None:
        """The unit whose span holds ``position`` (units of one source do not overlap)."""
        i = bisect_right(self._starts, position) - 1
        if i >= 0 and self.units[i].start <= position < self.units[i].end:
            return self.units[i]
        return None

    def segment_for(self, start: int, end: int, guid: str) -> Segment:
        unit = self.unit_at(start)
        if unit is not None and unit.start <= start and end <= unit.end:
            return unit
        if (start, end) in self._exact:
            return self._exact[(start, end)]
        number = len(self.made) + 1
        while f"{self.source.id}:x{number:04d}" in self._taken:
            number += 1
        self._taken.add(f"{self.source.id}:x{number:04d}")
        segment = Segment(
            id=f"{self.source.id}:x{number:04d}", source=self.source.id, kind="sentence",
            start=start, end=end, text=self.source.text[start:end], order=self._order + len(self.made),
            parent=unit.id if unit is not None else "", speaker=unit.speaker if unit is not None else "",
            role=unit.role if unit is not None else "", attributes={"refi_selection": guid},
        )
        self._exact[(start, end)] = segment
        self.made.append(segment)
        return segment
