"""Pseudonymisation: detection, consistent keyed pseudonyms, offsets, the key file. Fictional names only."""

from __future__ import annotations

import dataclasses
import itertools
import os
import stat
from pathlib import Path

import pytest

from evidence import ingest
from evidence.core.errors import InputError, ProjectError
from evidence.core.model import Segment, Source
from evidence.privacy import (
    KnownNames,
    NameIndex,
    PseudonymKey,
    create_key,
    find_personal_data,
    load_key,
    load_or_create_key,
    load_roster,
    pseudonymise,
)
from evidence.privacy.detect import find_patterns, load_ner
from evidence.privacy.pseudonyms import candidates

ROSTER = """name,kind,aliases
Jayden Okafor,pupil,Jay;JJ
Zoë Whitfield-Hart,pupil,
Grace Adebayo,pupil,
Will Brown,staff,
Priya Patel,staff,Mrs P
Sarah Lindqvist,speaker,
Northfield Academy,school,Northfield Acad
St Mary's Catholic Primary School,school,
"""


@pytest.fixture
def roster(tmp_path) -> KnownNames:
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return load_roster(path)


@pytest.fixture
def key() -> PseudonymKey:
    return PseudonymKey(secret=bytes(range(32)))


def spans(text: str, known: KnownNames) -> list[tuple[str, str]]:
    return [(text[f.start:f.end], f.kind) for f in find_personal_data(text, NameIndex(known))]


def test_load_roster_reads_names_kinds_and_aliases(roster):
    jayden = roster.find("jayden okafor")
    assert jayden.kind == "pupil" and jayden.aliases == ["Jay", "JJ"]
    assert roster.find("JJ") is jayden
    assert roster.find("Northfield Academy").kind == "school"
    assert len(roster) == 8


def test_roster_errors_name_file_and_row(tmp_path):
    bad = tmp_path / "r.csv"
    bad.write_text("name,type\nA,pupil\n")
    with pytest.raises(InputError, match="no 'kind' column") as info:
        load_roster(bad)
    assert info.value.line == 1 and str(bad) in str(info.value)
    bad.write_text("name,kind\nAmy Cole,pupil\nBen Ode,wizard\n")
    with pytest.raises(InputError, match="unknown kind 'wizard'") as info:
        load_roster(bad)
    assert info.value.row == 2
    bad.write_text("name,kind\n,pupil\n")
    with pytest.raises(InputError, match="empty name"):
        load_roster(bad)


@pytest.mark.parametrize("text, expected", [
    ("Jayden Okafor joined in May.", "Jayden Okafor"),
    ("I spoke to Jayden's mum.", "Jayden"),
    ("me and jayden went", "jayden"),
    ("JAYDEN OKAFOR", "JAYDEN OKAFOR"),
    ("we call him JJ now", "JJ"),
    ("Jay said it was fun", "Jay"),
    ("Mr Okafor came to the evening", "Mr Okafor"),
    ("J. Okafor (Year 9)", "J. Okafor"),
    ("Okafor's work improved", "Okafor"),
    ("jaydens bag", "jayden"),
])
def test_person_forms_are_found(roster, text, expected):
    assert (expected, "pupil") in spans(text, roster)


def test_name_split_across_a_line_break(roster):
    text = "The mentor of Jayden\nOkafor said so."
    assert spans(text, roster) == [("Jayden\nOkafor", "pupil")]


def test_accents_and_hyphens_do_not_hide_a_name(roster):
    assert ("Zoe Whitfield-Hart", "pupil") in spans("Zoe Whitfield-Hart won", roster)
    assert ("Zoë", "pupil") in spans("Zoë won", roster)
    assert ("Whitfield", "pupil") in spans("Miss said Whitfield won", roster)


def test_names_that_are_ordinary_words_only_match_capitalised(roster):
    assert ("Will Brown", "staff") in spans("Will Brown said", roster)
    assert spans("we will see, brown bread", roster) == []
    assert ("Grace", "pupil") in spans("Grace said", roster)
    assert ("priya", "staff") in spans("priya said", roster)


