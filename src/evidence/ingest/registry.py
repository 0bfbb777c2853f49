"""The reader registry: one reader per input format, chosen by file extension.

A reader turns one file into a :class:`Reading` (a Source, its segments, speakers and cases). It never
touches the store. A new format is a new function registered with :func:`reader`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from ..core.model import Case, Segment, Source


@dataclass
class Reading:
    """What a reader made of one file, before it is stored."""

    source: Source
    segments: list[Segment]
    speakers: list[dict[str, Any]] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class ReadOptions:
    """Choices that apply to every file of one ingest (from the CLI or the project config)."""

    source_id: str
    kind: str = ""  # "", transcript, article or quotes: force how a file is read
    speakers: dict[str, dict[str, str]] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    pipeline: str = "blank:en"


Reader = Callable[[Path, ReadOptions], Reading]
READERS: dict[str, tuple[str, Reader]] = {}


def reader(name: str, *extensions: str) -> Callable[[Reader], Reader]:
    """Register a reader for the given extensions (lower case, with the dot)."""

    def register(func: Reader) -> Reader:
        for ext in extensions:
            READERS[ext] = (name, func)
        return func

    return register


def reader_for(path: Path) -> tuple[str, Reader]:
    ext = path.suffix.lower()
    if ext not in READERS:
        known = ", ".join(sorted(READERS))
        raise InputError(path, f"no reader for '{ext or 'no extension'}' files", hint=f"known: {known}")
    return READERS[ext]


def supported(path: Path) -> bool:
    return path.suffix.lower() in READERS and not path.name.endswith(".meta.yaml")
