"""evidence.core.files: the one atomic write (temp file in the same folder, fsync, rename, fsync the folder)."""

from __future__ import annotations

import os
import stat

import pytest

from evidence.core.files import atomic_path, atomic_write_bytes, atomic_write_text


def test_write_replace_and_leave_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    atomic_write_text(target, "first")
    atomic_write_text(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    atomic_write_bytes(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.txt"]


def test_a_failed_write_keeps_the_old_file_whole(tmp_path):
    target = tmp_path / "table.parquet"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as temp:
            temp.write_text("half of the new", encoding="utf-8")
            raise RuntimeError("crash while writing")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.parquet"]


def test_modes_private_when_asked_else_as_a_plain_open_gives(tmp_path):
    secret = atomic_write_text(tmp_path / "key.json", "{}", mode=0o600)
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    umask = os.umask(0o022)
    os.umask(umask)
    plain = atomic_write_text(tmp_path / "page.html", "<p>")
    assert stat.S_IMODE(plain.stat().st_mode) == 0o666 & ~umask


def test_every_atomic_write_goes_through_the_helper():
    """os.replace appears only in evidence/core/files.py and in the folder swaps (bundle/io.py, nlp/onnx_model.py)."""
    from conftest import REPO

    src = REPO / "src" / "evidence"
    users = sorted(p.relative_to(src).as_posix() for p in src.rglob("*.py")
                   if "os.replace(" in p.read_text(encoding="utf-8"))
    assert users == ["bundle/io.py", "core/files.py", "nlp/onnx_model.py"], users
