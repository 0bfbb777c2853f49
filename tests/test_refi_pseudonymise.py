"""`evidence import-qdpx` pseudonymises as `evidence ingest` does, and every selection keeps its words.

The archive is built here from made-up text. Expected texts are written out by hand from the
pseudonyms the key file holds after the import, not computed by the code under test.
"""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

U_PRIYA, U_ANA = "a0000000-0000-4000-8000-000000000001", "a0000000-0000-4000-8000-000000000002"
CODE = "c0000000-0000-4000-8000-00000000000a"
SOURCE = "50000000-0000-4000-8000-000000000001"
CASE = "60000000-0000-4000-8000-000000000001"
NOTE = "90000000-0000-4000-8000-000000000001"

TEXT = ("Facilitator: Welcome, everyone.\n\n"
        "Priya Patel (Head): Jayden Okafor read every day; @jay_reads posted about it.\n\n"
        "Tom Reyes (Charity lead): Amara's mum wrote to amara.mum@example.org to say thanks.\n")
ROSTER = "name,kind,aliases\nJayden Okafor,pupil,Jay\nAmara Nwosu,pupil,\nPriya Patel,staff,Mrs P\n"
ORIGINALS = ("Jayden", "Okafor", "Amara", "Nwosu", "Priya", "Patel", "Tom Reyes", "jay_reads", "amara.mum")

# (guid, the words selected, user): edges inside a name or handle on purpose
SELECTIONS = [
    ("e0000000-0000-4000-8000-000000000001", "den Okafor read every day", U_PRIYA),  # starts mid-name
    ("e0000000-0000-4000-8000-000000000002", "read every day; @jay", U_ANA),  # ends mid-handle
    ("e0000000-0000-4000-8000-000000000003", "Amar", U_ANA),  # inside a name only
    ("e0000000-0000-4000-8000-000000000004", "to say thanks", U_ANA),  # after the replacements
    ("e0000000-0000-4000-8000-000000000005", "Jayden Okafor read every day; @jay_reads posted about it.", U_ANA),
]


def _selection(guid: str, words: str, user: str) -> str:
    start = TEXT.index(words)
    return (f'<PlainTextSelection guid="{guid}" name="{words}" startPosition="{start}" '
            f'endPosition="{start + len(words)}" creatingUser="{user}"><Coding guid="{guid[:-4]}c0de" '
            f'creatingUser="{user}"><CodeRef targetGUID="{CODE}"/></Coding></PlainTextSelection>')


def build_archive(path) -> None:
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Reading club" origin="SomeQDA 2">
  <Users><User guid="{U_PRIYA}" name="Priya Patel"/><User guid="{U_ANA}" name="Ana"/></Users>
  <CodeBook><Codes><Code guid="{CODE}" name="Reading habit" isCodable="true"/></Codes></CodeBook>
  <Cases><Case guid="{CASE}" name="Jayden Okafor"><Description>kind: pupil
Jayden joined in May.</Description></Case></Cases>
  <Sources>
    <TextSource guid="{SOURCE}" name="Roundtable with Jayden Okafor" plainTextPath="internal://{SOURCE}.txt">
      {"".join(_selection(*s) for s in SELECTIONS)}
    </TextSource>
  </Sources>
  <Notes><Note guid="{NOTE}" name="Follow-up" creatingUser="{U_ANA}">
    <PlainTextContent>Ask Jayden about @jay_reads.</PlainTextContent></Note></Notes>
