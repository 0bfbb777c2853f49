"""No data loss under faults: SIGKILL a real subprocess in the middle of an ingest and of a coding
session, then check the store; and a reader and a writer on one project at the same time (WAL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run_python(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-u", "-c", textwrap.dedent(code), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def count(db: Path, sql: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # schema not created yet
        return 0
    finally:
        conn.close()


def check_store(folder: Path) -> None:
    """Readable, intact, and every stored source complete (its segments slice its text)."""
    from evidence.project import Project

    db = folder / "evidence.sqlite"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    with Project.open(folder) as project:
        sources = project.sources()
        segments = project.segments()
        for source_id in sources["id"]:
            text = project.source_text(source_id)
            mine = segments[segments["source"] == source_id]
            assert len(mine) > 0, f"source {source_id} stored without its segments"
            for row in mine.itertuples(index=False):
                assert text[row.start:row.end] == row.text


def make_corpus(folder: Path, files: int) -> None:
    folder.mkdir()
    turn = ("Facilitator: What changed this year for the pupils in the programme?\n"
            "Speaker A: Confidence, mostly. They read aloud now, and they ask questions in class.\n")
    for i in range(files):  # each file its own content: the same content twice is one source ("unchanged")
        (folder / f"roundtable_{i:03d}.txt").write_text(f"Facilitator: Welcome to roundtable {i}.\n" + turn * 40, encoding="utf-8")


@pytest.mark.slow
def test_sigkill_during_ingest_leaves_no_half_source(tmp_path):
    from evidence.project import Project

    folder = tmp_path / "proj"
    Project.init(folder).close()
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 40)
    db = folder / "evidence.sqlite"
    child = run_python("""
        import sys
        from evidence.project import Project
        with Project.open(sys.argv[1]) as project:
            project.ingest([sys.argv[2]])
        print("finished")
    """, str(folder), str(corpus))
    while count(db, "SELECT count(*) FROM sources") < 3:  # no deadline: a loaded machine is only slower
        assert child.poll() is None, child.stderr.read()
        time.sleep(0.02)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    stored = count(db, "SELECT count(*) FROM sources")
    assert 3 <= stored < 40, "the kill should land in the middle of the ingest"
    check_store(folder)
    with Project.open(folder) as project:  # ingesting again finishes the job, nothing duplicated
        report = project.ingest([corpus])
        assert report.ok
        assert len(project.sources()) == 40
    check_store(folder)


CODING_SESSION = """
    import sys
    from evidence.core.model import Code, Coding
    from evidence.project import Project
    with Project.open(sys.argv[1]) as project:
        with project.store.transaction() as conn:
            project.store.upsert_code(conn, Code(id="confidence", name="Confidence"))
        segments = list(project.segments(kinds=["turn"])["id"])
        i = 0
        while True:
            segment = segments[i % len(segments)]
            ids = project.add_codings([Coding(segment=segment, code="confidence", coder=f"c{i}")])
            print(ids[0], flush=True)
            i += 1
"""


def ingest_one(tmp_path: Path) -> Path:
    from evidence.project import Project

    folder = tmp_path / "proj"
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 1)
    with Project.init(folder) as project:
        assert project.ingest([corpus]).ok
    return folder


@pytest.mark.slow
def test_sigkill_during_coding_keeps_every_committed_coding(tmp_path):
    from evidence.project import Project

    folder = ingest_one(tmp_path)
    child = run_python(CODING_SESSION, str(folder))
    committed = []  # the child prints a coding's id once add_codings has returned (committed)
    while len(committed) < 200:  # no deadline: under load the session is slower, not different
        line = child.stdout.readline()
        assert line, child.stderr.read()
        committed.append(int(line))
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL
    # every id printed before the kill is committed too, however far the child got past our last read
    committed += [int(line) for line in child.stdout.read().splitlines(keepends=True) if line.endswith("\n")]
    check_store(folder)  # the store opens and checks out
    with Project.open(folder) as project:
        stored = set(project.codings()["id"])
    assert set(committed) <= stored, "a committed coding was lost"
    assert len(stored - set(committed)) <= 1  # at most the one committed between the child's last print and the kill


@pytest.mark.slow
def test_reader_and_writer_at_the_same_time(tmp_path):
    from evidence.project import Project

    folder = ingest_one(tmp_path)
    writer = run_python(CODING_SESSION, str(folder))
    seen = []
    try:
        assert writer.stdout.readline(), writer.stderr.read()
        with Project.open(folder) as reader:
            # read until the writer's commits show (no deadline: a loaded machine only makes this slower)
            while len(seen) < 40 or len(set(seen)) < 2:
                codings = reader.codings()
                segments = reader.segments()
                assert len(segments) > 0
                seen.append(len(codings))
                assert writer.poll() is None, "the writer died while a reader was open: " + writer.stderr.read()
                time.sleep(0.01)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert seen == sorted(seen) and seen[-1] > seen[0], "the reader saw the writer's commits as they came"
    check_store(folder)
