"""Readable themes and sections: phrase labels, no pseudonyms or names as topic words, procedural
turns out by default, distinct neighbouring section labels that carry their main codes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evidence.nlp.procedural import is_procedural

GARDEN = ["Pupil 017 said the compost heap at School C smelled of rotten leaves",
          "The compost heap needs turning every week, Speaker 3 told Pupil 204",
          "Rotten leaves make good compost heap material for School C",
          "Speaker 3 turned the compost heap with Pupil 017 on Friday"]
BUS = ["The minibus timetable changed so School C pupils missed the minibus",
       "Pupil 204 waited an hour because the minibus timetable was wrong",
       "Speaker 3 asked the council to fix the minibus timetable",
       "A late minibus meant School C lost half the session"]
CHAT = ["Thank you, Chair.", "Can you hear me?", "Yes, I can hear you.", "Over to you, Speaker 3.",
        "Mm-hmm.", "Thanks everyone, see you next week."]


def _vectors(texts: list[str]) -> np.ndarray:
    from evidence.nlp.embeddings import TfidfEmbedder

    return TfidfEmbedder().fit(texts).embed(texts)


@pytest.mark.parametrize("text, expected", [
    ("Thank you, Chair.", True), ("I can hear it, yes.", True), ("Let's move on to the next item.", True),
    ("Thanks, Liam. Over to you.", True), ("Sorry, you're on mute.", True), ("Mm-hmm.", True),
    ("Thanks. The funding ended in May.", False), ("We need more mentors.", False),
    ("Item 4, the budget.", False), ("", False),
    # seen on real hearing transcripts: backchannels, a transcriber's notes, breaks
    ("Mm-hm.", True), ("Mmhm, yes.", True), ("(Witness nodded)", True), ("(Audible answer)", True),
    ("[inaudible]", True), ("Very well, we will break now and I shall return at 3.05.", True),
    ("I shall now rise for 15 minutes.", True), ("The Council is adjourned.", True),
    ("(laughter) We lost the funding.", False), ("Pupils return after half term.", False),
    ("We will return to the funding question later.", False),
    ("We could break the cycle of disadvantage.", False),
])
def test_procedural_turns(text: str, expected: bool) -> None:
    assert is_procedural(text) is expected


@pytest.mark.slow
def test_theme_labels_are_phrases_without_pseudonyms_and_procedural_turns_stay_out() -> None:
    from evidence.themes.fit import ThemeModel

    texts = GARDEN * 2 + BUS * 2 + CHAT
    units = pd.DataFrame({"id": [f"u{i:02d}" for i in range(len(texts))], "text": texts,
                          "speaker": ["Ravi Okafor"] * len(texts)})
    model = ThemeModel(2, seed=3).fit(units, _vectors(texts))
    assert len(model.procedural_) == len(CHAT)
    assert set(model.assignments_["segment_id"]).isdisjoint(model.procedural_)
    labels = model.themes_["label"].tolist()
    words = " ".join(" ".join(w) for w in model.themes_["words"]) + " " + " ".join(labels)
    for leaked in ("pupil", "017", "speaker", "school c", "ravi", "okafor"):
        assert leaked not in words.lower(), (leaked, words)
    assert any("compost heap" in label for label in labels), labels
    assert any("minibus timetable" in label for label in labels), labels
    everything = ThemeModel(2, seed=3, include_procedural=True).fit(units, _vectors(texts))
    assert len(everything.assignments_) == len(texts)


def test_neighbouring_sections_get_distinct_labels_with_their_main_codes() -> None:
    from evidence.themes.sections import label_sections

    texts = GARDEN + BUS + CHAT[:2] + BUS
    turns = pd.DataFrame({"id": [f"t{i}" for i in range(len(texts))], "text": texts})
    sections = pd.DataFrame({"section": [0, 1, 2], "start_turn": [0, 4, 10], "end_turn": [3, 9, 13],
                             "n_turns": [4, 6, 4], "label": ""})
    assignments = pd.DataFrame({"turn_index": range(len(texts)), "segment_id": turns["id"],
                                "section": [0] * 4 + [1] * 6 + [2] * 4})
    codings = pd.DataFrame({"segment": ["t0", "t1", "t4", "t5", "t10", "t10"],
                            "code": ["soil", "soil", "travel", "travel", "travel", "travel"],
                            "code_name": ["Soil", "Soil", "Travel", "Travel", "Travel", "Travel"]})
    named = label_sections(sections, assignments, codings=codings, turns=turns)
    labels = named["label"].tolist()
    assert labels[0].startswith("Soil") and labels[1].startswith("Travel") and labels[2].startswith("Travel")
    assert labels[1] != labels[2]
    assert all("speaker" not in label.lower() and "pupil" not in label.lower() for label in labels)
    assert named["codes"].tolist() == [["Soil"], ["Travel"], ["Travel"]]  # t10 coded twice counts once


def test_section_boundaries_snap_to_the_chairs_agenda_cue() -> None:
    from evidence.themes.sections import find_sections

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=16), rng.normal(size=16)
    filler = " ".join(["word"] * 16)  # about 800 words in all: two agenda items' worth
    texts = [f"talk about soil {i} {filler}" for i in range(20)] + [f"talk about buses {i} {filler}" for i in range(20)]
    texts[17] = "Thank you. Moving on to item two, the buses."
    vectors = np.vstack([a + 0.1 * rng.normal(size=16) for _ in range(20)]
                        + [b + 0.1 * rng.normal(size=16) for _ in range(20)])
    turns = pd.DataFrame({"id": [f"t{i}" for i in range(40)], "text": texts, "order": range(40)})
    sections, _ = find_sections(turns, vectors)
    assert 17 in sections["start_turn"].tolist(), sections
