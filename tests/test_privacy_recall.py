"""Recall targets on the labelled set (tests/data/privacy_labelled.jsonl, fictional names only):
every roster name, e-mail address, phone number and postcode is found."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.privacy import NameIndex, find_personal_data, load_ner, load_roster
from evidence.privacy.evaluate import load_labelled, missed, score

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def labelled():
    return load_labelled(DATA / "privacy_labelled.jsonl")


@pytest.fixture(scope="module")
def index():
    return NameIndex(load_roster(DATA / "privacy_roster.csv"))


def test_labelled_set_covers_every_kind(labelled):
    kinds = {span["kind"] for example in labelled for span in example["spans"]}
    assert {"pupil", "staff", "school", "speaker", "email", "phone", "postcode", "url", "handle", "dob"} <= kinds
    assert len(labelled) >= 50


@pytest.mark.parametrize("kind", ["roster names", "pupil", "staff", "school", "email", "phone", "postcode"])
def test_recall_targets(labelled, index, kind):
    def detect(text):
        return find_personal_data(text, index)

    table = score(labelled, detect).set_index("kind")
    assert table.loc[kind, "recall"] == 1.0, missed(labelled, detect)


def test_precision_is_reported_and_high(labelled, index):
    table = score(labelled, lambda t: find_personal_data(t, index)).set_index("kind")
    assert table.loc["all", "precision"] >= 0.95


def test_scoring_counts_a_partly_covered_name_as_missed(labelled):
    from evidence.privacy.detect import Finding

    example = {"id": "x", "text": "Jayden Okafor came", "spans": [{"start": 0, "end": 13, "kind": "pupil"}]}
    half = score([example], lambda t: [Finding(0, 6, "pupil", "t")]).set_index("kind")
    assert half.loc["pupil", "recall"] == 0.0
    full = score([example], lambda t: [Finding(0, 13, "pupil", "t"), Finding(14, 18, "pupil", "t")])
    assert full.set_index("kind").loc["pupil", "precision"] == 0.5


def test_unlisted_people_need_ner(labelled, index):
    nlp = load_ner()
    if nlp is None:
        pytest.skip("no trained spaCy pipeline installed; unlisted names are found only with NER")
    table = score(labelled, lambda t: find_personal_data(t, index, nlp)).set_index("kind")
    assert table.loc["person", "recall"] >= 0.5
