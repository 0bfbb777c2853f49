"""Import codings a team made in Excel or CSV.

    report = import_codings(project, "codings.xlsx", coder="Ben")
    print(report.summary())

Accepted layouts (an ``id`` column matching ingested segment ids, e.g. quote ids):
    long   id, code              one row per (segment, code); ids repeat for several codes
    wide   id, Code 1, Code 2..  one row per segment, one code per column
    turns  source_file, turn, code   a transcript file (relative to the sheet's folder or the corpus
                                     folder above it) and a 0-based turn number, for coded roundtables
A cell may also hold several codes separated by ";" or "|". A code is named by its id
(``outcomes.confidence``), its name (``Confidence``) or a path of names (``Pupil outcomes->Confidence``),
which also creates the hierarchy for codes the codebook lacks. Unknown codes are added to the
codebook and reported.

Imported codings have origin ``import`` and status ``accepted``: a person made them, so they count
as human judgements (training data, agreement), while the origin keeps them apart from codings
made in the workbench. The explanation says ``imported from FILE row N`` (spreadsheet row, header = 1).
Importing the same file twice adds nothing the second time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence.codebook.changes import add_code, project_codebook
from evidence.codebook.operations import slug
from evidence.codebook.schema import Codebook
from evidence.core.errors import InputError
from evidence.core.model import Code, Coding

if TYPE_CHECKING:
    from evidence.project import Project

ID_COLUMNS = ("id", "quote id", "quote_id", "quoteid", "segment", "segment id", "segment_id")
_WIDE_COLUMN = re.compile(r"^\s*codes?\s*_?\s*\d+\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*[;|]\s*")


@dataclass
class ImportReport:
    """What an import did: codings added, codes added (id -> name path), rows skipped and why."""

    path: str
    coder: str
    codings_added: int = 0
    already_there: int = 0
    codes_added: dict[str, str] = field(default_factory=dict)
    unknown_segments: list[tuple[int, str]] = field(default_factory=list)
    layout: str = ""

    def summary(self) -> str:
        text = (f"{self.path}: {self.codings_added} codings imported for coder {self.coder!r} "
                f"({self.layout} layout)")
        if self.already_there:
            text += f"; {self.already_there} were already imported"
        if self.codes_added:
            text += "; new codes added to the codebook: " + ", ".join(
                f"{code} ({name})" for code, name in self.codes_added.items())
        if self.unknown_segments:
            text += f"; {len(self.unknown_segments)} rows skipped (ids not in the project: " + ", ".join(
                f"row {r} {i!r}" for r, i in self.unknown_segments[:5]) + ("..." if len(self.unknown_segments) > 5 else "") + ")"
        return text


def read_coding_table(path: str | Path) -> pd.DataFrame:
    """Read a csv/xlsx of codings as text cells (``row`` column = spreadsheet row, header = 1)."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm"):
            table = pd.read_excel(path, dtype=str)
        elif suffix in (".csv", ".txt"):
            table = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        elif suffix == ".tsv":
            table = pd.read_csv(path, dtype=str, sep="\t", encoding="utf-8-sig", keep_default_na=False)
        else:
            raise InputError(str(path), f"cannot read codings from a {suffix or 'extensionless'} file",
                             hint="save the sheet as .csv or .xlsx")
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise InputError(str(path), f"not a readable table ({exc})",
                         hint="save it as UTF-8 .csv or as .xlsx") from None
    table = table.fillna("")
    table.insert(0, "row", range(2, len(table) + 2))
    return table


TURN_LOCATOR = ("source_file", "turn")


def _layout(table: pd.DataFrame, path: str) -> tuple[str, str, list[str]]:
    columns = {c.strip().lower(): c for c in table.columns if c != "row"}
    id_column = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    if id_column is None and all(c in columns for c in TURN_LOCATOR):
        id_column = ""  # rows name a transcript file and a turn number instead of a segment id
    if id_column is None:
        raise InputError(path, f"no id column (found: {', '.join(c for c in table.columns if c != 'row')})",
                         row=1, hint="name the column holding the quote or segment ids 'id'")
    wide = [c for c in table.columns if _WIDE_COLUMN.match(str(c))]
    if wide:
        return "wide", id_column, wide
    long = [columns[c] for c in ("code", "codes", "code id", "code_id", "theme") if c in columns]
    if long:
        return "long", id_column, long[:1]
    raise InputError(path, "no code column", row=1,
                     hint="use a 'code' column (one row per id and code) or 'Code 1', 'Code 2', ... columns")


