"""The files inside a .qdpx: find the project.qde and source files, and read text from .txt/.docx/.pdf.

Every member is read through :mod:`evidence.core.safety` (no path traversal, no zip bombs). Tools differ in
the details: the .qde may have another name, the folder may be ``Sources/`` or ``sources/``, and a
path may be ``internal://GUID.txt`` with the GUID in another letter case or in braces.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..core.safety import ZipBytes, check_zip, read_zip_member, safe_zip_members


@dataclass
class Archive:
    """A checked .qdpx: its path, its .qde member name, and every file member by lower-case basename."""

    path: Path
    qde: str
    files: dict[str, str]  # lower-case basename -> member name

    def read(self, member: str) -> bytes:
        return read_zip_member(self.path, member)

    def find(self, reference: str) -> str | None:
        """The member a source path refers to (``internal://x.txt``, ``sources/x.txt``, ``x.txt``)."""
        if not reference:
            return None
        name = reference.split("://", 1)[-1].replace("\\", "/").lstrip("/")
        base = posixpath.basename(name).lower()
        if base in self.files:
            return self.files[base]
        stem, dot, ext = base.rpartition(".")
        if dot:  # a GUID written with braces on one side and without on the other
            bare = f"{stem.strip('{}')}.{ext}"
            for key, member in self.files.items():
                if key.replace("{", "").replace("}", "") == bare:
                    return member
        return None


def open_archive(path: str | Path) -> Archive:
    """Check a .qdpx and locate its .qde (``project.qde`` or the only ``*.qde`` in it)."""
    path = Path(path)
    members = [m for m in safe_zip_members(path) if not m.is_dir()]
    qdes = [m.filename for m in members if m.filename.lower().endswith(".qde")]
    if not qdes:
        raise InputError(str(path), "no .qde project file inside the archive",
                         hint="a .qdpx holds a project.qde and a sources/ folder; export the project again")
    preferred = [q for q in qdes if posixpath.basename(q).lower() == "project.qde"]
    top = sorted(preferred or qdes, key=lambda q: (q.count("/"), q))
    if len(top) > 1 and not preferred:
        raise InputError(str(path), f"several .qde files inside the archive ({', '.join(top)})",
                         hint="export one project per .qdpx file")
    files = {posixpath.basename(m.filename).lower(): m.filename for m in members}
    return Archive(path, top[0], files)


def decode_text(data: bytes, where: str) -> tuple[str, str]:
    """Text of a plain-text source: UTF-8 (with or without BOM) as the standard says, else UTF-16 with a
    BOM; returns (text, encoding). InputError names the member when it is neither."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(where, "plain-text source is not UTF-8", line=line,
                         hint="REFI-QDA text sources must be UTF-8; export the project again") from None
    return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"


def docx_text(data: bytes, where: str) -> str:
    """Plain text of a .docx: its paragraphs joined by line breaks (python-docx)."""
    import docx

    check_zip(ZipBytes(data, where))  # a document inside an archive gets the archive's own limits
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(where, f"not a readable Word document ({exc})") from None
    except Exception as exc:  # lxml / python-docx errors on damaged parts
        raise InputError(where, f"damaged Word document ({exc.__class__.__name__}: {exc})") from None
    return "\n".join(p.text for p in document.paragraphs)


def pdf_text(data: bytes, where: str) -> tuple[str, list[int]]:
    """Plain text of a PDF (pypdf), pages separated by a blank line; also the pages with no text."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(where, "the PDF is encrypted", hint="export it without a password")
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise InputError(where, f"not a readable PDF ({exc})") from None
    empty = [i + 1 for i, text in enumerate(pages) if not text.strip()]
    return "\n\n".join(text.strip("\n") for text in pages), empty