def test_titles_and_nicknames(roster):
    assert ("Mrs Patel", "staff") in spans("ask Mrs Patel", roster)
    assert ("Mrs P", "staff") in spans("Mrs P was great", roster)


def test_school_names_and_short_forms(roster):
    found = spans("At Northfield and at St. Mary's, Saint Mary's Catholic Primary School too", roster)
    assert found == [("Northfield", "school"), ("St. Mary's", "school"),
                     ("Saint Mary's Catholic Primary School", "school")]


def test_shared_first_name_is_resolved_by_a_full_mention_or_left_generic(key):
    known = KnownNames()
    known.add("Jayden Okafor", "pupil")
    known.add("Jayden Marsh", "pupil")
    source = Source("s", "article", "Jayden Marsh came. Later Jayden spoke.")
    new, _, _ = pseudonymise(source, [], known, key)
    marsh = key.pseudonym(known.find("Jayden Marsh"))
    assert new.text == f"{marsh} came. Later {marsh} spoke."
    source = Source("s2", "article", "Later Jayden spoke.")
    new, _, _ = pseudonymise(source, [], known, key)
    assert new.text == "Later [pupil name] spoke."


@pytest.mark.parametrize("text, kind, expected", [
    ("mail jo.cole+test@northfield.sch.uk now", "email", "jo.cole+test@northfield.sch.uk"),
    ("ring 07700 900123 today", "phone", "07700 900123"),
    ("ring 07700900123 today", "phone", "07700900123"),
    ("ring +44 7700 900123 today", "phone", "+44 7700 900123"),
    ("ring +44 (0)20 7946 0958 today", "phone", "+44 (0)20 7946 0958"),
    ("ring 0113 496 0123.", "phone", "0113 496 0123"),
    ("ring (01632) 960001", "phone", "(01632) 960001"),
    ("ring 020-7946-0958", "phone", "020-7946-0958"),
    ("lives at LS1 4AP, Leeds", "postcode", "LS1 4AP"),
    ("lives at sw1a1aa", "postcode", "sw1a1aa"),
    ("see https://example.org/jayden?x=1.", "url", "https://example.org/jayden?x=1"),
    ("see www.northfield.sch.uk/pupils", "url", "www.northfield.sch.uk/pupils"),
    ("see northfield.sch.uk", "url", "northfield.sch.uk"),
    ("follow @jay_ok on insta", "handle", "@jay_ok"),
    ("DOB 12/03/2009", "dob", "12/03/2009"),
    ("D.O.B.: 2009-03-12", "dob", "2009-03-12"),
    ("she was born on 3 March 2009", "dob", "3 March 2009"),
    ("born on the 3rd of March, 2009", "dob", "the 3rd of March, 2009"),
    ("date of birth: March 3, 2009", "dob", "March 3, 2009"),
    ("his birthday is 14th July", "dob", "14th July"),
])
def test_patterns(text, kind, expected):
    found = [(text[f.start:f.end], f.kind) for f in find_personal_data(text, NameIndex(KnownNames()))]
    assert (expected, kind) in found


@pytest.mark.parametrize("text", [
    "In 2019 there were 120 pupils in Year 9 and 35% met the target.",
    "Progress 8 was -0.25 (CI -0.41 to -0.09) for 2018/19.",
    "Meeting at 10:30 on 12/03/2024 in room B12.",
    "The ratio was 3:1 and attendance 94.5%.",
])
def test_no_false_patterns_in_ordinary_school_text(text):
    assert find_patterns(text) == []


