"""End to end: `evidence ingest --roster` stores pseudonymised text only; `evidence privacy-report`."""

from __future__ import annotations

import json
import stat

import pytest

from evidence.cli import main
from evidence.project import Project

ROSTER = "name,kind,aliases\nJayden Okafor,pupil,Jay;JJ\nAmara Nwosu,pupil,Mara\nPriya Patel,staff,Mrs P\n" \
         "Northfield Academy,school,\n"
ORIGINALS = ("Jayden", "Okafor", "Amara", "Nwosu", "Mara", "JJ", "Priya", "Patel", "Mrs P", "Northfield",
             "Sarah", "Lindqvist", "Tom", "Reyes", "07700", "okafor@")


@pytest.fixture
def cli_setup(tmp_path):
    folder = tmp_path / "proj"
    assert main(["init", "--project", str(folder)]) == 0
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "roundtable.txt").write_text(
        "Sarah Lindqvist: Jayden's confidence grew; Mrs P saw it too. Call me on 07700 900123.\n"
        "Tom Reyes: At Northfield, JJ and Mara led the assembly. Email j.okafor@example.org.\n",
        encoding="utf-8")
    (corpus / "roundtable.meta.yaml").write_text(
        "school: Northfield Academy\nspeakers:\n  Sarah Lindqvist: charity lead\n  Tom Reyes: head teacher\n",
        encoding="utf-8")
    (corpus / "quotes.csv").write_text(
        "id,pupil,school,wave,text\nQ1,Amara Nwosu,Northfield Academy,before,i dont like reading\n"
        "Q2,Amara Nwosu,Northfield Academy,after,me and jayden read every day now\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return folder, corpus, roster


def test_ingest_with_roster_stores_no_original(cli_setup, capsys):
    folder, corpus, roster = cli_setup
    assert main(["ingest", "--project", str(folder), "--roster", str(roster), str(corpus)]) == 0
    capsys.readouterr()
    assert main(["segments", "--project", str(folder), "--jsonl"]) == 0
    printed = capsys.readouterr().out
    assert printed.strip()
    for original in ORIGINALS:
        assert original.lower() not in printed.lower(), original
    with Project.open(folder) as p:
        dump = "\n".join(p.store.connection.iterdump()) if hasattr(p.store, "connection") else ""
        texts = p.store.read_sql("SELECT text, title, school, metadata FROM sources").to_string()
        cases = p.store.read_sql("SELECT * FROM cases").to_string()
        speakers = p.store.read_sql("SELECT * FROM speakers").to_string()
    for original in ("Okafor", "Nwosu", "Lindqvist", "Reyes", "Northfield"):
        for blob in (texts, cases, speakers, dump):
            assert original not in blob
    key_file = folder / "private" / "pseudonym-key.json"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "Jayden Okafor" in key_file.read_text(encoding="utf-8")


def test_privacy_report_counts_without_originals_and_with_key(cli_setup, capsys):
    folder, corpus, roster = cli_setup
    main(["ingest", "--project", str(folder), "--roster", str(roster), str(corpus)])
    capsys.readouterr()
    assert main(["privacy-report", "--project", str(folder), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    counts = {row["kind"]: row["n"] for row in report["counts"]}
    assert counts["pupil"] >= 4 and counts["phone"] == 1 and counts["email"] == 1 and counts["school"] >= 1
    assert "Jayden" not in json.dumps(report)
    assert report["leaks"] == []
    assert main(["privacy-report", "--project", str(folder), "--key",
                 str(folder / "private" / "pseudonym-key.json")]) == 0
    text = capsys.readouterr().out
    assert "Jayden Okafor" in text and "No original name" in text


def test_later_ingest_without_roster_still_knows_the_roster(cli_setup, capsys, tmp_path):
    folder, corpus, roster = cli_setup
    main(["ingest", "--project", str(folder), "--roster", str(roster), str(corpus)])
    later = tmp_path / "later.txt"
    later.write_text("Amara Nwosu and Jay went to the museum.\n\nPriya organised it.\n", encoding="utf-8")
    assert main(["ingest", "--project", str(folder), "--kind", "article", str(later)]) == 0
    capsys.readouterr()
    main(["segments", "--project", str(folder), "--jsonl", "--source", "later"])
    printed = capsys.readouterr().out
    assert printed.strip()
    for original in ("Amara", "Nwosu", "Jay ", "Priya"):
        assert original not in printed


def test_leak_check_finds_names_stored_without_pseudonymisation(cli_setup, capsys):
    folder, corpus, roster = cli_setup
    main(["ingest", "--project", str(folder), "--roster", str(roster), str(corpus / "quotes.csv")])
    config = folder / "evidence.yaml"
    config.write_text(config.read_text() + "\npseudonymise: false\n")
    main(["ingest", "--project", str(folder), str(corpus / "roundtable.txt")])
    capsys.readouterr()
    assert main(["privacy-report", "--project", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "WARNING" in out and "Okafor" not in out and "Not pseudonymised" in out


def test_a_name_in_the_file_name_does_not_reach_source_or_segment_ids(cli_setup, capsys, tmp_path):
    folder, corpus, roster = cli_setup
    named = tmp_path / "jayden_okafor_interview.txt"
    named.write_text("Interviewer: How was it?\nJayden Okafor: Good, I read more now.\n", encoding="utf-8")
    assert main(["ingest", "--project", str(folder), "--roster", str(roster), str(named)]) == 0
    with Project.open(folder) as p:
        ids = list(p.sources()["id"]) + list(p.segments()["id"])
    assert ids and not any("jayden" in i or "okafor" in i for i in ids)
    # the store keeps only a hash of the file's path, so the leak check finds nothing
    capsys.readouterr()
    assert main(["privacy-report", "--project", str(folder), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["leaks"] == []
    assert main(["ingest", "--project", str(folder), "--roster", str(roster), str(named)]) == 0
    with Project.open(folder) as p:
        assert len(p.sources()) == 1  # unchanged file: found by its path's hash, not ingested twice
