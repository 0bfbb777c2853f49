"""Guards for hostile or broken input: XML without entity tricks, zips without traversal or bombs,
and files of a sane size.

The docx/xlsx readers and the REFI-QDA importer call these before handing bytes to a parser:

    members = safe_zip_members(path)              # InputError on traversal, too many entries, bombs
    data = read_zip_member(path, "word/document.xml")
    root = parse_xml(data, path=path)             # InputError on DTD entities / external entities
    check_file_size(path)                         # InputError when absurdly large

Every error is an :class:`evidence.core.errors.InputError` naming the file and saying what to do.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from evidence.core.errors import InputError

MAX_FILE_BYTES = 200 * 2**20
"""Largest input file read at all (200 MiB): transcripts and tables are far smaller."""

MAX_ZIP_ENTRIES = 5_000
"""Most members a docx/xlsx/qdpx may hold; a docx has ~20, a big qdpx a few hundred."""

MAX_ZIP_TOTAL_BYTES = 512 * 2**20
"""Most bytes all members of one zip may expand to (512 MiB)."""

MAX_COMPRESSION_RATIO = 500
"""Expansion ratio above which a member larger than :data:`RATIO_CHECK_BYTES` counts as a bomb."""

RATIO_CHECK_BYTES = 2**20

_READ_CHUNK = 2**16


def check_file_size(path: str | Path, limit: int = MAX_FILE_BYTES, *, allow_empty: bool = True) -> int:
    """Return the size of ``path`` in bytes; InputError if it is missing, not a file, too large or empty."""
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(str(path), "file not found", hint="check the path") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read file: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError(str(path), "not a regular file", hint="give the path of a file, not a folder or device")
    if info.st_size > limit:
        raise InputError(
            str(path),
            f"file is {_human(info.st_size)}, more than the limit of {_human(limit)}",
            hint="split the file, or check that it is the file you meant",
        )
    if info.st_size == 0 and not allow_empty:
        raise InputError(str(path), "file is empty", hint="export the document again")
    return info.st_size


def reject_binary(data: bytes, path: str | Path) -> None:
    """InputError if ``data`` (the start of a supposed text file) holds NUL bytes or other binary.

    A renamed .docx/.pdf/.png looks like text to nothing: its first bytes say so, and we name the
    likely format in the message.
    """
    head = data[:8192]
    magic = {
        b"PK\x03\x04": "a zip container (docx, xlsx or qdpx?)",
        b"%PDF": "a PDF document",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"\xd0\xcf\x11\xe0": "an old Office (doc/xls) file",
        b"\x1f\x8b": "a gzip archive",
    }
    for prefix, what in magic.items():
        if head.startswith(prefix):
            raise InputError(str(path), f"this looks like {what}, not text",
                             hint="give the file its proper extension or export it as text")
    if b"\x00" in head and not _looks_utf16(head):
        line = head[: head.index(b"\x00")].count(b"\n") + 1
        raise InputError(str(path), "file contains NUL bytes, so it is binary, not text", line=line,
                         hint="export the document as plain text (UTF-8)")


def _looks_utf16(head: bytes) -> bool:
    return head.startswith((b"\xff\xfe", b"\xfe\xff"))


def parse_xml(data: bytes, path: str | Path = "<xml>", *, forbid_dtd: bool = False) -> Any:
    """Parse XML bytes with defusedxml and return the root ``xml.etree.ElementTree.Element``.

    Entity declarations (the billion-laughs bomb), external entities and external DTDs all raise
    InputError; so does malformed XML (with the line number). ``forbid_dtd=True`` also rejects any
    DOCTYPE at all.
    """
    from xml.etree.ElementTree import ParseError

    import defusedxml
    import defusedxml.ElementTree as safe_et

    try:
        root = safe_et.fromstring(data, forbid_dtd=forbid_dtd, forbid_entities=True, forbid_external=True)
        check_xml_depth(root, path)
        return root
    except defusedxml.DTDForbidden:
        raise InputError(str(path), "XML has a document type declaration (DTD), which is not allowed",
                         hint="remove the <!DOCTYPE ...> from the file") from None
    except defusedxml.EntitiesForbidden as exc:
        raise InputError(str(path), f"XML declares entities ({exc.name!r}), which could expand into "
                         "a huge document or read other files", hint="this file is unsafe; export it again "
                         "from the program that made it") from None
    except defusedxml.ExternalReferenceForbidden:
        raise InputError(str(path), "XML refers to an external resource, which is not allowed",
                         hint="this file is unsafe; export it again") from None
    except defusedxml.NotSupportedError as exc:  # pragma: no cover - only with odd parsers
        raise InputError(str(path), f"XML feature not supported: {exc}") from None
    except (LookupError, UnicodeError) as exc:  # <?xml encoding="nonsense"?> or bytes not in that encoding
        raise InputError(str(path), f"XML in an unknown or wrong encoding ({exc})",
                         hint="save the file as UTF-8 and export it again") from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else None
        raise InputError(str(path), f"not well-formed XML ({exc.msg if hasattr(exc, 'msg') else exc})",
                         line=line, hint="the file may be truncated or damaged; export it again") from None


class ZipBytes(io.BytesIO):
    """A zip held in memory (a .docx inside a .qdpx), named for error messages; every function here
    that takes a zip path takes one of these too, under the same limits."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name

    def __str__(self) -> str:
        return self.name


