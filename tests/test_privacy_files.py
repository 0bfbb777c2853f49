"""`evidence privacy-report` looks at every file of the project folder outside private/, per file and kind."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from evidence.cli import main
from evidence.privacy import load_key
from evidence.privacy.report import name_categories, pseudonym_pattern
from evidence.privacy.detect import NameIndex, find_names
from evidence.project import Project


@pytest.fixture
def project_dir(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["init", "--project", "."]) == 0
    # the corpus inside the project folder (init makes it): an input, not an output
    (tmp_path / "corpus").mkdir(exist_ok=True)
    (tmp_path / "corpus" / "panel.txt").write_text(
        "Ifan Trevelyan: Morwenna Quiller read every week.\nMorwenna Quiller: I did.\n"
        "Ifan Trevelyan: Lovely.\nMorwenna Quiller: Thanks.\n", encoding="utf-8")
    (tmp_path / "private").mkdir(mode=0o700, exist_ok=True)
    (tmp_path / "private" / "people.csv").write_text("name,kind\nMorwenna Quiller,pupil\nIfan Trevelyan,staff\n",
                                                     encoding="utf-8")
    assert main(["ingest", "--roster", "private/people.csv", "corpus/panel.txt"]) == 0
    capsys.readouterr()
    return tmp_path


def report(capsys) -> tuple[int, dict]:
    code = main(["privacy-report", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_clean_project_with_its_corpus_inside_passes(project_dir, capsys):
    code, out = report(capsys)
    assert code == 0 and out["files"] == [] and out["leaks"] == []


def test_names_left_in_outputs_are_counted_per_file_and_kind(project_dir, capsys):
    key = load_key(project_dir / "private")
    pupil = next(p for p, e in key.entries.items() if e["original"] == "Morwenna Quiller")
    (project_dir / "results").mkdir(exist_ok=True)
    pd.DataFrame({"text": ["Morwenna liked it", "fine"]}).to_parquet(project_dir / "results" / "themes.parquet")
    run = project_dir / "runs" / "r1"
    run.mkdir(parents=True)
    (run / "03_themes.ipynb").write_text(json.dumps({"cells": [{"outputs": [{"text": [
        "source corpus/Morwenna Quiller interview.txt\\n"]}]}]}), encoding="utf-8")
    (project_dir / "models").mkdir(exist_ok=True)
    (project_dir / "models" / "topics.json").write_text(json.dumps({"words": ["reading", "morwenna", "club"]}))
    (project_dir / "cache").mkdir(exist_ok=True)
    (project_dir / "cache" / "note.txt").write_text(f"{pupil} Quiller said so; call 07700 900123\n")
    code, out = report(capsys)
    assert code == 1
    found = {(row["file"], row["kind"]): row["n"] for row in out["files"]}
    assert found[("results/themes.parquet", "partial names")] == 1
    assert found[("runs/r1/03_themes.ipynb", "full names")] == 1
    assert found[("models/topics.json", "partial names")] == 1
    assert found[("cache/note.txt", "fragments")] == 1 and found[("cache/note.txt", "phone")] == 1
    assert not any(row["file"].startswith(("corpus/", "private/")) for row in out["files"])
    # the text report names files and kinds, never the names themselves
    assert main(["privacy-report"]) == 1
    printed = capsys.readouterr().out
    assert "runs/r1/03_themes.ipynb" in printed and "Morwenna" not in printed and "Quiller" not in printed


def test_glued_pseudonyms_and_fragments_are_told_apart(project_dir):
    key = load_key(project_dir / "private")
    pupil = next(p for p, e in key.entries.items() if e["original"] == "Morwenna Quiller")
    staff = next(p for p, e in key.entries.items() if e["original"] == "Ifan Trevelyan")
    index = NameIndex(key.known_names())
    pattern = pseudonym_pattern(key)
    for text, expected in [(f"{pupil} {staff} agreed", {"glued pseudonyms": 1}),
                           (f"Dr Hesketh {staff} agreed", {"glued pseudonyms": 1}),
                           (f"{staff} Trevelyan agreed", {"fragments": 1}),
                           (f"{staff} and {pupil} agreed", {}),
                           ("Ifan Trevelyan agreed with Morwenna", {"full names": 1, "partial names": 1})]:
        assert dict(name_categories(text, find_names(text, index), pattern, index)) == expected, text


@pytest.mark.slow
def test_saved_outcomes_stay_in_private(project_dir, capsys):
    (project_dir / "private" / "results.csv").write_text(
        "pupil_id,pupil_name,school,group,pre_score,post_score\nX1,Morwenna Quiller,Tregarth Academy,tutored,90,95\n"
        "X2,Ifan Trevelyan,Tregarth Academy,comparison,88,91\n", encoding="utf-8")
    assert main(["outcomes", "private/results.csv", "--kind", "pupil", "--save"]) == 0
    capsys.readouterr()
    saved = project_dir / "private" / "outcomes" / "pupil.csv"
    assert saved.exists() and not (project_dir / "outcomes").exists()
    assert (saved.parent.stat().st_mode & 0o077) == 0
    code, out = report(capsys)
    assert code == 0 and out["files"] == []