class _Resolver:
    """Find (or plan) the code id for a cell: an id, a name, or a 'parent->child' path of names."""

    def __init__(self, codebook: Codebook, source: str) -> None:
        self.codebook = codebook
        self.source = source
        self.new: dict[str, Code] = {}
        self.paths: dict[str, str] = {}

    def _children(self, parent: str) -> list[Code]:
        known = [c for c in self.codebook if c.parent == parent]
        return known + [c for c in self.new.values() if c.parent == parent]

    def _match(self, label: str, candidates: list[Code]) -> Code | None:
        wanted = " ".join(label.lower().split())
        for code in candidates:
            if wanted in (code.id.lower(), " ".join(code.name.lower().split())):
                return code
        for code in candidates:  # a child named by the last part of its id ("confidence")
            if code.id.lower().rsplit(".", 1)[-1] == wanted.replace(" ", "_"):
                return code
        return None

    def resolve(self, cell: str, row: int) -> str:
        everything = [*self.codebook, *self.new.values()]
        if "->" not in cell:
            exact = next((c for c in everything if c.id == cell), None)
            found = exact or self._match(cell, everything)
            return found.id if found else self._create([cell], row)
        parts = [p.strip() for p in cell.split("->") if p.strip()]
        parent = ""
        for depth, part in enumerate(parts):
            candidates = self._children(parent) if depth else [c for c in everything if not c.parent]
            found = self._match(part, candidates)
            if found is None:
                return self._create(parts, row, start=depth, parent=parent)
            parent = found.id
        return parent

    def _create(self, parts: list[str], row: int, start: int = 0, parent: str = "") -> str:
        for part in parts[start:]:
            base = f"{parent}.{slug(part)}" if parent else slug(part)
            code_id, n = base, 2
            while code_id in self.codebook or code_id in self.new:
                code_id, n = f"{base}_{n}", n + 1
            self.new[code_id] = Code(
                id=code_id, name=part, parent=parent,
                definition=f"Added when importing {self.source} (row {row}); write a definition.")
            self.paths[code_id] = "->".join(parts[: parts.index(part) + 1])
            parent = code_id
        return parent


def _turn_locator(project: Project, path: Path, table: pd.DataFrame) -> Any:
    """Map rows that say ``source_file`` (relative to the codings file's folder or the corpus folder above
    it) and ``turn`` (0-based turn number in that transcript) to turn segment ids. Source ids are
    pseudonymised at ingest, so a file and a turn number are how a codings sheet can name a turn."""
    columns = {c.strip().lower(): c for c in table.columns if c != "row"}
    file_column, turn_column = columns["source_file"], columns["turn"]
    turns_by_source: dict[str, list[str]] = {}
    sources: dict[str, str | None] = {}
    for name in sorted(set(table[file_column].astype(str))):
        candidates = [path.parent / name, path.parent.parent / name, Path(name)]
        found = next((c for c in candidates if c.exists()), None)
        sources[name] = None if found is None else project.source_for_file(found)
    for source in {s for s in sources.values() if s}:
        frame = project.segments(["turn"], source=source)
        turns_by_source[source] = list(frame.sort_values("order")["id"])

    def locate(record: dict[str, Any]) -> str:
        source = sources.get(str(record[file_column]))
        turn = str(record[turn_column]).strip()
        if not source or not turn.isdigit() or int(turn) >= len(turns_by_source[source]):
            return f"{record[file_column]}#turn {turn}"  # reported as an unknown segment
        return turns_by_source[source][int(turn)]

    return locate


def import_codings(project: Project, path: str | Path, coder: str, *, skip_unknown: bool = False,
                   author: str = "", table: pd.DataFrame | None = None) -> ImportReport:
    """Import a csv/xlsx of codings for ``coder`` in one transaction (see module docstring).

    Rows whose id is not a segment of the project stop the import with an InputError naming them
    (nothing is stored) unless ``skip_unknown``, which imports the rest and lists them in the report.
    ``table`` gives rows already read from ``path`` (:func:`read_coding_table`), e.g. one coder's rows.
    """
    if not coder.strip():
        raise InputError(str(path), "the coder's name is empty", hint="pass --coder NAME")
    path = Path(path)
    table = read_coding_table(path) if table is None else table
    layout, id_column, code_columns = _layout(table, str(path))
    report = ImportReport(path=str(path), coder=coder, layout=layout)
    segments = project.store.sources.segment_ids()
    resolver = _Resolver(project_codebook(project), path.name)
    locate = _turn_locator(project, path, table) if id_column == "" else None
    wanted: dict[tuple[str, str], int] = {}
    for record in table.to_dict("records"):
        row = int(record["row"])
        segment = locate(record) if locate is not None else str(record[id_column]).strip()
        cells = [str(record[c]).strip() for c in code_columns]
        labels = [part for cell in cells if cell for part in _SEPARATORS.split(cell) if part]
        if not segment:
            if labels:
                raise InputError(str(path), "a row has codes but no id", row=row, hint="fill in the id or delete the row")
            continue
        if segment not in segments:
            report.unknown_segments.append((row, segment))
            continue
        for label in labels:
            wanted.setdefault((segment, resolver.resolve(label, row)), row)
    if report.unknown_segments and not skip_unknown:
        rows = ", ".join(f"row {r} ({i!r})" for r, i in report.unknown_segments[:10])
        raise InputError(str(path), f"{len(report.unknown_segments)} ids are not segments of this project: {rows}"
                         + ("..." if len(report.unknown_segments) > 10 else ""), row=report.unknown_segments[0][0],
                         hint="ingest the quotes first, check the id column, or pass --skip-unknown; nothing was imported")
    existing = project.codings(coder=coder, origin="import")
    done = set(zip(existing["segment"], existing["code"]))
    codings = [
        Coding(segment=segment, code=code, coder=coder, origin="import", status="accepted",
               explanation=f"imported from {path.name} row {row}")
        for (segment, code), row in wanted.items() if (segment, code) not in done
    ]
    report.already_there = len(wanted) - len(codings)
    with project.store.transaction():
        for code in resolver.new.values():
            add_code(project, code, author=author or coder)
            report.codes_added[code.id] = resolver.paths[code.id]
        project.add_codings(codings)
    report.codings_added = len(codings)
    return report
