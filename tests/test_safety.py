"""Hostile-input guards: XML entity attacks, zip traversal and bombs, size limits."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest

from evidence.core.errors import InputError
from evidence.core.safety import (
    check_file_size,
    parse_xml,
    read_zip_member,
    reject_binary,
    safe_extract,
    safe_zip_members,
)

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""


def external_entity(secret: Path) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
            "<foo>&xxe;</foo>").encode()


def test_parse_xml_reads_ordinary_xml():
    root = parse_xml(b'<Project xmlns="urn:x"><Users><User name="A"/></Users></Project>')
    assert root.tag == "{urn:x}Project"
    assert root[0][0].get("name") == "A"


def test_billion_laughs_is_rejected_and_not_expanded():
    with pytest.raises(InputError, match="declares entities") as info:
        parse_xml(BILLION_LAUGHS, path="bomb.xml")
    assert info.value.path == "bomb.xml"


def test_external_entity_is_rejected_and_file_not_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    with pytest.raises(InputError) as info:
        parse_xml(external_entity(secret), path="xxe.xml")
    assert "TOP-SECRET-CONTENT" not in str(info.value)
    assert "xxe.xml" in str(info.value)


def test_the_plain_stdlib_parser_would_have_expanded_the_entities():
    """Guard the guard: the attack document is a real attack for an unprotected parser."""
    import xml.dom.minidom

    small = BILLION_LAUGHS.replace(b"<lolz>&lol9;</lolz>", b"<lolz>&lol3;</lolz>")
    assert len(xml.dom.minidom.parseString(small).documentElement.toxml()) > 300
    with pytest.raises(InputError):
        parse_xml(small)


def test_external_dtd_rejected_when_dtds_forbidden():
    data = b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>'
    with pytest.raises(InputError, match="DTD"):
        parse_xml(data, forbid_dtd=True)


def test_malformed_xml_names_line():
    with pytest.raises(InputError) as info:
        parse_xml(b"<a>\n<b>\n</a>", path="doc.xml")
    assert info.value.line == 3
    assert "doc.xml" in str(info.value)


def make_zip(path: Path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_safe_zip_members_accepts_a_normal_zip(tmp_path):
    path = make_zip(tmp_path / "ok.docx", {"word/document.xml": b"<w/>" * 100, "[Content_Types].xml": b"<t/>"})
    names = [m.filename for m in safe_zip_members(path)]
    assert names == ["word/document.xml", "[Content_Types].xml"]
    assert read_zip_member(path, "word/document.xml") == b"<w/>" * 100


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "/etc/evil", "C:/evil.txt",
                                  "..\\..\\evil.txt"])
def test_traversal_is_rejected(tmp_path, name):
    path = make_zip(tmp_path / "evil.zip", {"fine.txt": b"x", name: b"pwned"})
    with pytest.raises(InputError, match="outside|absolute") as info:
        safe_zip_members(path)
    assert str(path) in str(info.value)
    with pytest.raises(InputError):
        safe_extract(path, tmp_path / "out")
    assert not (tmp_path / "evil.txt").exists()


def test_safe_extract_writes_inside_target(tmp_path):
    path = make_zip(tmp_path / "p.qdpx", {"project.qde": b"<p/>", "Sources/a.txt": b"hello"})
    written = safe_extract(path, tmp_path / "out")
    assert sorted(p.name for p in written) == ["a.txt", "project.qde"]
    assert (tmp_path / "out" / "Sources" / "a.txt").read_bytes() == b"hello"


def test_too_many_entries(tmp_path):
    path = make_zip(tmp_path / "many.zip", {f"f{i}.txt": b"" for i in range(30)})
    safe_zip_members(path, max_entries=30)
    with pytest.raises(InputError, match="30 entries"):
        safe_zip_members(path, max_entries=29)


def test_declared_total_size_limit(tmp_path):
    path = make_zip(tmp_path / "big.zip", {"a": b"a" * 5000, "b": b"b" * 5000})
    safe_zip_members(path, max_total_bytes=10_000)
    with pytest.raises(InputError, match="expand to more than"):
        safe_zip_members(path, max_total_bytes=9_999)


def test_high_ratio_member_is_a_bomb(tmp_path):
    path = make_zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"\x00" * (8 * 2**20)})
    assert path.stat().st_size < 64 * 1024
    with pytest.raises(InputError, match="zip bomb"):
        safe_zip_members(path)


def lie_about_size(path: Path, declared: int) -> None:
    """Patch the central directory so every member claims ``declared`` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, declared)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def test_member_expanding_past_its_declared_size_is_caught(tmp_path):
    path = make_zip(tmp_path / "liar.docx", {"word/document.xml": b"A" * 200_000})
    lie_about_size(path, 100)
    with pytest.raises(InputError, match="liar.docx"):
        safe_zip_members(path)
    with pytest.raises(InputError):
        read_zip_member(path, "word/document.xml")


def test_actual_total_limit_counts_while_decompressing(tmp_path):
    path = make_zip(tmp_path / "t.zip", {"a": os.urandom(3000), "b": os.urandom(3000)})
    with pytest.raises(InputError):
        read_zip_member(path, "a", max_bytes=2999)
    assert len(read_zip_member(path, "a", max_bytes=3000)) == 3000


def test_truncated_zip_is_rejected(tmp_path):
    good = make_zip(tmp_path / "g.docx", {"word/document.xml": os.urandom(5000)})
    cut = tmp_path / "cut.docx"
    cut.write_bytes(good.read_bytes()[:2000])
    with pytest.raises(InputError, match="cut.docx"):
        safe_zip_members(cut)


def test_not_a_zip(tmp_path):
    path = tmp_path / "plain.docx"
    path.write_text("just text")
    with pytest.raises(InputError, match="not a readable zip"):
        safe_zip_members(path)


def test_check_file_size(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"x" * 100)
    assert check_file_size(path, 100) == 100
    with pytest.raises(InputError, match="more than the limit"):
        check_file_size(path, 99)
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    assert check_file_size(empty) == 0
    with pytest.raises(InputError, match="empty"):
        check_file_size(empty, allow_empty=False)
    with pytest.raises(InputError, match="not found"):
        check_file_size(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="not a regular file"):
        check_file_size(tmp_path)


def test_reject_binary():
    reject_binary("Plain text, café\n".encode(), "a.txt")
    reject_binary("\ufefftext".encode("utf-16"), "u16.txt")
    with pytest.raises(InputError, match="NUL") as info:
        reject_binary(b"line one\nline two\x00\x01", "b.txt")
    assert info.value.line == 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x", b"y")
    with pytest.raises(InputError, match="zip container"):
        reject_binary(buffer.getvalue(), "renamed.txt")


def test_check_zip_refuses_office_parts_with_a_dtd(tmp_path):
    from evidence.core.safety import check_zip

    ok = make_zip(tmp_path / "ok.docx", {"word/document.xml": b"<?xml version='1.0'?><w:document/>"})
    assert [m.filename for m in check_zip(ok)] == ["word/document.xml"]

    bomb = make_zip(tmp_path / "laughs.docx", {"word/document.xml": BILLION_LAUGHS})
    with pytest.raises(InputError, match="DTD or entities"):
        check_zip(bomb)
    xxe = make_zip(tmp_path / "xxe.xlsx", {"xl/workbook.xml": external_entity(tmp_path / "s")})
    with pytest.raises(InputError, match="xxe.xlsx"):
        check_zip(xxe)
