"""A codebook loaded into a project is pseudonymised like the text: no roster name reaches the store,
export-codebook or the bundle through a code's name, definition, guidance or examples."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _evidence(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evidence", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300)


CODEBOOK = """\
name: Mentoring evaluation
codes:
  - id: confidence
    name: Confidence (as Zainab Hollis put it)
    definition: Pupils at Larkrise High describe feeling surer of themselves.
    when_to_use: When a pupil, e.g. Zainab, says they speak up more.
    examples:
      - "Zainab Hollis said she now answers in class."
  - id: logistics
    name: Logistics
    definition: Rooms, timetables and travel.
"""


@pytest.mark.slow
def test_codebook_load_replaces_roster_names_everywhere(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "roster.csv").write_text(
        "name,kind,aliases\nZainab Hollis,pupil,Zainab\nLarkrise High,school,\nTom Brennan,staff,\n", encoding="utf-8")
    (tmp_path / "corpus" / "session.txt").write_text(
        "Tom Brennan: Zainab Hollis has grown in confidence this term.\n"
        "Mentor: Larkrise High gave us a room on Tuesdays.\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    assert _evidence("init", "--project", "proj", "--no-corpus", cwd=tmp_path).returncode == 0
    ingest = _evidence("ingest", "--project", "proj", "--roster", "corpus/roster.csv", "corpus/session.txt",
                       cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    load = _evidence("codebook", "load", "book.yaml", "--project", "proj", "--json", cwd=tmp_path)
    assert load.returncode == 0, load.stderr
    shown = json.loads(_evidence("codebook", "show", "--project", "proj", "--json", cwd=tmp_path).stdout)
    confidence = next(c for c in shown if c["id"] == "confidence")
    text = json.dumps(shown, ensure_ascii=False)
    for name in ("Zainab", "Hollis", "Larkrise"):
        assert name not in text, f"{name} reached the stored codebook"
    assert confidence["name"].startswith("Confidence (as Pupil ")
    assert "School " in confidence["definition"]
    exported = _evidence("export-codebook", "--project", "proj", "out.csv", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert "Zainab" not in (tmp_path / "out.csv").read_text(encoding="utf-8")
    report = _evidence("privacy-report", "--project", "proj", "--json", cwd=tmp_path)
    assert report.returncode == 0, report.stdout + report.stderr


@pytest.mark.slow
def test_codebook_of_a_project_without_pseudonymisation_is_kept_as_written(tmp_path):
    (tmp_path / "book.yaml").write_text(CODEBOOK, encoding="utf-8")
    assert _evidence("init", "--project", "proj", "--no-corpus", cwd=tmp_path).returncode == 0
    config = tmp_path / "proj" / "evidence.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("pseudonymise: true", "pseudonymise: false"),
                      encoding="utf-8")
    assert _evidence("codebook", "load", "book.yaml", "--project", "proj", cwd=tmp_path).returncode == 0
    shown = json.loads(_evidence("codebook", "show", "--project", "proj", "--json", cwd=tmp_path).stdout)
    assert next(c for c in shown if c["id"] == "confidence")["name"] == "Confidence (as Zainab Hollis put it)"
