"""Property tests on the transcript readers: every character of every turn's text lands in exactly one
turn segment, and offsets round-trip through the stored text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.ingest import ReadOptions, read_file
from evidence.ingest.turns import find_turns

NAMES = ["Ann Lee", "TOM RAY", "Dr Patel", "Zoë Brontë", "Jean-Luc Okafor"]
SHAPES = ["{n}: ", "{n} (Tutor): ", "**{n}:** ", "[00:01:02] {n}: ", "{n} (Head teacher):\n"]
# continuation lines never contain a colon, so none of them can open a turn
word = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs"),
                                      blacklist_characters=":*[]()\u0085"), min_size=1, max_size=12)
# the readers store NFC text, so the lines written are NFC already (a test of normalisation is elsewhere)
line = st.lists(word, min_size=1, max_size=6).map(lambda ws: unicodedata.normalize("NFC", " ".join(ws)))


@st.composite
def transcripts(draw):
    return [(draw(st.sampled_from(NAMES)), draw(st.sampled_from(SHAPES)),
             draw(st.lists(line, min_size=1, max_size=4))) for _ in range(draw(st.integers(1, 8)))]


def render(turns):
    text, bodies = "Roundtable\n\n", []
    for name, shape, lines in turns:
        text += shape.format(n=name)
        body = "\n".join(lines)
        bodies.append((len(text), body))
        text += body + "\n" + ("\n" if len(lines) > 2 else "")
    return text, bodies


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts())
def test_every_turn_character_lands_in_exactly_one_turn(turns):
    text, bodies = render(turns)
    found = find_turns(text)
    assert [(t.start, text[t.start:t.end]) for t in found] == bodies
    owner = {}
    for index, turn in enumerate(found):
        for offset in range(turn.start, turn.end):
            assert offset not in owner
            owner[offset] = index
    for start, body in bodies:
        assert all(offset in owner for offset in range(start, start + len(body)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(transcripts())
def test_reader_offsets_round_trip_for_turns_and_sentences(tmp_path, turns):
    text, bodies = render(turns)
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    reading = read_file(path, ReadOptions(source_id="t", kind="transcript"))
    assert [s.text for s in reading.segments if s.kind == "turn"] == [b for _, b in bodies]
    for segment in reading.segments:
        assert reading.source.text[segment.start:segment.end] == segment.text
    for turn in (s for s in reading.segments if s.kind == "turn"):
        inside = [s for s in reading.segments if s.parent == turn.id]
        assert all(turn.start <= s.start <= s.end <= turn.end for s in inside)
        assert all(a.end <= b.start for a, b in zip(inside, inside[1:]))
        # sentences cover every non-space character of their turn
        covered = "".join(reading.source.text[s.start:s.end] for s in inside)
        assert "".join(covered.split()) == "".join(turn.text.split())
