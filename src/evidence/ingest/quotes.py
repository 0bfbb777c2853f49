"""Readers for pupil quote tables in .csv and .xlsx.

Each row becomes one ``quote`` segment whose id is the row's id. Columns are found by name (any case):
``id``, ``text`` and, when present, ``pupil``, ``school``, ``wave``, ``question``; any other column is kept
as an attribute of the quote. A sidecar ``columns:`` mapping (or ``--columns`` on the command line) names
other headers, e.g. ``{id: QuoteID, text: Response}``. In the wide layout (``layout: wide``) each row holds
one pupil's ``before`` and ``after`` texts and becomes two quotes, ``ID:before`` and ``ID:after``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import InputError
from ..core.model import Case, Segment, content_hash, normalise_text, normalise_wave
from .build import make_source
from .decode import decode_bytes, read_bytes
from .metadata import read_sidecar
from .registry import Reading, ReadOptions, reader

ROLES = ("id", "text", "pupil", "school", "wave", "question", "partnership", "before", "after")
SYNONYMS = {
    "id": ("id", "quote_id", "quoteid", "quote id", "response_id", "row_id"),
    "text": ("text", "quote", "response", "answer", "comment"),
    "pupil": ("pupil", "pupil_id", "pupil id", "student", "student_id", "learner", "participant"),
    "school": ("school", "school_name", "school name", "setting"),
    "wave": ("wave", "time", "timepoint", "phase", "stage"),
    "question": ("question", "prompt", "item"),
    "partnership": ("partnership", "programme", "program"),
    "before": ("before", "text_before", "pre", "before_text"),
    "after": ("after", "text_after", "post", "after_text"),
}


@dataclass
class Table:
    """A quote table as text cells: its header and one dict per data row."""

    columns: list[str]
    rows: list[dict[str, str]]
    numbers: list[int]  # the spreadsheet row of each data row (header = row 1)


def _table(path: Path) -> tuple[Table, str, str]:
    """The raw table as text cells, its encoding and its file hash."""
    data = read_bytes(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if not data.startswith(b"PK"):
            raise InputError(path, "not an .xlsx workbook (no zip signature)", line=1,
                             hint="save it from Excel as .xlsx or .csv")
        from ..core.safety import check_zip

        check_zip(path)
        try:
            frame = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many kinds on damaged workbooks
            raise InputError(path, f"cannot read the workbook ({exc.__class__.__name__}: {exc})",
                             hint="open and re-save it in Excel") from None
        columns = [str(c) for c in frame.columns]
        frame.columns = columns
        records = frame.to_dict("records")
        return Table(columns, records, list(range(2, len(records) + 2))), "xlsx", content_hash(data)
    decoded = decode_bytes(path, data)
    try:
        dialect = csv.Sniffer().sniff(decoded.text[:8192], delimiters=",;\t|")
        separator = dialect.delimiter
    except csv.Error:
        separator = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(decoded.text, newline=""), delimiter=separator, strict=True)
    first_line = 1  # the line each row starts on, for errors
    try:
        header = next(reader, [])
        first_line = reader.line_num + 1
        columns = [c.strip() for c in header]
        rows, numbers = [], []
        for number, cells in enumerate(reader, start=2):
            last_line = reader.line_num
            if not any(c.strip() for c in cells):
                first_line = last_line + 1
                continue  # a blank line, not a row
            if len(cells) > len(columns):
                raise InputError(path, f"{len(cells)} cells but the header has {len(columns)}", row=number,
                                 line=first_line, hint="check quoting: a text with the separator in it needs quotes")
            if last_line > first_line:
                _check_swallowed(path, cells, len(columns), separator, number, first_line)
            rows.append(dict(zip(columns, cells + [""] * (len(columns) - len(cells)))))
            numbers.append(number)
            first_line = last_line + 1
    except csv.Error as exc:
        raise InputError(path, f"cannot parse the CSV ({exc}): a quote opened on this line is never closed "
                         "properly", line=first_line, hint="close the quote, or double a quote inside a "
                         'quoted text ("")') from None
    return Table(columns, rows, numbers), decoded.encoding, decoded.file_hash


_ROW_ID = re.compile(r"[\w.:\-]{1,40}")


def _check_swallowed(path: Path, cells: list[str], width: int, separator: str, row: int, line: int) -> None:
    """InputError when a quoted cell that runs over several lines holds lines that are rows of their own
    (an unterminated quote closed by a later row's quote), so rows are never merged without a word."""
    for cell in cells:
        if "\n" not in cell:
            continue
        for offset, inner in enumerate(cell.split("\n")[1:], start=1):
            parts = inner.split(separator)
            if len(parts) == width and _ROW_ID.fullmatch(parts[0].strip().strip('"')):
                raise InputError(path, "a quoted text runs on into what looks like the next row "
                                 f"({inner[:40]!r}): its closing quote is missing", line=line, row=row,
                                 hint="close the quote at the end of the text (a quote inside a quoted "
                                 'text is written "")')


def find_columns(path: Path, frame: Table, mapping: dict[str, str]) -> dict[str, str]:
    """Which header plays which role (id, text, pupil, ...), from the mapping or by name."""
    headers = {str(c).strip().lower(): str(c) for c in frame.columns}
    found: dict[str, str] = {}
    for role, header in mapping.items():
        if header not in frame.columns and header.lower() not in headers:
            raise InputError(path, f"column {header!r} (mapped to {role}) is not in the header", line=1,
                             hint=f"columns found: {', '.join(map(str, frame.columns))}")
        found[role] = header if header in frame.columns else headers[header.lower()]
    for role in ROLES:
        if role in found:
            continue
        for name in SYNONYMS[role]:
            if name in headers and headers[name] not in found.values():
                found[role] = headers[name]
                break
    return found


def _value(row: dict[str, Any], column: str | None) -> str:
    return "" if column is None else str(row[column]).strip()


@reader("quotes-csv", ".csv", ".tsv")
def read_quote_csv(path: Path, options: ReadOptions) -> Reading:
    return read_quote_table(path, options)


@reader("quotes-xlsx", ".xlsx", ".xlsm")
def read_quote_xlsx(path: Path, options: ReadOptions) -> Reading:
    return read_quote_table(path, options)


def read_quote_table(path: Path, options: ReadOptions) -> Reading:
    meta = read_sidecar(path)
    frame, encoding, file_hash = _table(path)
    if not frame.rows:
        raise InputError(path, "the table has a header but no rows", line=2)
    columns = find_columns(path, frame, {**(meta.get("columns") or {}), **options.columns})
    wide = str(meta.get("layout", "")).lower() == "wide" or ("text" not in columns and "before" in columns
                                                             and "after" in columns)
    if "id" not in columns:
        raise InputError(path, "no id column", line=1,
                         hint="name a column 'id' or map one with columns: {id: YourColumn} in "
                              f"{path.name}.meta.yaml; columns found: {', '.join(map(str, frame.columns))}")
    if not wide and "text" not in columns:
        raise InputError(path, "no text column", line=1,
                         hint="name a column 'text' or map one with columns: {text: YourColumn} in "
                              f"{path.name}.meta.yaml; columns found: {', '.join(map(str, frame.columns))}")
    used = set(columns.values())
    extra = [c for c in frame.columns if c not in used]
    seen: dict[str, int] = {}
    parts: list[str] = []
    segments: list[Segment] = []
    offset = 0
    source_id = options.source_id
    pupils: dict[str, dict[str, Any]] = {}
    schools: set[str] = set()
    partnerships: set[str] = set()
    id_column, text_column = columns["id"], columns.get("text")
    pupil_column, school_column = columns.get("pupil"), columns.get("school")
    question_column, partnership_column = columns.get("question"), columns.get("partnership")
    wave_column, default_wave = columns.get("wave"), meta.get("wave", "")
    waves = ("before", "after") if wide else ("",)
    # One pass, row by row, each row's cells dropped once its quote is made: a table of a million answers
    # holds one copy of each text, not three (see docs/scale.md).
    rows, numbers = frame.rows, frame.numbers
    frame.rows = []
    for index, row_number in enumerate(numbers):
        row = rows[index]
        rows[index] = None  # type: ignore[call-overload]
        quote_id = _value(row, id_column)
        if not quote_id:
            raise InputError(path, "empty id", row=row_number, hint="give every row an id")
        if quote_id in seen:
            raise InputError(path, f"duplicate id {quote_id!r} (first on row {seen[quote_id]})",
                             row=row_number, hint="ids must be unique within a quote table")
        seen[quote_id] = row_number
        pupil, school = _value(row, pupil_column), _value(row, school_column)
        question, partnership = _value(row, question_column), _value(row, partnership_column)
        attributes: dict[str, Any] = {str(c): str(row[c]) for c in extra if str(row[c]).strip() != ""}
        attributes["row"] = row_number
        if question:
            attributes["question"] = question
        if school:
            attributes["school"] = school
            schools.add(school)
        if partnership:
            attributes["partnership"] = partnership
            partnerships.add(partnership)
        if pupil:
            entry = pupils.setdefault(pupil, {})
            if school:
                entry["school"] = school
            if partnership:
                entry["partnership"] = partnership
        for wave_name in waves:
            if wide:
                segment_id, wave, raw = f"{quote_id}:{wave_name}", wave_name, _value(row, columns.get(wave_name))
            else:
                segment_id, raw = quote_id, _value(row, text_column)
                wave = normalise_wave(_value(row, wave_column) or default_wave)
            text = normalise_text(raw)
            segments.append(Segment(
                id=segment_id, source=source_id, kind="quote", start=offset, end=offset + len(text), text=text,
                order=len(segments), speaker=pupil, role="pupil" if pupil else "", case=pupil, wave=wave,
                attributes=attributes if not wide or wave_name == "before" else dict(attributes),
            ))
            parts.append(text)
            offset += len(text) + 2
    del rows, seen
    body = "\n\n".join(parts)
    source = make_source(path, options, "quotes", body, "quotes-" + path.suffix.lower().lstrip("."),
                         encoding, file_hash, meta)
    cases = [Case(id=pid, kind="pupil", name=pid, attributes=attrs) for pid, attrs in sorted(pupils.items())]
    cases += [Case(id=s, kind="school", name=s) for s in sorted(schools)]
    cases += [Case(id=p, kind="partnership", name=p) for p in sorted(partnerships)]
    reading = Reading(source=source, segments=segments, cases=cases)
    empty = sum(1 for s in segments if not s.text)
    reading.notes.append(f"encoding {encoding}; {len(segments)} quotes"
                         + (f" ({empty} with empty text, kept)" if empty else ""))
    return reading
