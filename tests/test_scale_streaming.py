"""Streaming: a million answers are read, coded and written in batches, and batching changes nothing.

No timings here (those are bench/scale.py's): these pin that the batched paths give the same stored
results as one big batch, and that a failure in a later batch leaves the store as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from evidence.core import scale
from evidence.cli import main
from evidence.coding.autocode import autocode
from evidence.project import Project

CODEBOOK = """\
codebook: Streaming (test)
codes:
  - id: homework
    name: Homework load
    definition: Parents talk about how much homework their child gets.
    keywords: [homework, worksheet]
  - id: food
    name: School meals
    definition: Comments on lunches and food at school.
    keywords: [lunch, canteen]
    scope: {kinds: [quote]}
  - id: thanks
    name: Thanks
    definition: Someone says thank you.
    keywords: [thanks]
"""

TEXTS = ["Too much homework, every night.", "The canteen lunch is cold.", "", "Thanks, that is all.",
         "Worksheets and homework all weekend, and lunch is late.", "Nothing to add really."]


@pytest.fixture
def coded_project(tmp_path: Path) -> Path:
    rows = "".join(f'A{i:03d},"{TEXTS[i % len(TEXTS)]} ({i})"\n' if TEXTS[i % len(TEXTS)] else f"A{i:03d},\n"
                   for i in range(95))
    (tmp_path / "answers.csv").write_text("id,text\n" + rows, encoding="utf-8")
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    project = tmp_path / "proj"
    assert main(["init", "--project", str(project)]) == 0
    assert main(["ingest", "--project", str(project), str(tmp_path / "answers.csv")]) == 0
    assert main(["codebook", "load", "--project", str(project), str(tmp_path / "book.yaml")]) == 0
    return project


def _codings(project: Project, coder: str) -> list[tuple]:
    return [tuple(r) for r in project.store.connection.execute(
        "SELECT segment_id, code_id, status, origin, start, \"end\", confidence, explanation FROM codings"
        " WHERE coder = ? ORDER BY id", (coder,))]


def test_rules_in_many_batches_store_what_one_batch_stores(coded_project: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with Project.open(coded_project) as project:
        whole = autocode(project, "rules", coder="whole")
        monkeypatch.setattr(scale, "CODING_BATCH", 7)  # 95 answers: 14 batches, the last one short
        batched = autocode(project, "rules", coder="batched")
        assert _codings(project, "whole") == _codings(project, "batched")
        assert len(_codings(project, "whole")) > 20
    for field in ("segments", "suggestions", "per_code", "procedural", "out_of_scope"):
        assert getattr(whole, field) == getattr(batched, field), field
    assert whole.segments == 95 - 95 // len(TEXTS) - 1  # the empty answers are not counted as coded units


def test_store_reads_segments_in_batches_in_the_same_order(coded_project: Path) -> None:
    with Project.open(coded_project) as project:
        whole = project.segments(["quote"])
        parts = list(project.store.segment_frames(["quote"], batch=10))
        assert [len(p) for p in parts] == [10] * 9 + [5]
        import pandas as pd

        joined = pd.concat(parts, ignore_index=True)
        assert joined.equals(whole)
        assert project.store.count_segments(["quote"]) == 95


def test_a_failure_in_a_later_batch_leaves_the_store_as_it_was(coded_project: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence.coding.rules import RuleCoder

    with Project.open(coded_project) as project:
        autocode(project, "rules", coder="kw")
        before = _codings(project, "kw")
        runs = project.store.scalar("SELECT COUNT(*) FROM runs")
    real = RuleCoder.codings
    calls = []

    def fail_in_third_batch(self, segments, *args, **kwargs):
        calls.append(len(segments))
        if len(calls) == 3:
            raise RuntimeError("disk on fire in batch 3")
        return real(self, segments, *args, **kwargs)

    monkeypatch.setattr(RuleCoder, "codings", fail_in_third_batch)
    monkeypatch.setattr(scale, "CODING_BATCH", 10)
    with Project.open(coded_project) as project:
        with pytest.raises(RuntimeError, match="batch 3"):
            autocode(project, "rules", coder="kw")
        assert len(calls) == 3
        # the earlier suggestions are still there (their deletion was rolled back), nothing new was added
        assert _codings(project, "kw") == before
        status = project.store.scalar("SELECT status FROM runs ORDER BY id DESC LIMIT 1")
        assert status == "failed"
        assert project.store.scalar("SELECT COUNT(*) FROM runs") == runs + 1


def test_quote_table_reader_keeps_every_row_and_offset(tmp_path: Path) -> None:
    """The one-pass quote reader: ids, offsets, waves, attributes and pupils as the table says."""
    table = tmp_path / "wide.csv"
    table.write_text("id,pupil,school,before,after,year\n"
                     "q1,P1,Oak,I hated maths,Maths is fine now,9\n"
                     "q2,P2,Elm,,I like the tutor,\n"
                     "q3,P1,Oak,Reading is hard,Reading is easier,10\n", encoding="utf-8")
    project = Project.init(tmp_path / "proj", pseudonymise=False)
    try:
        report = project.ingest([table])
        assert report.ok, [f.message for f in report.failed]
        segments = project.segments(["quote"])
        text = project.source_text(segments["source"].iloc[0])
        assert segments["id"].tolist() == ["q1:before", "q1:after", "q2:before", "q2:after", "q3:before",
                                           "q3:after"]
        assert segments["wave"].tolist() == ["before", "after"] * 3
        for _, row in segments.iterrows():
            assert text[row["start"]:row["end"]] == row["text"]
        assert segments["attributes"].iloc[0] == {"row": 2, "school": "Oak", "year": "9"}
        assert segments["attributes"].iloc[3] == {"row": 3, "school": "Elm"}
        assert segments["case"].tolist() == ["P1", "P1", "P2", "P2", "P1", "P1"]
        cases = project.cases()
        assert set(cases["id"]) >= {"P1", "P2", "Oak", "Elm"}
    finally:
        project.close()


def test_cases_are_upserted_in_one_go_and_refuse_a_kind_clash(tmp_path: Path) -> None:
    from evidence.core.errors import ProjectError
    from evidence.core.model import Case
    from evidence.store import Store

    with Store(tmp_path / "s.sqlite") as store:
        with store.transaction() as conn:
            store.upsert_cases(conn, [Case(id="P1", kind="pupil", name="P1", attributes={"year": "9"}),
                                      Case(id="Oak", kind="school", name="Oak"),
                                      Case(id="P1", kind="pupil", name="P1", attributes={"fsm": "yes"})])
        rows = store.connection.execute("SELECT case_id, name, type, value FROM attributes ORDER BY name")
        assert [tuple(r) for r in rows] == [("P1", "fsm", "boolean", "true"), ("P1", "year", "number", "9")]
        with pytest.raises(ProjectError, match="already a pupil"):
            with store.transaction() as conn:
                store.upsert_cases(conn, [Case(id="Elm", kind="school", name="Elm"),
                                          Case(id="P1", kind="school", name="P1")])
        assert store.scalar("SELECT COUNT(*) FROM cases WHERE id = 'Elm'") == 0  # nothing half-written
        from evidence.core.model import Coding

        assert store.stage_codings([]) == 0  # nothing staged: nothing to move in
        store.stage_codings([Coding(segment="nope", code="nope", coder="x")])
        with pytest.raises(sqlite3.IntegrityError):  # staged codings still meet the foreign keys
            with store.transaction() as conn:
                store.commit_staged(conn)
        store.drop_staged()
        assert store.scalar("SELECT COUNT(*) FROM codings") == 0