def test_pseudonymise_replaces_and_keeps_offsets(roster, key):
    text = ("Sarah Lindqvist: When Jayden's mum rang (07700 900123) I told\nJayden Okafor to "
            "email jay@example.org.\nInterviewer: And Northfield?\nSarah Lindqvist: Northfield Academy "
            "is brilliant, ask Mrs Patel.")
    lines, segments, at = text.split("\n"), [], 0
    turns = [(0, 2, "Sarah Lindqvist", "charity lead"), (2, 3, "Interviewer", "facilitator"),
             (3, 4, "Sarah Lindqvist", "charity lead")]
    for number, (a, b, speaker, role) in enumerate(turns):
        start = text.index(lines[a])
        end = text.index(lines[b - 1]) + len(lines[b - 1])
        segments.append(Segment(f"t{number}", "s", "turn", start, end, text[start:end], order=number,
                                speaker=speaker, role=role, case="Northfield Academy"))
        inner = text.index("Jayden Okafor") if number == 0 else start
        segments.append(Segment(f"t{number}.s1", "s", "sentence", inner, end, text[inner:end],
                                parent=f"t{number}", speaker=speaker, role=role))
    source = Source("s", "transcript", text, title="Northfield roundtable", school="Northfield Academy",
                    metadata={"speakers": {"Sarah Lindqvist": "charity lead"}})
    new, new_segments, replacements = pseudonymise(source, segments, roster, key)
    for segment in new_segments:
        assert new.text[segment.start:segment.end] == segment.text
    everything = repr((new, new_segments, replacements))
    for original in ("Jayden", "Okafor", "Sarah", "Lindqvist", "Northfield", "Patel", "07700", "jay@"):
        assert original not in everything
    charity_lead = key.pseudonym(roster.find("Sarah Lindqvist"))
    assert charity_lead.startswith("Charity lead ")
    assert [s.speaker for s in new_segments if s.kind == "turn"] == [charity_lead, "Interviewer", charity_lead]
    school = key.pseudonym(roster.find("Northfield Academy"))
    assert new.school == school and new_segments[0].case == school
    assert list(new.metadata["speakers"]) == [charity_lead]
    assert new.text.startswith(f"{charity_lead}: When {key.pseudonym(roster.find('Jayden Okafor'))}'s mum")
    kinds = {r.kind for r in replacements}
    assert {"pupil", "phone", "email", "school", "staff", "speaker"} <= kinds


def test_quote_pupil_names_are_known_and_replaced_consistently(key):
    text = "i liked maths\n\nKemi helped me"
    segments = [Segment("q1", "s", "quote", 0, 13, text[:13], speaker="Kemi Sandoval", case="Kemi Sandoval",
                        attributes={"school": "Riverside High", "row": 2}),
                Segment("q2", "s", "quote", 15, 29, text[15:], speaker="P018", case="P018")]
    new, segs, _ = pseudonymise(Source("s", "quotes", text), segments, KnownNames(), key)
    pupil = segs[0].speaker
    assert pupil.startswith("Pupil ") and segs[0].case == pupil
    assert new.text == f"i liked maths\n\n{pupil} helped me"
    assert segs[1].case == "P018" and segs[1].speaker == "P018"
    assert segs[0].attributes == {"school": "School " + segs[0].attributes["school"].split()[-1], "row": 2}
    assert "Riverside" not in repr(segs)


def test_same_person_same_pseudonym_across_files_and_runs(tmp_path, roster):
    key = create_key(tmp_path / "private")
    first, _, _ = pseudonymise(Source("a", "article", "Grace Adebayo spoke."), [], roster, key)
    again = load_key(tmp_path / "private")
    second, _, _ = pseudonymise(Source("b", "article", "Later grace adebayo's friend spoke."), [], roster, again)
    pseudonym = first.text.split(" spoke")[0]
    assert second.text == f"Later {pseudonym}'s friend spoke."
    assert again.original(pseudonym) == "Grace Adebayo"
    other = PseudonymKey(secret=b"another key of 32 bytes........!")
    assert other.digest("person:grace adebayo") != again.digest("person:grace adebayo")


