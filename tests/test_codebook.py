"""The codebook: the starter file, validation with YAML lines, saving and loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.codebook import OKABE_ITO, load_codebook, read_codebook, save_codebook
from evidence.core.errors import CodebookError

STARTER = Path(__file__).resolve().parents[1] / "corpora" / "codebook.yaml"

STARTER_IDS = [
    "features", "features.impactful", "features.sustainable", "features.mutual_benefit", "features.disadvantage",
    "fizzle", "fizzle.leadership", "fizzle.awareness", "fizzle.resources", "fizzle.turnover",
    "recommend", "recommend.agreed_aims", "recommend.link_people", "recommend.review_points",
    "recommend.impact_evidence",
    "barriers", "barriers.no_take_up", "barriers.patronising", "barriers.outreach_not_partnership",
    "barriers.cost", "barriers.time",
    "outcomes", "outcomes.confidence", "outcomes.aspiration", "outcomes.attainment", "outcomes.engagement",
    "outcomes.wellbeing", "outcomes.belonging",
]


def test_starter_codebook_has_the_agreed_codes_and_guidance() -> None:
    codebook = load_codebook(STARTER)
    assert codebook.ids == STARTER_IDS
    assert [t.name for t in codebook.themes()] == [
        "Four features of good partnerships", "Why partnerships fizzle out", "What roundtables recommend",
        "Barriers", "Pupil outcomes",
    ]
    assert codebook["fizzle.turnover"].name == "Staff turnover"
    assert codebook["barriers.outreach_not_partnership"].name == "Outreach instead of partnership"
    for code in codebook:
        assert code.definition.strip(), code.id
        assert code.colour.upper() in OKABE_ITO, code.id
        if code.parent:
            assert codebook.terms(code.id), f"{code.id} has no keywords"
            assert len(code.spec.get("examples", [])) >= 2, code.id
            assert code.colour == codebook[code.parent].colour
    assert len({t.colour for t in codebook.themes()}) == 5


def test_starter_codebook_does_not_copy_seed_sentences() -> None:
    seeds = Path(__file__).resolve().parents[2] / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not beside the checkout")
    seed_text = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in seeds.glob("*.txt")).lower()
    codebook = load_codebook(STARTER)
    for code in codebook:
        for text in [code.definition, *code.spec.get("examples", [])]:
            words = text.lower().split()
            for i in range(max(0, len(words) - 7)):
                window = " ".join(words[i:i + 8])
                assert window not in seed_text, f"{code.id}: copied from a seed article: {window!r}"


def _problems(text: str) -> str:
    with pytest.raises(CodebookError) as info:
        read_codebook(text, "book.yaml")
    return str(info.value)


def test_malformed_yaml_names_the_line() -> None:
    message = _problems("codes:\n  - id: a\n    name: A\n   definition: [unclosed\n")
    assert "book.yaml, line " in message
    assert "not valid YAML" in message


def test_unknown_parent_duplicate_id_and_empty_definition_point_at_lines() -> None:
    text = (
        "codes:\n"                       # 1
        "  - id: a\n"                    # 2
        "    name: A\n"                  # 3
        "    definition: first\n"        # 4
        "  - id: b\n"                    # 5
        "    name: B\n"                  # 6
        "    parent: nowhere\n"          # 7
        "    definition: second\n"       # 8
        "  - id: a\n"                    # 9
        "    name: A again\n"            # 10
        "    definition: third\n"        # 11
        "  - id: c\n"                    # 12
        "    name: C\n"                  # 13
        "    definition: ''\n"           # 14
    )
    message = _problems(text)
    assert "3 problems" in message
    assert "book.yaml, line 5: code 'b' has unknown parent 'nowhere'" in message
    assert "book.yaml, line 9: duplicate code id 'a' (first defined at line 2)" in message
    assert "book.yaml, line 14: code 'c' has an empty definition" in message


def test_bad_matcher_pattern_is_reported_at_its_line() -> None:
    text = (
        "codes:\n"
        "  - id: a\n"
        "    name: A\n"
        "    definition: something\n"
        "    patterns:\n"
        "      - [{LEMMA: senior}, {LEMMA: leader}]\n"   # 6: fine
        "      - [{NOT_AN_ATTR: x}]\n"                   # 7: bad
    )
    message = _problems(text)
    assert "book.yaml, line 7: pattern 2 is not a valid spaCy Matcher pattern" in message


def test_unknown_field_and_bad_colour_are_reported() -> None:
    message = _problems(
        "codes:\n  - id: a\n    name: A\n    definiton: typo\n    definition: ok\n    colour: red\n")
    assert "line 4: unknown field 'definiton'" in message
    assert "line 6: colour 'red' of 'a' is not #RRGGBB" in message


def test_nesting_gives_parents_and_explicit_parents_work() -> None:
    codebook = read_codebook(
        "codes:\n"
        "  - id: t\n    name: T\n    definition: theme\n"
        "    children:\n      - id: t.x\n        name: X\n        definition: child\n"
        "  - id: y\n    name: Y\n    parent: t\n    definition: explicit child\n"
        "    threshold: {similarity: 0.6}\n"
    )
    assert codebook["t.x"].parent == "t" and codebook["y"].parent == "t"
    assert codebook.level("y") == 1
    assert codebook.threshold("y", "similarity") == 0.6
    assert codebook.threshold("y", "classifier") == 0.5
    assert codebook.lines["y"] == 9


def test_save_then_load_gives_the_same_codebook(tmp_path: Path) -> None:
    codebook = load_codebook(STARTER)
    saved = save_codebook(codebook, tmp_path / "copy.yaml")
    again = load_codebook(saved)
    assert again.ids == codebook.ids
    for code in codebook:
        other = again[code.id]
        assert (other.name, other.parent, other.colour, other.definition, other.spec) == (
            code.name, code.parent, code.colour, code.definition, code.spec)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="no such codebook file"):
        load_codebook(tmp_path / "nope.yaml")
