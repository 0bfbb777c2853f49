"""The corpus of broken files in tests/broken/: every reader refuses each one with an InputError naming
the file, and a failed ingest leaves the project store exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.core.errors import InputError

BROKEN = Path(__file__).resolve().parent / "broken"
FILES = sorted(p for p in BROKEN.iterdir() if p.is_file() and p.suffix != ".py" and p.name != "README.md")


def test_the_corpus_is_there():
    names = {p.name for p in FILES}
    assert {"truncated.docx", "truncated.xlsx", "bomb.docx", "nul_bytes.txt", "mixed_encoding.txt",
            "empty.txt", "billion_laughs.docx", "traversal.docx"} <= names


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_reader_refuses_with_a_clear_error(path):
    from evidence.ingest import ReadOptions, read_file

    with pytest.raises(InputError) as info:
        read_file(path, ReadOptions(source_id="broken"))
    assert path.name in str(info.value)
    assert info.value.message


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_failed_ingest_leaves_the_store_unchanged(tmp_path, path):
    from evidence.project import Project

    project = Project.init(tmp_path / "proj")
    try:
        good = tmp_path / "good.txt"
        good.write_text("Facilitator: Welcome.\nSpeaker A: Thanks, it went well.\n", encoding="utf-8")
        assert project.ingest([good]).ok
        before = "\n".join(project.store.connection.iterdump())
        report = project.ingest([path])
        assert [f.status for f in report.files] == ["failed"]
        assert path.name in report.files[0].message
        assert "\n".join(project.store.connection.iterdump()) == before
    finally:
        project.close()