def test_collisions_go_to_the_next_free_slot_and_grow(key):
    known = KnownNames()
    for i in range(12):
        known.add(f"Speaker Person{i}", "speaker", role="tutor")
    labels = [key.pseudonym(k) for k in known]
    assert len(set(labels)) == 12
    assert sorted(int(label.split()[-1]) for label in labels)[:9] == list(range(1, 10))
    assert all(label.startswith("Tutor ") for label in labels)
    assert list(itertools.islice(candidates("School", "letters", 25), 28))[::26] == ["School Z", "School AZ"]
    assert list(itertools.islice(candidates("Pupil", "number:3", 998), 3)) == ["Pupil 999", "Pupil 001", "Pupil 002"]


def test_key_file_is_owner_only_and_round_trips(tmp_path, roster):
    private = tmp_path / "project" / "private"
    key = create_key(private)
    path = private / "pseudonym-key.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    pseudonym = key.pseudonym(roster.find("Jayden Okafor"))
    key.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = load_or_create_key(private)
    assert loaded.secret == key.secret and loaded.original(pseudonym) == "Jayden Okafor"
    assert "Jayden" not in repr(loaded) and key.secret.hex() not in repr(loaded)
    with pytest.raises(ProjectError, match="exists already"):
        create_key(private)
    os.chmod(path, 0o644)
    with pytest.raises(ProjectError, match="chmod 600"):
        load_key(private)
    os.chmod(path, 0o600)
    path.write_text("{not json")
    with pytest.raises(ProjectError, match="not a valid"):
        load_key(path)
    with pytest.raises(ProjectError, match="no pseudonym key"):
        load_key(tmp_path / "elsewhere")


def test_pseudonymise_saves_new_pseudonyms_before_returning(tmp_path, roster):
    key = create_key(tmp_path)
    pseudonymise(Source("a", "article", "Jayden Okafor spoke."), [], roster, key)
    assert "Jayden Okafor" in (tmp_path / "pseudonym-key.json").read_text(encoding="utf-8")


def test_bad_segment_offsets_are_refused(roster, key):
    source = Source("s", "article", "Jayden spoke.")
    with pytest.raises(ValueError, match="offsets"):
        pseudonymise(source, [Segment("p", "s", "paragraph", 0, 5, "nope")], roster, key)


def test_ner_finds_unlisted_people():
    nlp = load_ner()
    if nlp is None:
        pytest.skip("no trained spaCy pipeline (en_core_web_sm/md/lg/trf) installed; NER is optional")
    text = "Yesterday Margaret Thornbury visited the class."
    found = find_personal_data(text, NameIndex(KnownNames()), nlp)
    assert any(text[f.start:f.end] == "Margaret Thornbury" and f.detector == "ner" for f in found)


def test_pseudonymise_reading_from_the_transcript_reader(tmp_path, roster, key):
    path = tmp_path / "roundtable.txt"
    path.write_text("Sarah Lindqvist: Jayden Okafor has grown so much.\n"
                    "Tom Reyes: At Northfield we saw it too, Jayden's reading age went up.\n", encoding="utf-8")
    (tmp_path / "roundtable.meta.yaml").write_text(
        "school: Northfield Academy\nspeakers:\n  Sarah Lindqvist: charity lead\n"
        "  Tom Reyes: {role: head teacher, school: Northfield Academy}\n", encoding="utf-8")
    reading = ingest.read_file(path, ingest.ReadOptions(source_id="rt"))
    from evidence.privacy import pseudonymise_reading

    new, replacements = pseudonymise_reading(reading, roster, key)
    everything = repr((new.source.text, new.source.school, new.source.title, new.source.metadata,
                       new.segments, new.speakers, new.cases))
    for original in ("Sarah", "Lindqvist", "Tom", "Reyes", "Jayden", "Okafor", "Northfield"):
        assert original not in everything
    for segment in new.segments:
        segment.check_offsets(new.source.text)
    assert {s["name"] for s in new.speakers} == {s.speaker for s in new.segments if s.kind == "turn"}
    assert all(not c.name or c.name.startswith(("School ", "Partnership ")) for c in new.cases)
    assert dataclasses.is_dataclass(replacements[0])