MAX_XML_DEPTH = 100
"""Deepest element nesting an XML document may have (a REFI codebook nests a few levels; 5,000 is an attack)."""


def check_xml_depth(root: Any, path: str | Path, max_depth: int = MAX_XML_DEPTH) -> None:
    """InputError when elements nest deeper than ``max_depth`` (readers walk codes recursively)."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > max_depth:
            raise InputError(str(path), f"XML elements are nested more than {max_depth} deep",
                             hint="this is not a normal document; export it again or flatten the code tree")
        stack.extend((child, depth + 1) for child in element)


def _open_zip(zip_path: str | Path | ZipBytes) -> zipfile.ZipFile:
    if isinstance(zip_path, ZipBytes):
        zip_path.seek(0)
    try:
        return zipfile.ZipFile(zip_path)
    except FileNotFoundError:
        raise InputError(str(zip_path), "file not found", hint="check the path") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(str(zip_path), f"not a readable zip container ({exc})",
                         hint="the file may be truncated, damaged or have the wrong extension; "
                         "save or export it again") from None


def _check_member_name(name: str, zip_path: str | Path) -> None:
    cleaned = name.replace("\\", "/")
    if cleaned.startswith("/") or (len(cleaned) > 1 and cleaned[1] == ":") or "\x00" in cleaned:
        raise InputError(str(zip_path), f"zip member {name!r} has an absolute path",
                         hint="this file is unsafe; do not open it")
    parts = PurePosixPath(cleaned).parts
    if ".." in parts or posixpath.normpath(cleaned).startswith(".."):
        raise InputError(str(zip_path), f"zip member {name!r} points outside the archive (path traversal)",
                         hint="this file is unsafe; do not open it")


def safe_zip_members(
    zip_path: str | Path,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_total_bytes: int = MAX_ZIP_TOTAL_BYTES,
    *,
    verify: bool = True,
    max_ratio: float = MAX_COMPRESSION_RATIO,
) -> list[zipfile.ZipInfo]:
    """Check a zip container and return its members' ``ZipInfo``; InputError if it is unsafe.

    Rejects: unreadable/truncated zips, absolute or ``..`` member paths, more than ``max_entries``
    members, declared sizes adding up to more than ``max_total_bytes``, members that expand more than
    ``max_ratio`` times, and (with ``verify``) members whose *actual* decompressed bytes exceed what
    the header declares or the total limit -- headers can lie, so we count while decompressing,
    stopping as soon as a limit is passed. ``verify`` also runs the CRC check of every member.
    """
    with _open_zip(zip_path) as archive:
        members = archive.infolist()
        if len(members) > max_entries:
            raise InputError(str(zip_path), f"zip holds {len(members)} entries, more than the limit of "
                             f"{max_entries}", hint="this is not a normal document; check the file")
        declared_total = 0
        for info in members:
            _check_member_name(info.filename, zip_path)
            declared_total += info.file_size
            if declared_total > max_total_bytes:
                raise InputError(str(zip_path), f"zip would expand to more than {_human(max_total_bytes)} "
                                 "(a zip bomb?)", hint="this file is unsafe or far too large; do not open it")
            if (info.file_size > RATIO_CHECK_BYTES
                    and info.file_size > max_ratio * max(info.compress_size, 1)):
                raise InputError(str(zip_path), f"zip member {info.filename!r} expands "
                                 f"{info.file_size // max(info.compress_size, 1)} times (a zip bomb?)",
                                 hint="this file is unsafe; do not open it")
        if verify:
            actual_total = 0
            for info in members:
                if info.is_dir():
                    continue
                actual_total += _read_member(archive, info, zip_path, max_total_bytes - actual_total,
                                             keep=False)[1]
    return members


def read_zip_member(
    zip_path: str | Path, name: str, max_bytes: int = MAX_ZIP_TOTAL_BYTES
) -> bytes:
    """Read one member of a zip, never decompressing more than ``max_bytes`` nor more than declared."""
    with _open_zip(zip_path) as archive:
        try:
            info = archive.getinfo(name)
        except KeyError:
            raise InputError(str(zip_path), f"zip has no member {name!r}",
                             hint="the file may not be the kind of document its extension says") from None
        _check_member_name(info.filename, zip_path)
        return _read_member(archive, info, zip_path, max_bytes, keep=True)[0]


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, zip_path: str | Path,
                 budget: int, *, keep: bool) -> tuple[bytes, int]:
    """Decompress one member in chunks (keeping them if ``keep``); return (bytes, count).

    InputError as soon as more comes out than the header declares or than ``budget``.
    """
    chunks: list[bytes] = []
    count = 0
    limit = min(info.file_size, budget)
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_READ_CHUNK)
                if not chunk:
                    break
                count += len(chunk)
                if count > limit:
                    what = ("more than its header declares" if count > info.file_size
                            else f"past the limit of {_human(budget)}")
                    raise InputError(str(zip_path), f"zip member {info.filename!r} expands {what} "
                                     "(a zip bomb?)", hint="this file is unsafe; do not open it")
                if keep:
                    chunks.append(chunk)
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        raise InputError(str(zip_path), f"zip member {info.filename!r} is damaged ({exc})",
                         hint="the file may be truncated; save or export it again") from None
    return b"".join(chunks), count


def safe_extract(
    zip_path: str | Path,
    target_dir: str | Path,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_total_bytes: int = MAX_ZIP_TOTAL_BYTES,
) -> list[Path]:
    """Extract a zip into ``target_dir`` after :func:`safe_zip_members`; returns the files written.

    Every destination is checked to lie inside ``target_dir`` (after resolving), symlinks are never
    created, and each member is decompressed with the same byte limits.
    """
    target = Path(target_dir).resolve()
    members = safe_zip_members(zip_path, max_entries, max_total_bytes, verify=False)
    written: list[Path] = []
    budget = max_total_bytes
    with _open_zip(zip_path) as archive:
        for info in members:
            destination = (target / info.filename.replace("\\", "/")).resolve()
            if destination != target and target not in destination.parents:
                raise InputError(str(zip_path), f"zip member {info.filename!r} points outside the "
                                 "target folder", hint="this file is unsafe; do not open it")
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            data = _read_member(archive, info, zip_path, budget, keep=True)[0]
            budget -= len(data)
            destination.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            written.append(destination)
    return written


def _human(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"  # pragma: no cover


XML_MEMBER_SUFFIXES = (".xml", ".rels", ".qde", ".qdc", ".vml")


def check_zip(
    zip_path: str | Path,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_total_bytes: int = MAX_ZIP_TOTAL_BYTES,
) -> list[zipfile.ZipInfo]:
    """:func:`safe_zip_members` for an Office/REFI container, plus: no XML part may declare a DTD.

    docx, xlsx and qdpx parts never need a ``<!DOCTYPE``; one that has it is an entity attack (billion
    laughs, external entities) aimed at whatever parser reads the part next, so it is refused here.
    """
    members = safe_zip_members(zip_path, max_entries, max_total_bytes)
    with _open_zip(zip_path) as archive:
        for info in members:
            if info.is_dir() or not info.filename.lower().endswith(XML_MEMBER_SUFFIXES):
                continue
            with archive.open(info) as stream:
                prolog = stream.read(_READ_CHUNK)
            if b"<!DOCTYPE" in prolog.upper() or b"<!ENTITY" in prolog.upper():
                raise InputError(str(zip_path), f"XML part {info.filename!r} declares a DTD or entities, "
                                 "which documents never need (an entity attack?)",
                                 hint="this file is unsafe; do not open it")
    return members


MAX_YAML_DEPTH = 100
"""Deepest nesting of mappings and lists a YAML file (sidecar, codebook, evidence.yaml) may have."""

MAX_YAML_ALIAS_NODES = 10_000
"""Most nodes that aliases (``*name``) may add on top of the document's own, so an alias bomb stays small."""