</Project>"""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde.encode("utf-8"))
        archive.writestr(f"sources/{SOURCE}.txt", TEXT.encode("utf-8"))


def _store_dump(project) -> str:
    connection = sqlite3.connect(project.path / "evidence.sqlite")
    try:
        return "\n".join(connection.iterdump())
    finally:
        connection.close()


@pytest.fixture
def imported(project, tmp_path):
    from evidence.refi.import_qdpx import import_qdpx

    path = tmp_path / "jayden-okafor.qdpx"  # a name in the file name, too
    build_archive(path)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    return project, import_qdpx(project, path, roster=roster), path, roster


def _pseudonym(project, name: str) -> str:
    from evidence.privacy import load_key

    key = load_key(project.private_dir)
    return next(p for p, entry in key.entries.items() if entry["original"] == name)


def test_selections_cover_the_same_words_after_replacement(imported):
    project, report, _, _ = imported
    jayden, amara = _pseudonym(project, "Jayden Okafor"), _pseudonym(project, "Amara Nwosu")
    priya = _pseudonym(project, "Priya Patel")
    source = project.sources().iloc[0]
    text = project.source_text(source["id"])
    guid_of = dict(project.store.read_sql("SELECT local_id, guid FROM refi_objects WHERE kind = 'coding'")
                   .itertuples(index=False, name=None))
    coded = {guid_of[str(c.id)]: (text[int(c.start):int(c.end)], c.coder)
             for c in project.codings().itertuples(index=False)}
    expected = [(f"{jayden} read every day", priya), ("read every day; [handle]", "Ana"), (amara, "Ana"),
                ("to say thanks", "Ana"), (f"{jayden} read every day; [handle] posted about it.", "Ana")]
    assert coded == {guid[:-4] + "c0de": want for (guid, _, _), want in zip(SELECTIONS, expected)}
    assert f"{amara}'s mum wrote to [email] to say thanks." in text
    assert report.widened == 3
    segments = project.segments().set_index("id")
    for c in project.codings().itertuples(index=False):  # each still sits inside its segment
        assert segments.loc[c.segment, "start"] <= c.start and c.end <= segments.loc[c.segment, "end"]


def test_nothing_in_the_store_or_report_holds_an_original(imported, capsys):
    from evidence.cli import main

    project, report, _, _ = imported
    dump = _store_dump(project)
    printed = report.summary() + str(report.to_dict())
    for original in ORIGINALS:
        assert original not in dump, original
        assert original not in printed, original
    assert "jayden" not in dump.lower() and "okafor" not in dump.lower()
    assert "NOT pseudonymised" not in printed
    # counts by kind, never the originals
    assert report.pseudonymised["pupil"] >= 2 and report.pseudonymised["handle"] == 1
    assert report.pseudonymised["email"] == 1 and report.pseudonymised["coder (staff)"] == 1
    assert "pseudonymised:" in report.summary() and "1 handle" in report.summary()
    cases = project.cases()
    assert list(cases["name"]) == [_pseudonym(project, "Jayden Okafor")]
    memos = set(project.memos()["text"])
    assert f"Ask {_pseudonym(project, 'Jayden Okafor')} about [handle]." in memos
    speakers = set(project.segments(kinds=["turn"])["speaker"])
    assert _pseudonym(project, "Priya Patel") in speakers and "Facilitator" in speakers
    capsys.readouterr()
    assert main(["privacy-report", "--project", str(project.path), "--json"]) == 0  # its leak check too


def test_coders_not_on_the_roster_keep_their_names(imported):
    project, _, _, _ = imported
    users = set(project.store.read_sql("SELECT local_id FROM refi_objects WHERE kind = 'user'")["local_id"])
    assert users == {"Ana", _pseudonym(project, "Priya Patel")}


def test_importing_the_same_file_again_merges_without_duplicates(imported):
    from evidence.refi.import_qdpx import import_qdpx

    project, _, path, _ = imported
    before = (len(project.codings()), len(project.sources()), len(project.segments()), len(project.memos()))
    text = project.source_text(project.sources().iloc[0]["id"])
    again = import_qdpx(project, path)  # the roster is remembered in the key file
    assert again.counts["sources merged"] == 1 and again.counts["codings"] == 0
    assert (len(project.codings()), len(project.sources()), len(project.segments()), len(project.memos())) == before
    assert project.source_text(project.sources().iloc[0]["id"]) == text


@pytest.mark.parametrize("same_project", [True, False])
def test_own_export_round_trip_does_not_replace_twice(imported, tmp_path, same_project):
    from evidence.project import Project
    from evidence.refi.export_qdpx import export_qdpx
    from evidence.refi.import_qdpx import import_qdpx

    project, _, _, _ = imported
    with project.store.transaction() as conn:  # a school pseudonym in the source header, as ingest writes
        conn.execute("UPDATE sources SET school = 'School C'")
    out = tmp_path / "export.qdpx"
    export_qdpx(project, out)

    def spans(p):
        text = p.source_text(p.sources().iloc[0]["id"])
        return sorted((c.coder, int(c.start), int(c.end), text[int(c.start):int(c.end)])
                      for c in p.codings().itertuples(index=False))

    target = project if same_project else Project.init(tmp_path / "other")
    report = import_qdpx(target, out)
    assert report.widened == 0
    assert spans(target) == spans(project)
    assert target.source_text(target.sources().iloc[0]["id"]) == project.source_text(project.sources().iloc[0]["id"])
    assert list(target.sources()["school"]) == ["School C"]
    if same_project:
        assert report.counts["sources merged"] == 1 and report.counts["codings"] == 0
    else:
        assert report.counts["sources"] == 1 and not report.pseudonymised  # a fresh key replaced nothing
        target.close()


def test_pseudonymisation_off(tmp_path):
    from evidence.core.errors import ProjectError
    from evidence.project import Project
    from evidence.refi.import_qdpx import import_qdpx

    path = tmp_path / "club.qdpx"
    build_archive(path)
    project = Project.init(tmp_path / "plain", pseudonymise=False)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    with pytest.raises(ProjectError, match="pseudonymise: false"):
        import_qdpx(project, path, roster=roster)
    report = import_qdpx(project, path)
    text = project.source_text(project.sources().iloc[0]["id"])
    assert text == TEXT and report.pseudonymised is None
    assert {text[int(c.start):int(c.end)] for c in project.codings().itertuples()} == {s[1] for s in SELECTIONS}
    assert "pseudonymisation is off" in report.summary()
    project.close()


def test_cli_roster_option(project, tmp_path, capsys):
    from evidence.cli import main

    path = tmp_path / "club.qdpx"
    build_archive(path)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    project.close()
    assert main(["import-qdpx", str(path), "--roster", str(roster), "--project", str(project.path)]) == 0
    printed = capsys.readouterr().out
    assert "pseudonymised:" in printed and "3 selections started or ended inside" in printed
    for original in ORIGINALS:
        assert original not in printed


def test_move_spans_edges():
    from evidence.privacy.detect import Finding
    from evidence.privacy.replace import _Edit, apply_edits
    from evidence.refi.pseudonymise import move_spans

    text = "ab Jayden cd"
    edits = [_Edit(3, 9, "Pupil 017", Finding(3, 9, "pupil", "roster"))]
    new = apply_edits(text, edits)[0]
    assert new == "ab Pupil 017 cd"
    spans = [(0, 2), (0, 3), (3, 9), (4, 6), (5, 12), (9, 12), (3, 3), (5, 5), None]
    moved, widened = move_spans(edits, spans)
    assert [new[m[0]:m[1]] if m else None for m in moved] == \
        ["ab", "ab ", "Pupil 017", "Pupil 017", "Pupil 017 cd", " cd", "", "", None]
    assert moved[6] == (3, 3) and moved[7] == (3, 3)  # empty spans stay empty, before the pseudonym
    assert widened == 2
