"""Discussion sections: how many there are and what may pull a boundary (evidence.themes.sections)."""

import numpy as np
import pandas as pd

from evidence.themes.sections import SECTIONS_PER_SQRT_WORD, find_sections


def _meeting(topic_lengths, words_per_turn, procedural_at=None, procedural_run=0, seed=0):
    """Turns on topics 0, 1, 2... in order (vectors near one direction per topic), with a run of
    procedural turns ("Thank you.") on a direction of their own inserted at ``procedural_at``."""
    rng = np.random.default_rng(seed)
    dims = 12
    rows, vectors, truth = [], [], []
    for topic, length in enumerate(topic_lengths):
        for _ in range(length):
            words = " ".join(f"topic{topic}word{k}" for k in range(words_per_turn))
            rows.append(words)
            vector = np.zeros(dims)
            vector[topic] = 1.0
            vectors.append(vector + rng.normal(0, 0.15, dims))
            truth.append(topic)
    if procedural_at is not None:
        for _ in range(procedural_run):
            vector = np.zeros(dims)
            vector[dims - 1] = 1.0
            rows.insert(procedural_at, "Thank you.")
            vectors.insert(procedural_at, vector + rng.normal(0, 0.05, dims))
            truth.insert(procedural_at, truth[procedural_at - 1])
    turns = pd.DataFrame({"id": [f"t{i}" for i in range(len(rows))], "text": rows, "order": range(len(rows))})
    return turns, np.asarray(vectors), truth


def test_the_number_of_sections_grows_with_the_square_root_of_the_words_spoken():
    # 3 topics of 20 turns x 18 words = 1,080 words: round(0.09 x 32.9) = 3 sections
    turns, vectors, truth = _meeting([20, 20, 20], 18)
    sections, assigned = find_sections(turns, vectors)
    assert round(SECTIONS_PER_SQRT_WORD * np.sqrt(1080)) == 3
    assert sections["start_turn"].tolist() == [0, 20, 40]
    # 4.4 times the words (6 items of 20 turns x 40 words = 4,800): twice the sections, not 4.4 times
    turns, vectors, _ = _meeting([20] * 6, 40)
    sections, _ = find_sections(turns, vectors)
    assert round(SECTIONS_PER_SQRT_WORD * np.sqrt(4800)) == 6
    assert sections["start_turn"].tolist() == [0, 20, 40, 60, 80, 100]


def test_a_run_of_procedural_turns_inside_an_item_does_not_pull_a_boundary():
    # thanks and audio checks in the middle of the second item: they follow the turn before them
    turns, vectors, truth = _meeting([20, 20, 20], 18, procedural_at=30, procedural_run=6)
    sections, assigned = find_sections(turns, vectors)
    assert sections["start_turn"].tolist() == [0, 20, 46]
    sections_of = assigned["section"].tolist()
    assert set(sections_of[30:36]) == {1}, "the procedural turns stay in the item they interrupt"
    assert sections_of == [0] * 20 + [1] * 26 + [2] * 20


def test_a_very_long_transcript_is_split_in_blocks_with_the_same_boundaries(monkeypatch):
    # KernelCPD keeps an n x n matrix; past MAX_CPD_POINTS turns it runs on blocks of neighbouring turns.
    # With blocks of 2 turns the clear item changes (at even turns) are found just the same.
    from evidence.themes import sections

    turns, vectors, _ = _meeting([20, 20, 20], 18)
    whole, _ = find_sections(turns, vectors)
    monkeypatch.setattr(sections, "MAX_CPD_POINTS", 30)  # 60 turns: 30 blocks of 2
    blocked, assigned = find_sections(turns, vectors)
    assert blocked["start_turn"].tolist() == whole["start_turn"].tolist() == [0, 20, 40]
    assert len(assigned) == 60
