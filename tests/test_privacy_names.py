"""Names on real transcripts: titles, middle names, name parts several people share, role labels, no
fragments beside a pseudonym, numbers that are not phones. A committee-style corpus of our own (fictional
names, another roster than the sample's)."""

from __future__ import annotations

import json
import re

import pytest

from evidence import ingest
from evidence.cli import main
from evidence.privacy import KnownNames, NameIndex, PseudonymKey, find_personal_data, pseudonymise_reading
from evidence.privacy.detect import find_patterns, name_parts
from evidence.privacy.roster import is_role_label
from evidence.project import Project

PEOPLE = [
    ("Professor Ffion Carwyn", "speaker"),
    ("Bethan Non Pryce MS", "speaker"),
    ("Idris Maddock", "speaker"),
    ("Carys Tewdwr", "speaker"),
    ("Gethin Rhydderch", "speaker"),
    ("Jo Facilitator", "speaker"),
    ("Rachel Head", "staff"),
    # two roster people share a first name (Aisha), two share a surname (Khan)
    ("Aisha Khan", "pupil"),
    ("Aisha Begum", "pupil"),
    ("Omar Khan", "pupil"),
]


@pytest.fixture
def known() -> KnownNames:
    names = KnownNames()
    for name, kind in PEOPLE:
        names.add(name, kind)
    return names


@pytest.fixture
def key() -> PseudonymKey:
    return PseudonymKey(secret=bytes(range(1, 33)))


def found(text: str, known: KnownNames) -> list[tuple[str, str, str]]:
    return [(text[f.start:f.end], f.kind, f.identity) for f in find_personal_data(text, NameIndex(known))]


def test_titles_and_letters_after_a_name_are_never_name_parts(known):
    assert name_parts("Professor Ffion Carwyn") == ["Ffion", "Carwyn"]
    assert name_parts("Bethan Non Pryce MS") == ["Bethan", "Non", "Pryce"]
    assert name_parts("Jack Ma") == ["Jack", "Ma"]  # a surname, not letters after a name
    # another professor is not Ffion Carwyn: no part of her pseudonym lands on him
    assert found("Professor Emrys Vaughan gave evidence.", known) == []
    assert found("Thank you, Professor.", known) == []
    # the title and the letters after the name go with it: nothing is left beside the pseudonym
    assert found("Professor Ffion Carwyn agreed.", known) == [
        ("Professor Ffion Carwyn", "speaker", "person:professor ffion carwyn")]
    assert found("Bethan Non Pryce MS asked.", known) == [
        ("Bethan Non Pryce MS", "speaker", "person:bethan non pryce ms")]


def test_first_middle_and_surnames_are_found_alone_for_the_right_person(known):
    assert found("Ffion, you wanted to come in?", known) == [("Ffion", "speaker", "person:professor ffion carwyn")]
    assert found("Over to you, Non.", known)[0][2] == "person:bethan non pryce ms"
    assert found("I agree with Pryce's point", known) == [("Pryce", "speaker", "person:bethan non pryce ms")]
    assert found("ffion and maddock were late", known)  # lower case, no ordinary English words
    assert found("Over to\nCarys Tewdwr now", known) == [("Carys Tewdwr", "speaker", "person:carys tewdwr")]


def test_a_shared_name_part_never_gets_one_persons_pseudonym(known, key, tmp_path):
    path = tmp_path / "panel.txt"
    path.write_text("Idris Maddock: Aisha said the sessions helped. Khan agreed.\n"
                    "Carys Tewdwr: Aisha Khan and Omar Khan both came; Aisha Begum did not.\n"
                    "Idris Maddock: Thank you. Aisha?\n", encoding="utf-8")
    reading = ingest.read_file(path, ingest.ReadOptions(source_id="panel"))
    new, _ = pseudonymise_reading(reading, known, key)
    text = new.source.text
    for part in ("Aisha", "Khan", "Omar", "Begum", "Idris", "Maddock", "Carys", "Tewdwr"):
        assert part not in text
    khan, begum, omar = (key.pseudonym_of_identity(f"person:{n}") for n in ("aisha khan", "aisha begum", "omar khan"))
    assert khan and begum and omar
    first_turn, second_turn, third_turn = text.splitlines()
    # everyone named in full gets their own pseudonym ...
    assert khan in second_turn and begum in second_turn and omar in second_turn
    # ... and the parts they share get a neutral placeholder, never one of theirs
    for turn in (first_turn, third_turn):
        assert khan not in turn and begum not in turn and omar not in turn
        assert "[pupil name]" in turn


def test_no_fragment_is_left_beside_a_pseudonym(known, key):
    # each part alone belongs to a different roster person, or to nobody: one whole unknown name
    known.add("Andrew Clark", "speaker")
    known.add("Claire Morgan", "speaker")
    known.add("John Griffiths", "speaker")
    assert found("Andrew Morgan spoke next.", known) == [("Andrew Morgan", "speaker", "")]
    assert found("Dr Ann John said so.", known) == [("Dr Ann John", "speaker", "")]
    # an unknown middle name between two parts of one person's name stays with that person
    assert found("Carys Elin Tewdwr said so.", known) == [("Carys Elin Tewdwr", "speaker", "person:carys tewdwr")]
    from evidence.privacy import Pseudonymiser

    worker = Pseudonymiser(known, key)
    out, _ = worker.text("Andrew Morgan and Dr Ann John met Idris Maddock.")
    assert not re.search(r"Andrew|Morgan|Ann|John|Idris|Maddock", out)
    john = key.pseudonym(worker.index.known["person:john griffiths"])
    assert john not in out  # John Griffiths's pseudonym is not glued onto Dr Ann John


