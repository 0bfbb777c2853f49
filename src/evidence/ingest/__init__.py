"""Ingestion: files in, model records out (no store access here; see evidence.project for the recipe).

``read_file(path, options)`` picks the reader registered for the file's extension (see
:mod:`evidence.ingest.registry`); ``discover(paths)`` expands folders into the files a reader knows.
"""

from __future__ import annotations

from pathlib import Path

from . import docx, quotes, subtitles, text  # noqa: F401  (register the readers)
from .registry import READERS, Reading, ReadOptions, reader_for, supported


def read_file(path: str | Path, options: ReadOptions) -> Reading:
    """Read one file with the reader registered for its extension."""
    path = Path(path)
    name, read = reader_for(path)
    reading = read(path, options)
    for segment in reading.segments:
        segment.check_offsets(reading.source.text)
    return reading


def discover(paths: list[str | Path]) -> list[Path]:
    """Files to ingest: the given files, and every supported file under the given folders (sorted)."""
    found: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and supported(p)
                            and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            found.append(path)
    return found


__all__ = ["READERS", "Reading", "ReadOptions", "discover", "read_file"]
