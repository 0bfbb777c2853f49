"""Imports are pseudonymised in every field: REFI-QDA code names and descriptions too, not only texts."""

from __future__ import annotations

import sqlite3
import zipfile

from evidence.cli import main
from evidence.privacy import load_key

SOURCE = "51000000-0000-4000-8000-000000000001"
CODE = "c1000000-0000-4000-8000-00000000000a"
CHILD = "c1000000-0000-4000-8000-00000000000b"
TEXT = "Interviewer: How is it going?\n\nTamsin Oduya: Better since Mr Varga joined.\n"
ROSTER = "name,kind\nTamsin Oduya,pupil\nLazlo Varga,staff\nHollowmere Academy,school\n"


def build(path) -> None:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Mentoring" origin="OtherQDA 1">
  <CodeBook><Codes>
    <Code guid="{CODE}" name="Tamsin Oduya" isCodable="true"><Description>All about Tamsin from Hollowmere Academy</Description>
      <Code guid="{CHILD}" name="Lazlo's sessions" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Sources><TextSource guid="{SOURCE}" name="Check-in" plainTextPath="internal://{SOURCE}.txt"/></Sources>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        archive.writestr(f"sources/{SOURCE}.txt", TEXT.encode("utf-8"))


def test_code_names_and_descriptions_lose_their_names(tmp_path, capsys):
    project = tmp_path / "p"
    assert main(["init", "--project", str(project)]) == 0
    archive, roster = tmp_path / "export.qdpx", tmp_path / "roster.csv"
    build(archive)
    roster.write_text(ROSTER, encoding="utf-8")
    assert main(["import-qdpx", "--project", str(project), str(archive), "--roster", str(roster)]) == 0
    key = load_key(project / "private")
    pupil = next(p for p, e in key.entries.items() if e["original"] == "Tamsin Oduya")
    connection = sqlite3.connect(project / "evidence.sqlite")
    try:
        codes = connection.execute("SELECT id, name, definition FROM codes ORDER BY ord").fetchall()
        dump = "\n".join(connection.iterdump())
    finally:
        connection.close()
    assert codes[0][1] == pupil and codes[0][2].startswith(f"All about {pupil} from School ")
    for original in ("Tamsin", "Oduya", "Lazlo", "Varga", "Hollowmere"):
        assert original not in dump and original.lower() not in dump.lower()
    capsys.readouterr()
    assert main(["privacy-report", "--project", str(project), "--json"]) == 0
    out = tmp_path / "codebook.md"
    assert main(["export-codebook", "--project", str(project), str(out), "--format", "md"]) == 0
    assert "Tamsin" not in out.read_text(encoding="utf-8") and "Lazlo" not in out.read_text(encoding="utf-8")