def test_role_words_are_names_only_where_they_stand_as_names(known):
    assert found("The head and I agreed; the facilitator took notes.", known) == []
    assert found("Head of year 9 joined us.", known) == []
    assert found("Rachel Head joined us, then Ms Head left.", known) == [
        ("Rachel Head", "staff", "person:rachel head"), ("Ms Head", "staff", "person:rachel head")]
    assert found("Jo Facilitator opened the meeting.", known)[0][0] == "Jo Facilitator"


@pytest.mark.parametrize("label", ["Tutor", "Chair", "Facilitator", "Interviewer", "Pupil", "Pupil 3",
                                   "Interviewer A", "The Chair", "Head teacher", "Mentor 2"])
def test_role_labels_are_roles(label):
    assert is_role_label(label)


def test_role_label_speakers_keep_their_role(known, key, tmp_path):
    path = tmp_path / "session.txt"
    path.write_text("Facilitator: Welcome, everyone.\nTutor: Fractions went well.\nChair: Jo Facilitator next.\n"
                    "Pupil: I liked it.\nJo Facilitator: Thank you, Chair.\n", encoding="utf-8")
    reading = ingest.read_file(path, ingest.ReadOptions(source_id="session"))
    new, _ = pseudonymise_reading(reading, known, key)
    speakers = [s.speaker for s in new.segments if s.kind == "turn"]
    jo = key.pseudonym_of_identity("person:jo facilitator")
    assert speakers[:4] == ["Facilitator", "Tutor", "Chair", "Pupil"] and speakers[4] == jo
    assert "Thank you, Chair." in new.source.text and "Facilitator" not in new.source.text.split("\n", 1)[1]


@pytest.mark.parametrize("text", [
    "GUID 3f2504e0-4f89-11d3-9a0c-030500000001 in the export",
    "{12345678-1234-4000-8000-012345678901}",
    "URN 100000123456789 and LAESTAB 9364012",
    "reference REF-01134960123 on the invoice",
])
def test_numbers_and_guids_are_not_phones(text):
    assert [f.kind for f in find_patterns(text) if f.kind == "phone"] == []


def test_real_phones_still_are():
    assert [f.kind for f in find_patterns("ring 0113 496 0123 or 07700900461.")].count("phone") >= 2


def test_a_spelled_out_name_is_found(known):
    assert found("her name is O-m-a-r, spelled out", known) == [("O-m-a-r", "pupil", "person:omar khan")]
    assert found("C.A.R.Y.S read it", known)[0][0] == "C.A.R.Y.S"


def test_ingest_prints_the_pseudonymised_source_id_and_extra_roles_from_config(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the current folder as the project, relative paths
    assert main(["init", "--project", "."]) == 0
    with open("evidence.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nrole_labels: [Link worker]\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "omar_khan_review.txt").write_text(
        "Link Worker: Omar Khan settled in well.\nGethin Rhydderch: Agreed.\nLink Worker: He reads more.\n"
        "Gethin Rhydderch: Yes, every day.\n", encoding="utf-8")
    (tmp_path / "people.csv").write_text("name,kind\nOmar Khan,pupil\nGethin Rhydderch,staff\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["ingest", "--json", "--roster", "people.csv", "in/omar_khan_review.txt"]) == 0
    printed = json.loads(capsys.readouterr().out.splitlines()[-1])
    with Project.open(".") as project:
        assert printed["source"] in set(project.sources()["id"])
        segments = project.segments()
        speakers = list(segments[segments["kind"] == "turn"]["speaker"])
    assert "omar" not in printed["source"] and "khan" not in printed["source"]
    assert printed["path"] == f"in/{printed['source']}.txt"  # the shown path names nobody either
    assert speakers[0] == "Link Worker" and "Gethin" not in speakers[1]


def test_a_titled_speaker_label_is_the_roster_person(key, tmp_path):
    names = KnownNames()
    names.add("Ffion Carwyn", "speaker")
    path = tmp_path / "hearing.txt"
    path.write_text("Chair: Welcome.\nProfessor Ffion Carwyn: Thank you.\nChair: Ffion, go on.\n"
                    "Professor Ffion Carwyn: Gladly.\n", encoding="utf-8")
    reading = ingest.read_file(path, ingest.ReadOptions(source_id="hearing"))
    new, _ = pseudonymise_reading(reading, names, key)
    ffion = key.pseudonym_of_identity("person:ffion carwyn")
    assert [s.speaker for s in new.segments if s.kind == "turn"] == ["Chair", ffion, "Chair", ffion]
    assert f"Chair: {ffion}, go on." in new.source.text
    assert len(key.entries) == 1  # one person, one pseudonym
