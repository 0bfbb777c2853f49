"""The project's codebook in and out: REFI-QDA .qdc, and YAML, CSV, Word and Markdown for people.

    export_codebook(project, "codebook.qdc")               # format from the extension
    export_codebook(project, "codebook.md", format="md")
    report = import_codebook_qdc(project, "from_atlas.qdc")

YAML is the codebook engineer's format (:func:`evidence.codebook.save_codebook`), so an exported
YAML codebook loads back with ``evidence codebook load``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..codebook import Codebook, save_codebook
from ..codebook.changes import codebook_from_store
from ..codebook.schema import SPEC_KEYS
from ..core.errors import EvidenceError
from ..core.files import atomic_write_bytes
from ..project import Project
from ..core.safety import spreadsheet_safe
from .guids import GuidBook
from .import_qdpx import ImportReport, import_refi
from .qde_read import read_qdc
from .qde_write import codebook_xml
from .records import Code as RefiCode
from .records import RefiProject

FORMATS = ("qdc", "yaml", "csv", "docx", "md")


def _refi_codes(project: Project, codebook: Codebook) -> list[RefiCode]:
    from .export_qdpx import _valid_colour

    with project.store.transaction():
        guids = GuidBook(project.store)
        ids = {code.id: guids.guid("code", code.id) for code in codebook}
        return [RefiCode(ids[c.id], c.name or c.id, ids.get(c.parent, ""), _valid_colour(c.colour), c.definition,
                         bool(guids.data("code", c.id).get("codable", True))) for c in codebook]


def codebook_qdc_bytes(project: Project) -> bytes:
    """The project's codebook as a REFI-QDA .qdc document (same GUIDs as in a .qdpx export)."""
    from .export_qdpx import _origin

    return codebook_xml(_refi_codes(project, codebook_from_store(project.store)), origin=_origin())


def _csv(codebook: Codebook) -> bytes:
    frame = codebook.to_frame()
    for key in SPEC_KEYS:
        frame[key] = frame[key].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
    return spreadsheet_safe(frame).to_csv(index=False).encode("utf-8")  # no cell runs as a formula


def _markdown(codebook: Codebook, title: str) -> bytes:
    lines = [f"# Codebook: {title}", ""]

    def add(code_id: str, depth: int) -> None:
        code = codebook[code_id]
        if depth == 0:
            lines.extend([f"## {code.name} (`{code.id}`)", "", code.definition or "_no definition_", ""])
        else:
            lines.append(f"{'  ' * (depth - 1)}- **{code.name}** (`{code.id}`): {code.definition or '_no definition_'}")
        for key in ("when_to_use", "when_not_to_use"):
            if code.spec.get(key):
                lines.append(f"{'  ' * depth}- _{key.replace('_', ' ')}_: {code.spec[key]}")
        for child in codebook.children(code_id):
            add(child.id, depth + 1)
        if depth == 0:
            lines.append("")

    for theme in codebook.themes():
        add(theme.id, 0)
    return "\n".join(lines).encode("utf-8")


def _docx(codebook: Codebook, title: str) -> bytes:
    import io

    import docx

    document = docx.Document()
    document.add_heading(f"Codebook: {title}", level=0)

    def add(code_id: str, depth: int) -> None:
        code = codebook[code_id]
        document.add_heading(f"{code.name} ({code.id})", level=min(depth + 1, 9))
        document.add_paragraph(code.definition or "(no definition)")
        for key in ("when_to_use", "when_not_to_use"):
            if code.spec.get(key):
                paragraph = document.add_paragraph()
                paragraph.add_run(key.replace("_", " ").capitalize() + ": ").bold = True
                paragraph.add_run(str(code.spec[key]))
        for child in codebook.children(code_id):
            add(child.id, depth + 1)

    for theme in codebook.themes():
        add(theme.id, 0)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _write_atomically(out: Path, data: bytes) -> None:
    atomic_write_bytes(out, data)


def export_codebook(project: Project, out: str | Path, format: str | None = None,
                    schema: str | Path | None = None) -> Path:
    """Write the project's codebook as qdc, yaml, csv, docx or md (default: from the extension)."""
    out = Path(out)
    chosen = (format or out.suffix.lstrip(".")).lower().replace("yml", "yaml").replace("markdown", "md")
    if chosen not in FORMATS:
        raise EvidenceError(f"{out}: unknown codebook format {chosen!r} (choose one of {', '.join(FORMATS)})")
    codebook = codebook_from_store(project.store)
    if not len(codebook):
        raise EvidenceError(f"the project has no codes to export (load a codebook first: evidence codebook load)")
    title = str(project.config.get("name") or project.path.resolve().name)
    codebook.name = codebook.name or title
    if chosen == "yaml":
        save_codebook(codebook, out)
        return out
    writers: dict[str, Callable[[], bytes]] = {
        "qdc": lambda: codebook_qdc_bytes(project),
        "csv": lambda: _csv(codebook),
        "md": lambda: _markdown(codebook, title),
        "docx": lambda: _docx(codebook, title),
    }
    data = writers[chosen]()
    if chosen == "qdc" and schema is not None:
        from .validate import validate_codebook

        validate_codebook(data, schema)
    _write_atomically(out, data)
    return out


def read_codebook_qdc(path: str | Path) -> RefiProject:
    """Read a .qdc (codes with hierarchy, colour, description; sets are reported as skipped)."""
    from ..core.safety import check_file_size

    path = Path(path)
    check_file_size(path)
    return read_qdc(path.read_bytes(), str(path))


def import_codebook_qdc(project: Project, path: str | Path, *, author: str = "") -> ImportReport:
    """Add a .qdc codebook's codes to the project (codes already there, by GUID or name, are matched)."""
    from ..core.model import content_hash

    path = Path(path)
    refi = read_codebook_qdc(path)
    report = ImportReport(file=path.name, origin=refi.origin, skipped=list(refi.skipped))
    return import_refi(project, refi, {}, report, file_hash=content_hash(path.read_bytes()), author=author)