def check_yaml_node(node: Any, path: str | Path, *, max_depth: int = MAX_YAML_DEPTH,
                    max_alias_nodes: int = MAX_YAML_ALIAS_NODES) -> None:
    """InputError if a composed YAML document nests deeper than ``max_depth``, refers to itself, or
    would grow by more than ``max_alias_nodes`` once its aliases are expanded (a "billion laughs").

    The walk is iterative and each node is visited once, so it costs as little as the parse.
    """
    import yaml

    sizes: dict[int, int] = {}  # id(node) -> nodes once expanded
    depths: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(node, False)]
    while stack:
        current, done = stack.pop()
        key = id(current)
        children: list[Any] = []
        if isinstance(current, yaml.SequenceNode):
            children = list(current.value)
        elif isinstance(current, yaml.MappingNode):
            children = [part for pair in current.value for part in pair]
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            depths[key] = 1 + max((depths[id(child)] for child in children), default=0)
            if depths[key] > max_depth:
                line = current.start_mark.line + 1 if current.start_mark else None
                raise InputError(str(path), f"YAML is nested more than {max_depth} levels deep", line=line,
                                 hint="flatten the file; no sidecar, codebook or setting needs this depth")
            continue
        if key in sizes:
            continue
        if key in on_path:
            line = current.start_mark.line + 1 if current.start_mark else None
            raise InputError(str(path), "YAML refers to itself through an alias (*name inside &name)",
                             line=line, hint="write the values out instead of using anchors and aliases")
        on_path.add(key)
        stack.append((current, True))
        if len(on_path) > max_depth + 1:
            line = current.start_mark.line + 1 if current.start_mark else None
            raise InputError(str(path), f"YAML is nested more than {max_depth} levels deep", line=line,
                             hint="flatten the file; no sidecar, codebook or setting needs this depth")
        stack.extend((child, False) for child in children if id(child) not in sizes)
    if sizes[id(node)] > len(sizes) + max_alias_nodes:
        raise InputError(str(path), f"YAML aliases expand it to {sizes[id(node)]:,} values from {len(sizes):,} "
                         "written (an alias bomb?)", hint="write the values out instead of using anchors "
                         "and aliases")


