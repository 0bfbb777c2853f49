"""The one data model of the workbench: sources, segments, cases, codes, codings and memos.

Everything else (readers, the store, coders, themes, exports) passes these records around, in the
spirit of spaCy's ``Doc``/``Span``: a :class:`Source` holds one normalised text, and every
:class:`Segment` and every span :class:`Coding` points into that text with character offsets.

Offsets
    ``start``/``end`` are offsets in Unicode code points into ``Source.text`` (end exclusive), so
    ``source.text[segment.start:segment.end] == segment.text`` always holds. This is also how
    REFI-QDA counts ``startPosition``/``endPosition``.

Normalised text
    UTF-8, ``\\n`` newlines only, Unicode NFC (see :func:`normalise_text`).

Segment kinds
    ``turn``      one speaker turn of a transcript (continuation lines included);
    ``sentence``  one sentence inside a turn or a paragraph (``parent`` is the turn/paragraph id);
    ``quote``     one pupil quote from a quote table (its id is the row's id);
    ``paragraph`` one paragraph of an article (a source without speakers).

Coding units
    Coders and themes work on *units*: quotes, turns and paragraphs by default
    (``UNIT_KINDS``), or sentences when a finer grain is asked for.

Tidy DataFrames
    The store returns these records as pandas DataFrames whose columns are exactly the field names
    below (``SEGMENT_COLUMNS``, ``CODING_COLUMNS``, ...), one row per record.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field, fields
from typing import Any, Literal

SegmentKind = Literal["turn", "sentence", "quote", "paragraph"]
SEGMENT_KINDS: tuple[str, ...] = ("turn", "sentence", "quote", "paragraph")
UNIT_KINDS: tuple[str, ...] = ("quote", "turn", "paragraph")

CaseKind = Literal["pupil", "school", "partnership", "speaker"]
CASE_KINDS: tuple[str, ...] = ("pupil", "school", "partnership", "speaker")

AttributeType = Literal["text", "number", "date", "boolean"]
ATTRIBUTE_TYPES: tuple[str, ...] = ("text", "number", "date", "boolean")

Origin = Literal["human", "rule", "similarity", "classifier", "topic", "import"]
ORIGINS: tuple[str, ...] = ("human", "rule", "similarity", "classifier", "topic", "import")
MACHINE_ORIGINS: tuple[str, ...] = ("rule", "similarity", "classifier", "topic")

CodingStatus = Literal["suggested", "accepted", "rejected"]
CODING_STATUSES: tuple[str, ...] = ("suggested", "accepted", "rejected")

Wave = Literal["before", "after", ""]
WAVES: tuple[str, ...] = ("before", "after")


def normalise_text(text: str) -> str:
    """Return ``text`` with ``\\n`` newlines only and Unicode NFC composition."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def content_hash(data: bytes | str) -> str:
    """sha256 hex digest of bytes, or of a string encoded as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def normalise_wave(value: Any) -> str:
    """Map the many ways people write a wave ("Pre", "baseline", "T1", "after") to before/after."""
    if value is None:
        return ""
    text = str(value).strip().lower()
    if text in ("", "nan", "none"):
        return ""
    if text in ("before", "pre", "baseline", "start", "t0", "t1", "wave 1", "wave1", "1", "autumn"):
        return "before"
    if text in ("after", "post", "endline", "end", "t2", "wave 2", "wave2", "2", "summer"):
        return "after"
    return text


@dataclass
class Source:
    """One document: a roundtable transcript, a quote table or an article.

    ``text`` is the normalised text every offset points into. ``file_hash`` is the sha256 of the
    file's bytes (re-ingesting an unchanged file is a no-op); ``text_hash`` of the stored text.
    ``kind`` is ``transcript``, ``quotes`` or ``article``; ``reader`` names the reader used and
    ``encoding`` the text encoding it detected.
    """

    id: str
    kind: str
    text: str
    path: str = ""
    title: str = ""
    date: str = ""
    partnership: str = ""
    school: str = ""
    event: str = ""
    wave: str = ""
    reader: str = ""
    encoding: str = ""
    file_hash: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def text_hash(self) -> str:
        return content_hash(self.text)


@dataclass(slots=True)  # a million answers: no per-segment __dict__
class Segment:
    """A span of a source: a turn, a sentence, a quote or a paragraph (see module docstring).

    ``case`` is the case id the segment speaks for (a pupil for quotes, a school for a school
    leader's turn, or empty). ``order`` is the position among segments of the same kind in the
    source. ``parent`` is the enclosing turn/paragraph id for sentences. ``timestamp`` keeps the
    media time (``HH:MM:SS.mmm``) of transcript turns where the file had one. ``attributes`` keeps
    any extra columns of a quote table row (question, year group, ...).
    """

    id: str
    source: str
    kind: str
    start: int
    end: int
    text: str
    order: int = 0
    speaker: str = ""
    role: str = ""
    case: str = ""
    wave: str = ""
    parent: str = ""
    timestamp: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)

    def check_offsets(self, source_text: str) -> None:
        """Raise ValueError unless ``source_text[start:end] == text``."""
        if source_text[self.start : self.end] != self.text:
            raise ValueError(
                f"segment {self.id}: offsets {self.start}-{self.end} do not slice its text"
            )


@dataclass
class Case:
    """A unit of analysis with attributes: a pupil, a school, a partnership (or a speaker)."""

    id: str
    kind: str
    name: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass
class Attribute:
    """One typed attribute value of a case (``type`` is text, number, date or boolean)."""

    case: str
    name: str
    type: str
    value: Any


_BOOLEANS = {"true": True, "false": False, "yes": True, "no": False, "y": True, "n": False}


def attribute_type(value: Any) -> str:
    """Infer the attribute type of a value: Python types, or the text a spreadsheet cell holds
    ("9" is a number, "2024-03-01" a date, "yes"/"false" a boolean)."""
    import datetime as _dt
    import re as _re

    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "date"
    text = str(value).strip()
    if text.lower() in _BOOLEANS:
        return "boolean"
    if _re.fullmatch(r"[-+]?\d+(\.\d+)?", text):
        return "number"
    if _re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return "date"
    return "text"


def attribute_text(value: Any, kind: str) -> str:
    """How a typed attribute value is stored (booleans as true/false, dates as YYYY-MM-DD)."""
    if kind == "boolean":
        return "true" if (value if isinstance(value, bool) else _BOOLEANS[str(value).strip().lower()]) else "false"
    if kind == "date" and hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value).strip()


@dataclass
class Code:
    """One code of the codebook (see evidence.codebook for the YAML form).

    ``parent`` is the parent code id ("" for a top-level theme). ``spec`` keeps the rest of the
    codebook entry (when to use, keywords, patterns, examples, threshold).
    """

    id: str
    name: str
    parent: str = ""
    colour: str = ""
    definition: str = ""
    spec: dict[str, Any] = field(default_factory=dict)


@dataclass
class Coding:
    """A code applied to a segment (whole segment) or to a character span of its source.

    ``start``/``end`` are source offsets of the coded span, or ``None`` for the whole segment.
    ``origin`` says who made it (human, rule, similarity, classifier, topic, import); machine
    codings start as ``suggested`` and only count as evidence once ``accepted``. ``explanation`` is
    a human-readable reason (matched words, nearest example, ...).
    """

    segment: str
    code: str
    coder: str
    origin: str = "human"
    status: str = "accepted"
    start: int | None = None
    end: int | None = None
    confidence: float | None = None
    explanation: str = ""
    model_id: str = ""
    model_version: str = ""
    id: int | None = None


@dataclass
class Memo:
    """A researcher's note, attached to a segment, a code, a source or the project."""

    text: str
    author: str = ""
    segment: str = ""
    code: str = ""
    source: str = ""
    id: int | None = None


def column_names(record_type: type) -> list[str]:
    """The tidy-DataFrame columns of a record type, in field order."""
    return [f.name for f in fields(record_type)]


SEGMENT_COLUMNS = [
    "id", "source", "kind", "start", "end", "text", "order", "speaker", "role", "case", "wave",
    "parent", "timestamp", "attributes",
]
CODING_COLUMNS = [
    "id", "segment", "code", "coder", "origin", "status", "start", "end", "confidence",
    "explanation", "model_id", "model_version", "created_at", "updated_at",
]
