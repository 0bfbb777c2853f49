"""REFI-QDA records: the parts of a project.qde the workbench reads and writes, as plain dataclasses.

These sit between the XML (:mod:`.qde_xml`) and the project store (:mod:`.export_qdpx`,
:mod:`.import_qdpx`). GUIDs are lower case without braces. Text offsets of a :class:`Selection` are
whatever the file said; :mod:`.offsets` turns them into code points of the normalised text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VARIABLE_TYPES = ("Text", "Boolean", "Integer", "Float", "Date", "DateTime")


@dataclass
class User:
    guid: str
    name: str
    short_id: str = ""


@dataclass
class Code:
    guid: str
    name: str
    parent: str = ""  # parent code GUID
    colour: str = ""
    description: str = ""
    codable: bool = True
    notes: list[str] = field(default_factory=list)  # NoteRef target GUIDs


@dataclass
class Variable:
    guid: str
    name: str
    type: str = "Text"  # one of VARIABLE_TYPES
    description: str = ""


@dataclass
class Coding:
    guid: str
    code: str  # code GUID
    user: str = ""  # creatingUser GUID
    created: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class Selection:
    """A PlainTextSelection: ``start``/``end`` as written in the file (end exclusive)."""

    guid: str
    start: int
    end: int
    name: str = ""
    description: str = ""
    user: str = ""
    created: str = ""
    codings: list[Coding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class TextSource:
    """A text source (or the text representation of a PDF). ``text`` is None until read."""

    guid: str
    name: str
    element: str = "TextSource"  # TextSource | PDFSource (its Representation)
    description: str = ""
    plain_text: str | None = None  # PlainTextContent given inline
    plain_path: str = ""
    rich_path: str = ""
    user: str = ""
    created: str = ""
    selections: list[Selection] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)  # codings of the whole source
    notes: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # variable GUID -> value


@dataclass
class Case:
    guid: str
    name: str
    description: str = ""
    values: dict[str, Any] = field(default_factory=dict)  # variable GUID -> value
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    selections: list[str] = field(default_factory=list)


@dataclass
class Note:
    guid: str
    name: str = ""
    text: str | None = None
    plain_path: str = ""
    user: str = ""
    created: str = ""


@dataclass
class Skipped:
    """Something in the file the workbench could not take in, and why (every one is reported)."""

    what: str
    name: str
    reason: str


@dataclass
class RefiProject:
    name: str = ""
    origin: str = ""
    namespace: str = ""
    description: str = ""
    users: list[User] = field(default_factory=list)
    codes: list[Code] = field(default_factory=list)  # parents before children, in file order
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sources: list[TextSource] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    project_notes: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