def load_yaml(text: str, path: str | Path = "<yaml>", loader: Any = None) -> Any:
    """Parse one YAML document safely: a SafeLoader (or the given subclass), nesting and alias
    expansion bounded by :func:`check_yaml_node`. ``yaml.YAMLError`` is left for the caller to word."""
    import yaml

    loader_class = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parser = loader_class(text)
    try:
        try:
            node = parser.get_single_node()
        except RecursionError:
            raise InputError(str(path), f"YAML is nested more than {MAX_YAML_DEPTH} levels deep",
                             hint="flatten the file; no sidecar, codebook or setting needs this depth") from None
        if node is None:
            return None
        check_yaml_node(node, path)
        return parser.construct_document(node)
    finally:
        parser.dispose()


def check_regular_file(path: str | Path) -> None:
    """InputError unless ``path`` is a regular file (a FIFO or device would block or never end)."""
    check_file_size(path)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel, LibreOffice or Sheets read a cell as a formula (OWASP CSV injection)."""


def neutralise_formula(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, with a leading ``'`` so it shows as text.

    ``=HYPERLINK(...)``, ``+1``, ``-2+3``, ``@SUM(...)`` and cells starting with a tab or carriage return
    get the quote (as OWASP recommends); so does a cell already starting with quotes before one of those,
    so :func:`restore_formula` gives back exactly what was written. Numbers and other values are unchanged.
    """
    if isinstance(value, str) and value.lstrip("'")[:1] in FORMULA_STARTS and value.lstrip("'"):
        return "'" + value
    return value


def restore_formula(value: Any) -> Any:
    """The cell text :func:`neutralise_formula` was given (for reading back a table the workbench wrote)."""
    if isinstance(value, str) and value.startswith("'") and value.lstrip("'")[:1] in FORMULA_STARTS \
            and value.lstrip("'"):
        return value[1:]
    return value


def spreadsheet_safe(frame: Any) -> Any:
    """A copy of a DataFrame whose text cells and column names cannot run as spreadsheet formulas.

    Every CSV or Excel file the workbench writes for people to open goes through this.
    """
    safe = frame.copy()
    safe.columns = [neutralise_formula(c) for c in safe.columns]
    for column in range(safe.shape[1]):
        series = safe.iloc[:, column]
        if series.dtype == object or str(series.dtype) in ("string", "category", "str"):
            safe.isetitem(column, series.map(neutralise_formula))
    return safe


def spreadsheet_restore(frame: Any) -> Any:
    """The DataFrame :func:`spreadsheet_safe` was given, from the CSV it wrote."""
    restored = frame.copy()
    restored.columns = [restore_formula(c) for c in restored.columns]
    for column in range(restored.shape[1]):
        series = restored.iloc[:, column]
        if series.dtype == object or str(series.dtype) in ("string", "str"):
            restored.isetitem(column, series.map(restore_formula))
    return restored
