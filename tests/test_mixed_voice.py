"""Before/after pupil voice: pairing by code, what appears or vanishes, and the stance lexicon."""

from __future__ import annotations

import pandas as pd
import pytest

from evidence.mixed.voice import before_after, code_changes, stance, stance_change, stance_scores, unpaired_pupils
from evidence.core.model import CODING_COLUMNS, SEGMENT_COLUMNS


def quote(id, case, wave, text):
    return {"id": id, "source": "Q", "kind": "quote", "start": 0, "end": len(text), "text": text, "order": 0,
            "speaker": case, "role": "pupil", "case": case, "wave": wave, "parent": "", "timestamp": "",
            "attributes": {}}


def coding(segment, code, status="accepted"):
    return {"id": None, "segment": segment, "code": code, "coder": "ana", "origin": "human", "status": status,
            "start": None, "end": None, "confidence": None, "explanation": "", "model_id": "", "model_version": "",
            "created_at": "", "updated_at": ""}


@pytest.fixture
def segments():
    return pd.DataFrame([
        quote("a1", "P1", "before", "I get nervous and I hate maths"),
        quote("a2", "P1", "after", "I'm not scared anymore and I enjoy maths"),
        quote("a3", "P1", "after", "my tutor helped me a lot"),
        quote("b1", "P2", "before", "maths is boring"),
        quote("b2", "P2", "after", "it's fine I guess"),
        quote("c1", "P3", "before", "I'm worried about exams"),  # no after quote: unpaired
    ], columns=SEGMENT_COLUMNS)


@pytest.fixture
def codings():
    return pd.DataFrame([
        coding("a1", "confidence"), coding("a2", "confidence"), coding("a3", "relationships"),
        coding("b1", "engagement"), coding("b2", "wellbeing"), coding("c1", "wellbeing"),
        coding("b2", "engagement", status="suggested"),
    ], columns=CODING_COLUMNS)


def test_before_after_pairs_by_code(segments, codings):
    voice = before_after(segments, codings).set_index(["case", "code"])
    assert voice.loc[("P1", "confidence"), ["before", "after", "change"]].tolist() == [1, 1, "stays"]
    assert voice.loc[("P1", "relationships"), "change"] == "appears"
    assert voice.loc[("P1", "relationships"), "after_quotes"] == "my tutor helped me a lot"
    assert voice.loc[("P2", "engagement"), "change"] == "vanishes"  # the suggested coding does not count
    assert voice.loc[("P2", "wellbeing"), "change"] == "appears"
    assert "P3" not in voice.index.get_level_values("case")
    changes = code_changes(voice.reset_index()).set_index("code")
    assert changes.loc["wellbeing", ["appears", "vanishes", "stays"]].tolist() == [1, 0, 0]
    unpaired = unpaired_pupils(segments)
    assert unpaired.to_dict("records") == [{"case": "P3", "waves": "before", "quotes": 1}]


@pytest.mark.parametrize("text, expected", [
    ("I get nervous and I hate maths", (0, 2, -1.0)),
    ("I'm not scared anymore and I enjoy maths", (2, 0, 1.0)),  # 'not scared' flips to positive
    ("it didn't help and it's boring", (0, 1, -1.0)),  # 'help' is not in the lexicon
    ("I don\u2019t feel confident", (0, 1, -1.0)),  # curly apostrophe, negated positive
    ("I dont understand but it is fun", (1, 1, 0.0)),  # text-speak negator
    ("we did fractions", (0, 0, 0.0)),
])
def test_stance_lexicon_rules(text, expected):
    assert stance(text) == pytest.approx(expected)


def test_stance_scores_and_change(segments):
    scores = stance_scores(segments).set_index("id")
    assert scores.loc["a1", "stance"] == -1.0 and scores.loc["b2", "stance"] == 1.0
    change = stance_change(segments).set_index("case")
    assert change.loc["P1", "stance_before"] == -1.0
    assert scores.loc["a3", "stance"] == 1.0  # 'helped'
    assert change.loc["P1", "stance_after"] == pytest.approx((1.0 + 1.0) / 2)  # mean of the two after quotes
    assert change.loc["P1", "change"] == pytest.approx(2.0)
    assert change.loc["P2", "change"] == pytest.approx(2.0)  # boring (-1) -> fine (+1)
    assert "P3" not in change.index
