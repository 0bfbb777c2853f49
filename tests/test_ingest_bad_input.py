"""Bad input: a clear error naming the file and line/row, nothing stored for it, the rest still goes in."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from evidence.core.errors import InputError
from evidence.ingest import ReadOptions, read_file

GOOD = "Ann Lee: We agreed aims early.\nTom Ray: And review points.\n"


def bad_files(tmp_path):
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
        "mixed.txt": "Ann Lee: café\n".encode() + "Tom Ray: naïve\n".encode("cp1252"),
        "broken.vtt": b"WEBVTT\n\n00:00:01.000 --> 00:00:xx.000\n<v Ann>Hello\n",
        "no_text.csv": b"id,pupil,answer_col\nQ1,P1,hello\n",
        "dupes.csv": b"id,text\nQ1,one\nQ2,two\nQ1,three\n",
        "fake.docx": b"this is not a word document",
    }
    tmp_path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "noturns.txt").write_text("just some notes with no speakers at all\n", encoding="utf-8")
    (tmp_path / "noturns.txt.meta.yaml").write_text("kind: transcript\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name,message,where", [
    ("empty.txt", "file is empty", "line 1"),
    ("binary.txt", "binary data", "line"),
    ("mixed.txt", "mixed encodings", "line 2"),
    ("broken.vtt", "broken cue timing", "line 3"),
    ("no_text.csv", "no text column", "line 1"),
    ("dupes.csv", "duplicate id 'Q1' (first on row 2)", "row 4"),
    ("fake.docx", "not a Word .docx", "line 1"),
    ("noturns.txt", "no recognisable speaker turns", "line 1"),
])
def test_each_bad_file_names_file_place_and_problem(tmp_path, name, message, where):
    folder = bad_files(tmp_path)
    with pytest.raises(InputError) as info:
        read_file(folder / name, ReadOptions(source_id="x"))
    text = str(info.value)
    assert name in text and message in text and where in text, text


def test_failed_files_store_nothing_and_others_go_in(project, tmp_path):
    folder = bad_files(tmp_path / "in")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    report = project.ingest([folder])
    assert [f.path.split("/")[-1] for f in report.files if f.status == "ingested"] == ["good.txt"]
    assert len(report.failed) == 8
    summary = project.summary()
    assert summary["sources"] == 1 and summary["turns"] == 2


@pytest.mark.slow
def test_cli_exits_nonzero_listing_each_failure(project, tmp_path):
    folder = bad_files(tmp_path / "in")
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "evidence.cli", "ingest", "--project", str(project.path),
                          str(folder)], capture_output=True, text=True)
    assert run.returncode == 1
    failed = [line for line in run.stderr.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 8 and any("dupes.csv, row 4" in line for line in failed)
    assert "good.txt" in run.stdout
    summary = json.loads(subprocess.run([sys.executable, "-m", "evidence.cli", "summary", "--json",
                                         "--project", str(project.path)], capture_output=True,
                                        text=True, check=True).stdout)
    assert summary["sources"] == 1


def test_reingest_unchanged_is_noop_and_changed_is_reported(project, tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(GOOD, encoding="utf-8")
    assert project.ingest([path]).files[0].status == "ingested"
    again = project.ingest([path]).files[0]
    assert again.status == "unchanged"
    path.write_text(GOOD + "Ann Lee: One more thing.\n", encoding="utf-8")
    changed = project.ingest([path]).files[0]
    assert changed.status == "failed" and "changed since it was ingested" in changed.message
    assert project.summary()["turns"] == 2  # nothing duplicated
    replaced = project.ingest([path], replace=True).files[0]
    assert replaced.status == "ingested" and project.summary()["turns"] == 3
    assert project.summary()["sources"] == 1
