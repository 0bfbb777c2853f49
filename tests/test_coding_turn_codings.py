"""Codings of roundtable turns named by transcript file and turn number (source ids are pseudonymised)."""

from __future__ import annotations

import pytest

from evidence.codebook.changes import add_code
from evidence.coding.spreadsheets import import_codings
from evidence.core.errors import InputError
from evidence.core.model import Code


def test_turn_codings_land_on_the_right_turns(project, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "transcripts").mkdir(parents=True)
    (corpus / "codings").mkdir()
    transcript = corpus / "transcripts" / "round.txt"
    transcript.write_text("Ann Lee: We set aims together.\nTom Ray: Nobody knew who to call.\n"
                          "Ann Lee: A link person fixed that.\n", encoding="utf-8")
    assert project.ingest([transcript]).ok
    for code_id, name in (("aims", "Agreed aims"), ("link", "Link people")):
        add_code(project, Code(id=code_id, name=name, definition=f"{name}."))
    sheet = corpus / "codings" / "ann_turns.csv"
    sheet.write_text("source_file,turn,code\ntranscripts/round.txt,0,aims\ntranscripts/round.txt,2,link\n",
                     encoding="utf-8")
    report = import_codings(project, sheet, coder="ann")
    assert report.codings_added == 2
    codings = project.codings(coder="ann").merge(project.segments(["turn"]), left_on="segment", right_on="id")
    assert sorted(zip(codings["order"], codings["code"])) == [(0, "aims"), (2, "link")]
    bad = corpus / "codings" / "bad_turns.csv"
    bad.write_text("source_file,turn,code\ntranscripts/round.txt,7,aims\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"row 2 \('transcripts/round.txt#turn 7'\)"):
        import_codings(project, bad, coder="ann")
