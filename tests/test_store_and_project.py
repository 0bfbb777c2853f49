"""The project store and the Project API: schema, transactions, the CLI contract, the public seeds."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from conftest import SEEDS, need_shared
from evidence.core.errors import EvidenceError, ProjectError
from evidence.core.model import Code, Coding, Memo
from evidence.project import Project
from evidence.store import Store, migrations

TRANSCRIPT = "Ann Lee (Head teacher): We agreed aims early. It helped.\nTom Ray (Tutor): And review points.\n"


def cli(*args, project=None):
    command = [sys.executable, "-m", "evidence", *args]
    if project is not None:
        command += ["--project", str(project.path)]
    return subprocess.run(command, capture_output=True, text=True)


def test_store_is_wal_with_foreign_keys_and_latest_schema(tmp_path):
    store = Store(tmp_path / "s.sqlite")
    conn = store.connection
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version() == migrations()[-1][0]
    store.close()
    assert Store(tmp_path / "s.sqlite").schema_version() == migrations()[-1][0]  # reopening migrates nothing


def test_open_missing_project_says_what_to_do(tmp_path):
    with pytest.raises(ProjectError, match="evidence init"):
        Project.open(tmp_path / "nowhere")


def test_transaction_rolls_back_on_error(project):
    with pytest.raises(RuntimeError):
        with project.store.transaction() as conn:
            project.store.upsert_code(conn, Code(id="c1", name="One"))
            raise RuntimeError("boom")
    assert project.codes().empty


def test_codings_validate_and_store_atomically(project, tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    project.ingest([path])
    with project.store.transaction() as conn:
        project.store.upsert_code(conn, Code(id="aims", name="Agreed aims"))
    turn = project.segments(["turn"]).iloc[0]
    good = Coding(segment=turn["id"], code="aims", coder="ann")
    with pytest.raises(EvidenceError, match="not in the project"):
        project.add_codings([good, Coding(segment="gone", code="aims", coder="ann")])
    assert project.codings().empty
    span = Coding(segment=turn["id"], code="aims", coder="ann", start=int(turn["start"]), end=int(turn["start"]) + 6)
    ids = project.add_codings([good, span])
    frame = project.codings()
    assert list(frame["id"]) == ids and frame.iloc[1]["start"] == turn["start"]
    with pytest.raises(sqlite3.IntegrityError):  # a coded source cannot vanish underneath its codings
        with project.store.transaction() as conn:
            conn.execute("DELETE FROM segments WHERE id = ?", (turn["id"],))
    project.add_memo(Memo(text="check with Tom", author="ann", segment=turn["id"]))
    assert project.memos().iloc[0]["text"] == "check with Tom"
    summary = project.summary()
    assert (summary["codes"], summary["codings"], summary["coders"]) == (1, 2, 1)


@pytest.mark.slow
def test_cli_summary_and_segments_contract(project, tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    assert cli("ingest", str(path), project=project).returncode == 0
    summary = json.loads(cli("summary", "--json", project=project).stdout)
    for key in ("sources", "segments", "turns", "speakers", "roles", "cases", "words", "codes", "codings", "coders"):
        assert isinstance(summary[key], int), key
    assert (summary["sources"], summary["turns"], summary["speakers"], summary["roles"]) == (1, 2, 2, 2)
    lines = [json.loads(l) for l in cli("segments", "--jsonl", project=project).stdout.splitlines()]
    text = project.source_text(lines[0]["source"])
    for row in lines:
        assert {"id", "source", "speaker", "role", "case", "wave", "start", "end", "text"} <= set(row)
        assert text[row["start"]:row["end"]] == row["text"]
    assert len(lines) == summary["segments"]


@pytest.mark.slow
def test_project_option_falls_back_to_environment(project, tmp_path):
    env = {**__import__("os").environ, "EVIDENCE_PROJECT": str(project.path)}
    run = subprocess.run([sys.executable, "-m", "evidence", "summary", "--json"], capture_output=True,
                         text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0 and json.loads(run.stdout)["sources"] == 0


def test_public_seed_articles_ingest_with_exact_offsets(project):
    seeds = need_shared(SEEDS)
    report = project.ingest([seeds])
    assert report.ok and len(report.files) == len(list(seeds.glob("*.txt")))
    segments = project.segments()
    assert not segments.empty and set(segments["kind"]) >= {"paragraph", "sentence"}
    for source_id, group in segments.groupby("source"):
        text = project.source_text(source_id)
        for row in group.itertuples():
            assert text[row.start:row.end] == row.text


def test_case_attributes_are_typed_from_spreadsheet_text(tmp_path):
    project = Project.init(tmp_path / "plain", pseudonymise=False)  # school names kept to check them
    path = tmp_path / "q.csv"
    path.write_text("id,pupil,school,text\nQ1,P-1,Hill,hello\n", encoding="utf-8")
    project.ingest([path])
    from evidence.core.model import Case

    with project.store.transaction() as conn:
        project.store.upsert_case(conn, Case(id="P-1", kind="pupil", attributes={
            "year_group": "9", "disadvantaged": "Yes", "joined": "2024-09-02", "tutor": "Ms Bell", "score": 101.5}))
    attrs = project.attributes().set_index("name")
    assert attrs.loc["year_group", "type"] == "number" and attrs.loc["year_group", "value"] == 9
    assert attrs.loc["disadvantaged", "type"] == "boolean" and attrs.loc["disadvantaged", "value"] is True
    assert attrs.loc["joined", "type"] == "date" and attrs.loc["joined", "value"] == "2024-09-02"
    assert attrs.loc["tutor", "type"] == "text" and attrs.loc["score", "value"] == 101.5
    cases = project.cases().set_index("id")
    assert cases.loc["P-1", "school"] == "Hill" and cases.loc["P-1", "kind"] == "pupil"


def test_file_names_that_name_a_pupil_are_not_stored(project, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,kind,aliases\nJayden Okafor,pupil,Jay\n", encoding="utf-8")
    path = tmp_path / "interview_jayden_okafor.txt"
    path.write_text("Ann Lee: How was tutoring, Jayden?\nJayden Okafor: Good.\n", encoding="utf-8")
    first = project.ingest([path], roster=roster).files[0]
    assert first.status == "ingested"
    dump = "\n".join(project.store.connection.iterdump()).lower()
    assert "jayden" not in dump and "okafor" not in dump
    assert project.ingest([path]).files[0].status == "unchanged"  # still found again by its path


def test_a_lower_numbered_migration_added_later_is_still_applied(tmp_path, monkeypatch):
    import evidence.store.db as store_module

    shipped = migrations()
    monkeypatch.setattr(store_module, "migrations", lambda: [m for m in shipped if m[0] != 2])
    Store(tmp_path / "s.sqlite").close()  # a store made before migration 0002 existed, at a higher version
    monkeypatch.setattr(store_module, "migrations", lambda: shipped)
    store = Store(tmp_path / "s.sqlite")
    columns = {r[1] for r in store.connection.execute("PRAGMA table_info(sources)")}
    assert "path_key" in columns
    assert store.schema_version() == shipped[-1][0]
