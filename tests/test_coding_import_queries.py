"""Importing codings from spreadsheets, coding by hand, and asking questions of the codings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evidence.codebook.changes import project_codebook
from evidence.coding import human
from evidence.coding.queries import code_frequencies, code_quotes, cooccurrence, cooccurrence_pairs
from evidence.coding.spreadsheets import import_codings
from evidence.core.errors import EvidenceError, InputError
from evidence.project import Project

STARTER = Path(__file__).resolve().parents[1] / "corpora" / "codebook.yaml"

QUOTES = (
    "id,pupil,school,wave,text\n"
    "Q1,P1,Oak School,before,I was too shy to speak in class.\n"
    "Q2,P1,Oak School,after,Now I put my hand up and I made friends.\n"
    "Q3,P2,Elm Academy,before,Maths is boring and I never listen.\n"
    "Q4,P2,Elm Academy,after,I want to go to university now.\n"
)


@pytest.fixture()
def project(make_project) -> Project:
    """Four pupil quotes and the starter codebook."""
    return make_project("proj", corpus={"quotes.csv": QUOTES}, codebook=STARTER)


def test_long_csv_by_id_and_name_with_row_numbers(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "a.csv"
    sheet.write_text("id,code\nQ1,outcomes.confidence\nQ2,Confidence; Belonging\nQ2,outcomes.belonging\n"
                     "Q3,Pupil outcomes->Engagement\n", encoding="utf-8")
    report = import_codings(project, sheet, coder="Ana")
    assert report.layout == "long" and report.codings_added == 4 and not report.codes_added
    codings = project.codings(coder="Ana")
    assert set(codings["origin"]) == {"import"} and set(codings["status"]) == {"accepted"}
    assert sorted(zip(codings["segment"], codings["code"])) == [
        ("Q1", "outcomes.confidence"), ("Q2", "outcomes.belonging"), ("Q2", "outcomes.confidence"),
        ("Q3", "outcomes.engagement")]
    assert "imported from a.csv row 5" in set(codings["explanation"])
    again = import_codings(project, sheet, coder="Ana")
    assert again.codings_added == 0 and again.already_there == 4


def test_wide_xlsx_with_hierarchical_names_creates_unknown_codes(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "b.xlsx"
    pd.DataFrame({"id": ["Q1", "Q4"], "Code 1": ["Pupil outcomes->Confidence", "Pupil outcomes->Aspiration"],
                  "Code 2": ["Pupil outcomes->Resilience", None],
                  "Code 3": [None, "Family->Siblings"]}).to_excel(sheet, index=False)
    report = import_codings(project, sheet, coder="Ben")
    assert report.layout == "wide"
    assert report.codes_added == {"outcomes.resilience": "Pupil outcomes->Resilience",
                                  "family": "Family", "family.siblings": "Family->Siblings"}
    book = project_codebook(project)
    assert book["outcomes.resilience"].parent == "outcomes" and book["family.siblings"].parent == "family"
    assert "b.xlsx" in book["family"].definition
    assert len(project.codings(coder="Ben")) == 4
    assert "outcomes.resilience" in report.summary()


def test_unknown_ids_stop_the_import_and_name_the_rows(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "c.csv"
    sheet.write_text("id,code\nQ1,Confidence\nQ99,Confidence\nQ4,Brand new code\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_codings(project, sheet, coder="Cy")
    assert "c.csv, row 3" in str(info.value) and "Q99" in str(info.value)
    assert project.codings().empty and "brand_new_code" not in project_codebook(project)
    report = import_codings(project, sheet, coder="Cy", skip_unknown=True)
    assert report.unknown_segments == [(3, "Q99")] and report.codings_added == 2


def test_a_sheet_without_id_or_code_columns_is_explained(project: Project, tmp_path: Path) -> None:
    sheet = tmp_path / "d.csv"
    sheet.write_text("quote,theme\nQ1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="no id column"):
        import_codings(project, sheet, coder="Di")
    sheet.write_text("id,comment\nQ1,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="no code column"):
        import_codings(project, sheet, coder="Di")


def test_human_coding_spans_memos_and_blind_view(project: Project) -> None:
    segments = project.segments().set_index("id")
    start = int(segments.loc["Q2", "start"])
    span = human.code_span(project, "quotes", start + 4, start + 19, "outcomes.confidence", "Ana")
    coding = project.codings().set_index("id").loc[span]
    assert (coding["segment"], coding["start"], coding["end"]) == ("Q2", start + 4, start + 19)
    with pytest.raises(EvidenceError, match="not inside segment"):
        human.code_segment(project, "Q1", "outcomes.confidence", "Ana", start=start, end=start + 3)
    with pytest.raises(EvidenceError, match="no segment 'Q404'"):
        human.code_segment(project, "Q404", "outcomes.confidence", "Ana")
    whole = human.code_segment(project, "Q1", "outcomes.confidence", "Ana", memo="very shy")
    assert human.code_segment(project, "Q1", "outcomes.confidence", "Ana") == whole
    human.code_segment(project, "Q1", "outcomes.wellbeing", "Ben")
    assert set(human.coder_view(project, "Ben")["coder"]) == {"Ben"}
    assert set(human.coder_view(project, "Ben", blind=False)["coder"]) == {"Ana", "Ben"}
    with pytest.raises(EvidenceError, match="belongs to 'Ana'"):
        human.remove_coding(project, whole, coder="Ben")
    human.remove_coding(project, whole, coder="Ana")
    assert project.memos()["text"].tolist() == ["very shy"]


def test_frequencies_cooccurrence_and_quotes(project: Project) -> None:
    for segment, code, coder in [("Q1", "outcomes.confidence", "Ana"), ("Q2", "outcomes.confidence", "Ana"),
                                 ("Q2", "outcomes.belonging", "Ana"), ("Q2", "outcomes.confidence", "Ben"),
                                 ("Q4", "outcomes.aspiration", "Ana")]:
        human.code_segment(project, segment, code, coder)
    freq = code_frequencies(project).set_index("code")
    assert freq.loc["outcomes.confidence", "segments"] == 2  # two coders on Q2 count once
    assert freq.loc["outcomes.confidence", "cases"] == 1
    by = code_frequencies(project, by=["school", "wave"])
    row = by[(by["code"] == "outcomes.aspiration")]
    school = project.segments().set_index("id").loc["Q4", "attributes"]["school"]  # as ingested (may be a pseudonym)
    assert row[["school", "wave", "segments", "share"]].values.tolist() == [[school, "after", 1, 1.0]]
    with pytest.raises(KeyError, match="no attribute"):
        code_frequencies(project, by="colour_of_door")
    matrix = cooccurrence(project)
    assert matrix.loc["outcomes.confidence", "outcomes.belonging"] == 1
    assert matrix.loc["outcomes.confidence", "outcomes.confidence"] == 2
    assert cooccurrence_pairs(project).values.tolist() == [["outcomes.confidence", "outcomes.belonging", 1]]
    quotes = code_quotes(project, "outcomes")
    assert quotes["segment"].tolist() == ["Q1", "Q2", "Q4"]
    q1 = quotes.set_index("segment").loc["Q1"]
    assert "made friends" in q1["before"] and q1["coders"] == "Ana"
