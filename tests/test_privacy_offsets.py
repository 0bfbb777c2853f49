"""Property tests: after pseudonymisation every segment still slices its text, wherever the segment
boundaries fall (even through the middle of a name), and no original survives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.core.model import Segment, Source
from evidence.privacy import KnownNames, PseudonymKey, pseudonymise

KNOWN = KnownNames()
KNOWN.add("Jayden Okafor", "pupil", ["JJ"])
KNOWN.add("Priya Patel", "staff")
KNOWN.add("Northfield Academy", "school")
KEY_BYTES = bytes(range(32))

PIECES = st.sampled_from([
    "the", "mum", "said", "Year", "9", "it", "was", "great", ".", ",", "Jayden", "Okafor", "Jayden Okafor",
    "Jayden\nOkafor", "jayden's", "JJ", "Mrs Patel", "priya", "Northfield", "Northfield Academy",
    "a.b@example.org", "07700 900123", "LS1 4AP", "@jj_ok", "é", "’s", "\n", "  ",
])
ORIGINALS = ("okafor", "jayden", "patel", "priya", "northfield", "a.b@example.org", "07700", "ls1 4ap", "@jj_ok")


@st.composite
def source_and_segments(draw):
    words = draw(st.lists(PIECES, min_size=1, max_size=40))
    separators = draw(st.lists(st.sampled_from([" ", "\n", ", ", "; "]), min_size=len(words), max_size=len(words)))
    text = "".join(w + s for w, s in zip(words, separators))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))) | {0, len(text)})
    segments = []
    for i, (a, b) in enumerate(zip(cuts, cuts[1:])):
        segments.append(Segment(f"t{i}", "s", "turn", a, b, text[a:b], order=i))
        if b > a and draw(st.booleans()):
            inner_a = draw(st.integers(a, b))
            inner_b = draw(st.integers(inner_a, b))
            segments.append(Segment(f"t{i}.s1", "s", "sentence", inner_a, inner_b, text[inner_a:inner_b],
                                    parent=f"t{i}"))
    return Source("s", "transcript", text), segments


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source_and_segments())
def test_offsets_hold_and_no_original_survives(drawn):
    source, segments = drawn
    new, new_segments, replacements = pseudonymise(source, segments, KNOWN, PseudonymKey(secret=KEY_BYTES))
    assert len(new_segments) == len(segments)
    for old, seg in zip(segments, new_segments):
        assert new.text[seg.start:seg.end] == seg.text
        assert seg.id == old.id
    by_id = {s.id: s for s in new_segments}
    for a, b in zip(segments, segments[1:]):
        if a.end == b.start:  # touching segments keep touching
            assert by_id[a.id].end == by_id[b.id].start
        if a.start <= b.start:
            assert by_id[a.id].start <= by_id[b.id].start
    folded = new.text.lower().replace("’", "'")
    for original in ORIGINALS:
        assert original not in folded
    for r in replacements:
        assert new.text[r.start:r.end] == r.pseudonym
