"""Regenerate the corpus of broken files in this folder: python tests/broken/make_broken.py

Every file here must be refused by the readers with an InputError naming the file, and must leave the
project store unchanged (tests/test_safety_broken.py). The files are small on disk; the zip bombs
expand to far more than they weigh.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Facilitator: Welcome everyone.")
    document.add_paragraph("Speaker A: Thank you, it has been a good year for the partnership.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "pupil", "wave", "text"])
    for i in range(40):
        sheet.append([f"Q{i}", f"P{i:03d}", "before", "I like reading more than I did before " * 3])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
          b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY e "&c;&c;&c;&c;&c;&c;&c;&c;">]>'
          b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
          b"<w:r><w:t>&e;&e;&e;&e;</w:t></w:r></w:p></w:body></w:document>")
XXE = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
       b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>'
       b"<w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")


def with_member(container: bytes, name: str, data: bytes) -> bytes:
    """A copy of a zip container with one member's bytes swapped."""
    source = zipfile.ZipFile(io.BytesIO(container))
    return zip_bytes({info.filename: (data if info.filename == name else source.read(info))
                      for info in source.infolist()})


def files() -> dict[str, bytes]:
    docx, xlsx = docx_bytes(), xlsx_bytes()
    return {
        "truncated.docx": docx[: len(docx) // 2],
        "truncated.xlsx": xlsx[: len(xlsx) // 2],
        "truncated.zip": zip_bytes({"quotes.csv": __import__("random").Random(0).randbytes(4000)})[:2000],
        "text_named.docx": b"Facilitator: this is plain text saved with a .docx name\n",
        "csv_named.xlsx": b"id,pupil,text\nQ1,P001,I like reading\n",
        "zip_named.txt": zip_bytes({"word/document.xml": b"<w:document/>"}),
        "png_named.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "nul_bytes.txt": b"Facilitator: hello\nSpeaker A: fine\x00\x00\x00 thanks\n",
        "mixed_encoding.txt": "Facilitator: caf\u00e9 \u2013 first line in UTF-8\n".encode()
        + "Speaker A: na\u00efve second line in Windows-1252\n".encode("cp1252"),
        "empty.txt": b"",
        "whitespace_only.txt": b"   \n\n\t  \n",
        "empty.csv": b"",
        "empty.docx": b"",
        "header_only.csv": b"id,pupil,wave,text\n",
        "bomb.docx": with_member(docx, "word/document.xml", b" " * (40 * 2**20)),
        "bomb.xlsx": with_member(xlsx, "xl/worksheets/sheet1.xml", b"\x00" * (40 * 2**20)),
        "billion_laughs.docx": with_member(docx, "word/document.xml", LAUGHS),
        "external_entity.docx": with_member(docx, "word/document.xml", XXE),
        "traversal.docx": zip_bytes({**{i.filename: zipfile.ZipFile(io.BytesIO(docx)).read(i)
                                       for i in zipfile.ZipFile(io.BytesIO(docx)).infolist()},
                                    "../../evil.txt": b"escaped"}),
        "not_xml.docx": with_member(docx, "word/document.xml", b"<w:document><w:body>unclosed"),
    }


if __name__ == "__main__":
    for name, data in files().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data)} bytes")
