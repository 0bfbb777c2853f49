"""Reader for .docx transcripts and articles (python-docx), with the same speaker-turn rules as text."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import InputError
from ..core.model import content_hash, normalise_text
from .decode import read_bytes
from .metadata import read_sidecar
from .registry import Reading, ReadOptions, reader
from .text import text_reading


def docx_paragraphs(path: Path) -> list[str]:
    """The text of every paragraph of a Word document (tables included, row by row)."""
    import zipfile

    import docx

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(path, f"not a readable Word document ({exc.__class__.__name__}: {exc})",
                         hint="open and re-save it in Word, or export it as .txt") from None
    except Exception as exc:  # lxml / python-docx errors on damaged parts
        raise InputError(path, f"damaged Word document ({exc.__class__.__name__}: {exc})",
                         hint="open and re-save it in Word, or export it as .txt") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            if any(cells):
                lines.append(": ".join(c for c in cells if c) if len(cells) == 2 else " | ".join(cells))
    return lines


@reader("docx", ".docx")
def read_docx(path: Path, options: ReadOptions) -> Reading:
    data = read_bytes(path)
    if not data.startswith(b"PK"):
        raise InputError(path, "not a Word .docx file (no zip signature)", line=1,
                         hint="is it an old .doc or a renamed file? save it as .docx or .txt")
    from ..core.safety import check_zip  # archive limits: path traversal, entry count, total size

    check_zip(path)
    text = normalise_text("\n".join(docx_paragraphs(path)))
    if not text.strip():
        raise InputError(path, "the document has no text", hint="check you exported the right file")
    return text_reading(path, options, text, 0, read_sidecar(path), "docx", "docx (UTF-8 XML)",
                        content_hash(data))
