"""Changing the project's codebook: codings follow every change, and every change is logged."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.codebook import load_codebook, read_codebook
from evidence.codebook.changes import (
    add_code, code_changes, delete_code, load_into_project, merge_codes, move_code, project_codebook,
    rename_code, split_code, update_code,
)
from evidence.core.errors import CodebookError
from evidence.core.model import Code, Coding
from evidence.project import Project

STARTER = Path(__file__).resolve().parents[1] / "corpora" / "codebook.yaml"


@pytest.fixture()
def project(make_project) -> Project:
    """Three pupil quotes and the starter codebook, loaded by Ana."""
    quotes = ("id,pupil,school,wave,text\n"
              "q1,P001,Oak School,before,I was too shy to speak in class.\n"
              "q2,P001,Oak School,after,Now I put my hand up and I made friends.\n"
              "q3,P002,Elm Academy,before,Maths is boring and I never listen.\n")
    return make_project("proj", corpus={"quotes.csv": quotes}, codebook=STARTER, author="Ana")


def _code(project: Project, coding_id: int) -> str:
    codings = project.codings()
    return codings.loc[codings["id"] == coding_id, "code"].item()


def test_load_puts_every_code_in_the_store_and_logs_it(project: Project) -> None:
    codes = project.codes()
    assert len(codes) == 28
    assert codes.set_index("id").loc["outcomes.confidence", "parent"] == "outcomes"
    log = code_changes(project)
    assert log.iloc[0]["action"] == "load" and log.iloc[0]["author"] == "Ana"
    assert len(log.iloc[0]["detail"]["added"]) == 28
    again = load_into_project(project, load_codebook(STARTER))
    assert again.added == [] and len(again.unchanged) == 28


def test_rename_id_keeps_codings_children_and_memos(project: Project) -> None:
    from evidence.core.model import Memo

    [coding] = project.add_codings([Coding(segment="q1", code="outcomes.confidence", coder="Ana")])
    project.add_memo(Memo(text="shyness", code="outcomes.confidence", author="Ana"))
    rename_code(project, "outcomes.confidence", name="Self-belief", new_id="outcomes.self_belief", author="Ana")
    assert _code(project, coding) == "outcomes.self_belief"
    assert project.memos()["code"].tolist() == ["outcomes.self_belief"]
    book = project_codebook(project)
    assert "outcomes.confidence" not in book and book["outcomes.self_belief"].name == "Self-belief"
    rename_code(project, "outcomes", new_id="pupil_outcomes")
    assert project_codebook(project)["outcomes.self_belief"].parent == "pupil_outcomes"
    assert code_changes(project)["action"].tolist()[-2:] == ["rename", "rename"]


def test_merge_moves_every_coding_and_drops_only_exact_duplicates(project: Project) -> None:
    ids = project.add_codings([
        Coding(segment="q1", code="barriers.cost", coder="Ana"),
        Coding(segment="q1", code="barriers.time", coder="Ana"),
        Coding(segment="q2", code="barriers.time", coder="Ben"),
    ])
    change = merge_codes(project, ["barriers.cost", "barriers.time"], into="fizzle.resources", author="Ana")
    codings = project.codings()
    assert set(codings["code"]) == {"fizzle.resources"}
    assert sorted(zip(codings["segment"], codings["coder"])) == [("q1", "Ana"), ("q2", "Ben")]
    assert change.detail["duplicate_codings_removed"] == [ids[1]]
    book = project_codebook(project)
    assert "barriers.cost" not in book and "barriers.time" not in book
    assert "afford" in book["fizzle.resources"].spec["keywords"]


def test_split_moves_listed_codings_and_keeps_the_rest(project: Project) -> None:
    first, second = project.add_codings([
        Coding(segment="q1", code="outcomes.wellbeing", coder="Ana"),
        Coding(segment="q2", code="outcomes.wellbeing", coder="Ana"),
    ])
    parts = [Code(id="outcomes.wellbeing.calm", name="Calm", definition="feeling calm"),
             Code(id="outcomes.wellbeing.happy", name="Happy", definition="feeling happy")]
    split_code(project, "outcomes.wellbeing", parts, assignments={first: "outcomes.wellbeing.calm"}, author="Ana")
    assert _code(project, first) == "outcomes.wellbeing.calm"
    assert _code(project, second) == "outcomes.wellbeing"
    assert project_codebook(project)["outcomes.wellbeing.happy"].parent == "outcomes.wellbeing"
    with pytest.raises(CodebookError, match="not a coding of"):
        split_code(project, "outcomes.belonging",
                   [Code(id="b1", name="B1", definition="x"), Code(id="b2", name="B2", definition="y")],
                   assignments={second: "b1"})
    assert "b1" not in project_codebook(project)


def test_move_add_update_delete(project: Project) -> None:
    move_code(project, "barriers.time", "fizzle")
    assert project_codebook(project)["barriers.time"].parent == "fizzle"
    with pytest.raises(CodebookError, match="inside"):
        move_code(project, "fizzle", "barriers.time")
    add_code(project, Code(id="outcomes.resilience", name="Resilience", parent="outcomes",
                           definition="bouncing back"))
    book = project_codebook(project)
    assert book["outcomes.resilience"].colour == book["outcomes"].colour
    update_code(project, "outcomes.resilience", keywords=["resilient", "bounce back"])
    assert project_codebook(project).terms("outcomes.resilience") == ["resilient", "bounce back"]
    project.add_codings([Coding(segment="q3", code="outcomes.resilience", coder="Ana")])
    with pytest.raises(CodebookError, match="still has 1 codings"):
        delete_code(project, "outcomes.resilience")
    assert "outcomes.resilience" in project_codebook(project)
    assert code_changes(project)["action"].tolist()[1:] == ["move", "add", "update"]


def test_a_codebook_whose_ids_collide_with_codings_is_refused(project: Project) -> None:
    project.add_codings([Coding(segment="q1", code="outcomes.confidence", coder="Ana")])
    text = STARTER.read_text(encoding="utf-8").replace("name: Confidence", "name: Attendance")
    clash = read_codebook(text, "edited.yaml")
    with pytest.raises(CodebookError, match=r"edited.yaml, line \d+: code 'outcomes.confidence' is now named"):
        load_into_project(project, clash)
    assert project_codebook(project)["outcomes.confidence"].name == "Confidence"
    report = load_into_project(project, clash, accept_renames=True)
    assert report.updated == ["outcomes.confidence"]


def test_replace_keeps_codes_that_have_codings(project: Project) -> None:
    project.add_codings([Coding(segment="q1", code="barriers.cost", coder="Ana")])
    small = read_codebook("codes:\n  - id: new\n    name: New\n    definition: a new theme\n")
    report = load_into_project(project, small, replace=True)
    assert report.added == ["new"]
    assert report.kept == ["barriers", "barriers.cost"]
    assert set(project.codes()["id"]) == {"new", "barriers", "barriers.cost"}
