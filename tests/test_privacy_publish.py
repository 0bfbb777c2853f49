"""The publish check: no published table holds a direct identifier of a pseudonymised school or person."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from conftest import FIXTURES, need_shared

from evidence import bundle
from evidence.cli import main
from evidence.core.errors import EvidenceError
from evidence.privacy import KnownName, load_or_create_key
from evidence.privacy.publish import check_tables, column_kind, publishable_table
from evidence.project import Project

KS4 = FIXTURES / "dfe" / "2018-2019_936_ks4final.csv"
KS4_META = FIXTURES / "dfe" / "2018_2019_ks4_final_meta.csv"


@pytest.fixture(scope="module")
def ks4():
    need_shared(KS4)
    from evidence.mixed.outcomes import load_outcomes

    return load_outcomes(KS4, "dfe-ks4", meta=KS4_META)


def test_the_ks4_table_as_published_holds_no_identifier_column_by_column(ks4):
    from evidence.pipeline.analysis import schools_table

    names = {name: f"School {i:03d}" for i, name in enumerate(sorted(ks4.frame["school"].unique()))}
    raw = ks4.with_status([c for c in ks4.frame.columns if c.isupper()])
    raw["school"] = raw["school"].map(names)
    refused = {(p.column, p.kind) for p in check_tables({"schools": raw})}
    for column, kind in [("URN", "school number (URN, LA/ESTAB)"), ("urn", "school number (URN, LA/ESTAB)"),
                         ("LEA", "school number (URN, LA/ESTAB)"), ("ESTAB", "school number (URN, LA/ESTAB)"),
                         ("SCHNAME", "real name"), ("ADDRESS1", "address"), ("TOWN", "address"),
                         ("PCODE", "postcode"), ("TELNUM", "phone")]:
        assert (column, kind) in refused

    published = schools_table(ks4, names)
    assert check_tables({"schools": published}) == []
    identifying = {column: set(ks4.frame[column].dropna().astype(str).str.strip()) - {""}
                   for column in ("URN", "LEA", "ESTAB", "SCHNAME", "ADDRESS1", "TOWN", "PCODE", "TELNUM")}
    for column in published.columns:  # column by column: no identifier by name, none by value
        assert column_kind(column) in ("", "school number (URN, LA/ESTAB)"), column
        values = set(published[column].dropna().astype(str).str.strip())
        for source, real in identifying.items():
            if source == "ESTAB" or source == "LEA":  # short numbers also occur as measures (e.g. pupil counts)
                continue
            assert not values & real, (column, source)
    # the URN column now holds each school's pseudonym, so joins still work and nothing is reversible
    assert set(published["urn"]) <= set(names.values()) | {f"{v} (2)" for v in names.values()}
    assert published["urn"].is_unique
    assert len(published) == len(ks4.frame)


def test_outcomes_urns_follow_their_school_not_their_row():
    table = pd.DataFrame({"pupil": ["p1", "p2", "p3", "p4"], "school": ["School B", "School B", "School C", "School B"],
                          "urn": ["100001", "100001", "100002", "100009"], "postcode": ["ZZ1 1ZZ"] * 4,
                          "gain": [1, 2, 3, 4]})
    out = publishable_table(table)
    assert list(out.columns) == ["pupil", "school", "urn", "gain"]
    assert list(out["urn"]) == ["School B", "School B", "School C", "School B (2)"]


@pytest.fixture
def keyed_folder(make_project) -> Path:
    """The folder of a project whose pseudonym key knows one pupil and one school."""
    with make_project("proj") as p:
        key = load_or_create_key(p.private_dir)
        key.pseudonym(KnownName("Ifeoma Castellanos-Reid", "pupil"))
        key.pseudonym(KnownName("Brackenfold Community School", "school"))
        key.save()
    return p.path


def publish(folder: Path, **tables: pd.DataFrame) -> None:
    with Project.open(folder) as p:
        bundle.stage(p, **tables)
        bundle.publish(p)


def test_publish_refuses_identifiers_naming_table_and_column(keyed_folder):
    with pytest.raises(EvidenceError) as info:
        publish(keyed_folder, schools=pd.DataFrame({"urn": ["137245"], "school": ["School K"], "PCODE": ["ZZ9 9ZZ"]}))
    message = str(info.value)
    assert "table schools, column" in message and ("PCODE" in message or "urn" in message)
    assert "137245" not in message and "ZZ9" not in message
    assert not (keyed_folder / "results").exists()  # nothing written


@pytest.mark.parametrize("text", ["Ifeoma said she liked it", "i think castellanos-reid was there",
                                  "Brackenfold pupils", "I-f-e-o-m-a wrote it"])
def test_publish_refuses_real_names_whole_or_in_part(keyed_folder, text):
    with pytest.raises(EvidenceError) as info:
        publish(keyed_folder, voice_pairs=pd.DataFrame({"pupil": ["Pupil 101"], "code": ["c"], "before_text": [text]}))
    message = str(info.value)
    assert "table voice_pairs, column before_text holds real names" in message
    assert "Ifeoma" not in message and "Brackenfold" not in message
    assert "add the name to the roster" not in message  # it is on the key already: say what to do instead


def test_published_pseudonyms_pass(keyed_folder):
    publish(keyed_folder, voice_pairs=pd.DataFrame({"pupil": ["Pupil 101"], "code": ["c"],
                                               "before_text": ["Pupil 101 said the head helped"]}))
    assert (keyed_folder / "results" / "voice_pairs.parquet").exists()


def test_public_schools_may_show_urns_but_then_no_school_pseudonyms(keyed_folder):
    with open(keyed_folder / "evidence.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nschools_public: true\n")
    publish(keyed_folder, schools=pd.DataFrame({"urn": ["137245"], "school": ["Brackenfold Community School"]}))
    with pytest.raises(EvidenceError, match="school pseudonyms while schools are public"):
        publish(keyed_folder, schools=pd.DataFrame({"urn": ["137245"], "school": ["School K"]}))
    with pytest.raises(EvidenceError, match="voice_pairs.before_text"):  # pupils stay private
        publish(keyed_folder,
                voice_pairs=pd.DataFrame({"pupil": ["Pupil 1"], "code": ["c"], "before_text": ["Ifeoma"]}))


def test_public_schools_keep_their_names_at_ingest_and_pupils_do_not(tmp_path):
    folder = tmp_path / "open"
    assert main(["init", "--project", str(folder)]) == 0
    with open(folder / "evidence.yaml", "a", encoding="utf-8") as handle:
        handle.write("\nschools_public: true\n")
    notes = tmp_path / "visit.txt"
    notes.write_text("Tutor: Ifeoma Castellanos-Reid read at Brackenfold Community School today.\n"
                     "Head teacher: Brackenfold is proud of her.\nTutor: Agreed.\nHead teacher: Thanks.\n",
                     encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,kind\nIfeoma Castellanos-Reid,pupil\nBrackenfold Community School,school\n",
                      encoding="utf-8")
    assert main(["ingest", "--project", str(folder), "--roster", str(roster), str(notes)]) == 0
    with Project.open(folder) as p:
        text = p.store.read_sql("SELECT text FROM sources")["text"][0]
    assert "Brackenfold Community School" in text and "Brackenfold is proud" in text
    assert "Ifeoma" not in text and "Pupil " in text
