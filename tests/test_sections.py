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


def _starts_with_texts(topic_lengths, texts_at):
    """Section starts of a meeting of ``topic_lengths`` (18 words a turn) once the turns in ``texts_at``
    (turn index -> text) say what a chair or counsel would."""
    turns, vectors, _ = _meeting(topic_lengths, 18)
    for turn, text in texts_at.items():
        turns.loc[turn, "text"] = text
    sections, _ = find_sections(turns, vectors)
    return sections["start_turn"].tolist()


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


def test_a_council_reading_its_agenda_aloud_gets_one_section_per_item_however_short():
    # a clerk reads 12 dockets of 3 turns each (36 turns x 12 words = 432 words: the length alone
    # suggests round(0.09 x 20.8) = 2 sections); the turns all sound alike, so only the cues tell
    rng = np.random.default_rng(1)
    rows = []
    for item in range(12):
        rows.append(f"Docket number 07{item:02d}, a message in order for the appropriation of funds for the city.")
        rows.append("It was filed in the office of the city clerk and referred to committee today.")
        rows.append("The chair recognises the councillor who wishes to speak on this matter now.")
    vectors = np.tile(rng.normal(0, 1, 12), (len(rows), 1)) + rng.normal(0, 0.05, (len(rows), 12))
    turns = pd.DataFrame({"id": [f"t{i}" for i in range(len(rows))], "text": rows})
    sections, assigned = find_sections(turns, vectors)
    assert sections["start_turn"].tolist() == list(range(0, 36, 3))
    assert sections["n_turns"].tolist() == [3] * 12


def test_a_chairs_cue_opens_a_section_and_a_nearby_boundary_gives_way():
    # three topics of 20 turns; the chair opens the third 4 turns before its talk changes ("Moving on
    # to item 3, ..."): the section starts at the cue, not where the vectors change
    assert _starts_with_texts([20, 20, 20], {
        36: "Thank you. Moving on to item 3, the budget for next year and what it should cover."}) == [0, 20, 36]


def test_an_agenda_word_deep_inside_a_turn_or_in_passing_is_not_a_cue():
    from evidence.themes.sections import agenda_cues

    texts = ["Welcome, everyone.",
             "Moving on to item 2, the tutoring pilot.",                       # a cue
             "Let's go to main and see what broke.",                           # not an agenda move
             " ".join(["word"] * 25) + " and then the next item on the agenda.",  # past the opening words
             "Item 3: attendance.",                                             # a cue
             "Thank you. That brings us to any other business.",              # a cue
             "Can we turn to page 12 of the report?",                          # a document, not an item
             "Could I just then go to the next paragraph.",                    # the same
             "My Lady, the next witness is Dr Okonjo.",                        # a hearing's next item
             "Thank you. May I call Ms Quenby, please."]                       # the same
    assert agenda_cues(texts) == [1, 4, 8]  # 5 is within 2 turns of 4, 9 of 8: one item each
    assert agenda_cues(texts, gap=1) == [1, 4, 5, 8, 9]


def test_a_long_meeting_that_dwells_on_few_items_is_not_cut_into_many():
    # 3 items of 150 turns x 30 words (13,500 words: the length alone suggests round(0.09 x 116) = 10
    # sections, as a hearing day of three witnesses would); past the third the cost curve is flat, so 3
    turns, vectors, truth = _meeting([150, 150, 150], 30, seed=4)
    assert round(SECTIONS_PER_SQRT_WORD * np.sqrt(13_500)) == 10
    sections, assigned = find_sections(turns, vectors)
    assert sections["start_turn"].tolist() == [0, 150, 300]
    assert assigned["section"].tolist() == truth


def test_the_dynamic_programme_places_a_given_count_as_kernelcpd_does():
    import ruptures

    from evidence.themes.sections import _dp_sections, smooth

    rng = np.random.default_rng(7)
    centres = rng.normal(0, 1, (6, 16))
    points = smooth(np.vstack([centres[t] + rng.normal(0, 0.6, (int(n), 16))
                               for t, n in enumerate(rng.integers(12, 40, 6))]), 3)
    reference = ruptures.KernelCPD(kernel="cosine", min_size=5).fit(points).predict(n_bkps=5)
    assert _dp_sections(points, 5, 5, elbow=False) == reference


def test_a_cue_in_the_opening_turns_leaves_no_greeting_alone_in_a_section():
    # "Yes, Mr Keith." then "My Lady, the first witness this morning is ...": the greeting joins item 1
    assert _starts_with_texts([20, 20, 20], {
        1: "My Lady, the first witness this morning is Dr Okonjo, please."}) == [0, 20, 40]


def test_a_hearing_that_calls_its_witnesses_is_split_at_the_calls_not_at_counsels_topics():
    # three witnesses of 30 turns; counsel moves on to a new topic halfway through each ("Let's move on
    # to ..."), which at a hearing is a new line of questions for the same witness, not a new item
    turns, vectors, truth = _meeting([30, 30, 30], 18)
    turns.loc[0, "text"] = "Yes, Mr Keith."
    turns.loc[1, "text"] = "My Lady, the first witness this morning is Dr Okonjo, please."
    turns.loc[30, "text"] = "Thank you. May I call Ms Quenby, please."
    turns.loc[60, "text"] = "My Lady, the next witness is Mr Abara."
    for i in (15, 45, 75):
        turns.loc[i, "text"] = "Let's move on to the question of funding for the pilot and who paid for it."
    sections, assigned = find_sections(turns, vectors)
    assert sections["start_turn"].tolist() == [0, 30, 60]
    assert assigned["section"].tolist() == truth


def test_without_named_items_a_chairs_move_to_a_new_topic_opens_a_section():
    # a roundtable with no numbered agenda: "Let's turn to transport." is the chair's next item
    assert _starts_with_texts([20, 20, 20], {
        37: "Thank you all. Let's turn to transport and how pupils get to the sessions."}) == [0, 20, 37]
