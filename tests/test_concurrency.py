"""Many commands at once share one pseudonym key: every name one pseudonym, every pseudonym one name."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from evidence.core.errors import ProjectError
from evidence.privacy.pseudonyms import PseudonymKey, create_key, load_key, load_or_create_key
from evidence.privacy.roster import KnownName

POOL = ["Wren Castellano", "Idris Mbeki", "Oona Fairweather", "Caspian Holt", "Marisol Quint", "Tobias Ferrand",
        "Ingrid Solheim", "Ravi Dasgupta", "Beatrix Lomax", "Kwame Asante", "Saoirse Doyle", "Lev Abramov"]


def _assign(args: tuple[str, int]) -> dict[str, str]:
    """One process: load the key, give pseudonyms to overlapping names in its own order."""
    private, seed = args
    key = load_or_create_key(private)
    names = [KnownName(name=f"Pupil Name {i}", kind="pupil") for i in range(60)]
    random.Random(seed).shuffle(names)
    return {known.name: key.pseudonym(known) for known in names}


@pytest.mark.slow
def test_processes_assigning_at_once_agree_on_one_key(tmp_path):
    private = tmp_path / "private"
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.map(_assign, [(str(private), seed) for seed in range(4)])
    key = load_key(private)
    identities = [entry["identity"] for entry in key.entries.values()]
    assert len(identities) == len(set(identities)) == 60
    for seen in results:  # what each process used is what the key says
        for name, pseudonym in seen.items():
            assert key.original(pseudonym) == name


def _transcript(speakers: list[str], tag: str) -> str:
    lines = [f"{name}: In the {tag} session {name.split()[0]} talked about reading club week {i}."
             for i, name in enumerate(speakers * 2)]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_four_concurrent_ingests_give_one_consistent_key(tmp_path):
    project = tmp_path / "shared project"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    subprocess.run([sys.executable, "-m", "evidence", "init", "--project", str(project)], check=True, env=env,
                   capture_output=True)
    with open(project / "evidence.yaml", "a", encoding="utf-8") as handle:
        handle.write("ner_pipeline: false\n")
    files = []
    for number in range(4):  # each file has 6 of the 12 people, overlapping its neighbours
        speakers = [POOL[(number * 3 + k) % len(POOL)] for k in range(6)]
        path = tmp_path / f"meeting_{number}.txt"
        path.write_text(_transcript(speakers, f"m{number}"), encoding="utf-8")
        files.append((path, speakers))
    procs = [subprocess.Popen([sys.executable, "-m", "evidence", "ingest", "--project", str(project), str(path)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for path, _ in files]
    outcomes = [proc.communicate(timeout=300) + (proc.returncode,) for proc in procs]
    for out, err, code in outcomes:
        assert code == 0, (out, err)
    key = json.loads((project / "private" / "pseudonym-key.json").read_text(encoding="utf-8"))["pseudonyms"]
    by_original: dict[str, set[str]] = {}
    for pseudonym, entry in key.items():
        by_original.setdefault(entry["original"], set()).add(pseudonym)
    for name in POOL:
        assert len(by_original.get(name, ())) == 1, (name, by_original.get(name))
    import sqlite3

    with sqlite3.connect(project / "evidence.sqlite") as conn:
        rows = conn.execute("SELECT source_id, speaker FROM segments WHERE kind = 'turn'").fetchall()
        sources = dict(conn.execute("SELECT id, text FROM sources").fetchall())
    assert len(sources) == 4
    text = "\n".join(sources.values())
    for name in POOL:
        assert name.split()[1] not in text
    speakers_by_source: dict[str, set[str]] = {}
    for source, speaker in rows:
        assert speaker in key, f"{speaker!r} is stored but missing from the key"
        speakers_by_source.setdefault(source, set()).add(key[speaker]["original"])
    assert sorted(map(sorted, speakers_by_source.values())) == sorted(sorted(s) for _, s in files)


def test_second_writer_that_cannot_wait_stops_with_a_message(tmp_path, monkeypatch):
    key = create_key(tmp_path / "private")
    other = load_key(tmp_path / "private")
    monkeypatch.setenv("EVIDENCE_LOCK_TIMEOUT", "0.2")
    with key.locked():
        key.pseudonym(KnownName(name="Edda Varga", kind="staff"))
        with pytest.raises(ProjectError, match="another evidence command has held the pseudonym key"):
            other.pseudonym(KnownName(name="Edda Varga", kind="staff"))
    assert other.pseudonym(KnownName(name="Edda Varga", kind="staff")) == key.pseudonym_of_identity(
        KnownName(name="Edda Varga", kind="staff").identity)


def test_key_on_a_read_only_folder_is_a_clear_error(tmp_path):
    private = tmp_path / "private"
    key = create_key(private)
    os.chmod(private, 0o500)
    try:
        if os.access(private, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        with pytest.raises(ProjectError, match="read-only"):
            key.pseudonym(KnownName(name="Fenna Kroll", kind="pupil"))
    finally:
        os.chmod(private, 0o700)


def test_key_without_a_file_needs_no_lock():
    key = PseudonymKey(secret=b"s" * 32)
    assert key.pseudonym(KnownName(name="Ada Brook", kind="pupil")).startswith("Pupil ")
