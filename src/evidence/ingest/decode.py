"""Reading a file's bytes as text: encoding detection, binary detection, size limits."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError
from ..core.model import content_hash, normalise_text

MAX_TEXT_BYTES = 200 * 1024 * 1024
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


@dataclass
class DecodedText:
    """A file's text after decoding and normalisation, with the encoding that was used."""

    text: str
    encoding: str
    file_hash: str


def read_bytes(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The file's bytes, refusing empty and absurdly large files with a clear message."""
    from ..core.safety import check_regular_file

    check_regular_file(path)  # a FIFO or device would block forever
    size = path.stat().st_size
    if size > limit:
        raise InputError(
            path, f"file is {size / 1e6:.0f} MB, more than the {limit / 1e6:.0f} MB limit",
            hint="split it into smaller files",
        )
    data = path.read_bytes()
    if not data.strip():
        raise InputError(path, "file is empty", line=1, hint="check you exported the right file")
    return data


def line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode_bytes(path: Path, data: bytes) -> DecodedText:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, and normalise."""
    file_hash = content_hash(data)
    if data.startswith(codecs.BOM_UTF8):
        encoding, body = "utf-8-sig", data
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        encoding, body = "utf-16", data
    else:
        if data.startswith(b"PK\x03\x04"):
            raise InputError(
                path, "this is a zip archive (a .docx, .xlsx or .qdpx?), not a text file",
                line=1, hint="give it its proper extension",
            )
        nul = data.find(b"\x00")
        if nul >= 0:
            raise InputError(
                path, "binary data (NUL bytes) where text was expected", line=line_of(data, nul),
                hint="is this the right file? text must be UTF-8, UTF-16 with a BOM or Windows-1252",
            )
        try:
            data.decode("utf-8")
            encoding, body = "utf-8", data
        except UnicodeDecodeError as exc:
            bad_line = line_of(data, exc.start)
            if _UTF8_MULTIBYTE.search(data[: exc.start]) or _UTF8_MULTIBYTE.search(data[exc.end :]):
                raise InputError(
                    path, "mixed encodings: most of the file is UTF-8 but this line is not", line=bad_line,
                    hint="open it in an editor and save it again as UTF-8",
                ) from None
            encoding, body = "windows-1252", data
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"cannot be read as {encoding} (byte {exc.start})", line=line_of(body, exc.start),
            hint="save it as UTF-8",
        ) from None
    if encoding.startswith("utf-16"):
        text = text.lstrip("\ufeff")
    controls = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > 8:
        raise InputError(path, "binary data where text was expected", line=1,
                         hint="is this the right file?")
    return DecodedText(text=normalise_text(text), encoding=encoding, file_hash=file_hash)


def read_text(path: Path) -> DecodedText:
    return decode_bytes(path, read_bytes(path))
