"""Names a transcript mentions after a title ("Councillor Okonjo", "mrs hughes") are found without a
roster, speaker labels or a trained NER pipeline (evidence.privacy.roster.titled_names), and never stored."""

from __future__ import annotations

import sqlite3

import pytest

from evidence.cli import main
from evidence.privacy.roster import titled_names


@pytest.mark.parametrize("text, names", [
    ("Councilor Abernethy is present.", ["Abernethy"]),
    ("Councillor Marisol Quenby-Hart moved the motion.", ["Marisol Quenby-Hart"]),
    ("Councilor Delacroix -Whitlam, you have the floor.", ["Delacroix-Whitlam"]),
    ("i asked mrs hughes for help and mr and mrs tandy came", ["Hughes", "Tandy"]),
    ("Dr. Okonjo and Mrs. O'Halloran and Mr McTavish spoke.", ["Okonjo", "O'Halloran", "McTavish"]),
    ("Council President Brannagh. Later Ed Brannagh spoke and So Brannagh said.", ["Brannagh", "Ed Brannagh"]),
    # not names: roles after a title, a verb that looks like a title, a sentence ending in a title, acronyms
    ("Thank you, Mr. President. Madam Chair, Mr Clerk.", []),
    ("I had to miss science for it and I miss PE.", []),
    ("Thank you, Councilor. We will vote.", []),
    ("the chair Tom said my father Leo came; Principal Investigator", []),
])
def test_titled_names(text, names):
    assert titled_names(text) == names


def test_a_transcript_without_speaker_labels_loses_the_names_it_mentions(tmp_path, monkeypatch, capsys):
    # a council meeting as plain paragraphs (no "Name:" turns), no roster, the current folder as project
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minutes.txt").write_text(
        "Good afternoon. The clerk will call the roll. Councilor Abernethy is present. Councilor Quenby is "
        "present.\n\nThank you, Madam Chair. Docket number 0412 concerns the library roof.\n\n"
        "Councilor Abernethy has the floor. Thank you, Mr. President. Ms Quenby and I agree on the roof.\n\n"
        "Dr. Okonjo from the parks department answered. Quenby asked about costs; Ed Brannagh and "
        "President Brannagh replied.\n\ni asked mrs tandy for help with the roof and mr tandy agreed.\n",
        encoding="utf-8")
    assert main(["init", "--project", "."]) == 0
    assert main(["ingest", "--project", ".", "minutes.txt"]) == 0
    capsys.readouterr()
    with sqlite3.connect("evidence.sqlite") as db:
        stored = " ".join(str(value) for table in ("sources", "segments")
                          for row in db.execute(f"select * from {table}") for value in row)
    for name in ("Abernethy", "Quenby", "Okonjo", "Brannagh", "Ed ", "tandy", "Tandy"):
        assert name not in stored
    for kept in ("Mr. President", "Madam Chair", "Person", "Docket number 0412", "library roof"):
        assert kept in stored
    assert main(["privacy-report", "--project", "."]) == 0
    assert "person" in capsys.readouterr().out
