"""Honest quality figures, code scopes and procedural turns through `evidence autocode`.

A small corpus unlike the sample: allotment-club survey answers to two questions, coded by "Ines",
plus a committee transcript full of procedural turns; its own codebook; the current folder as the
project and relative paths.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evidence.cli import main

CODEBOOK = """\
codebook: Allotment club
codes:
  - id: soil
    name: Soil and growing
    definition: Talk about soil, compost, seeds and what grows.
    keywords: [compost, soil, seedling]
  - id: people
    name: People and company
    definition: Friends, neighbours and company at the plots.
    keywords: [friend, neighbour]
  - id: money
    name: Costs
    definition: Fees, prices and paying for things.
    keywords: [fee, price, pay]
    scope: {kinds: [quote]}
"""

SOIL = ["The compost heap finally turned into dark crumbly soil", "My seedlings came up strong in the new bed",
        "We dug manure into the clay and the beans loved it", "Soil tests showed we needed more lime",
        "Tomatoes grew taller than me this summer", "The raised bed drains well after rain",
        "Leaf mould makes the best potting mix", "Carrots split because the ground was stony",
        "Worms everywhere once we stopped digging", "Mulching kept the weeds down all season"]
PEOPLE = ["My neighbour on plot six shares tea every Sunday", "I made friends with the retired couple next door",
          "The kids love chatting with the older growers", "We have a barbecue with everyone in August",
          "Someone always helps when I am away", "It is the only place I talk to people all week",
          "The new members were welcomed with a seed swap", "We swap stories while watering",
          "Old Tom taught me how to prune", "The committee organises a harvest supper"]
MONEY = ["The yearly fee went up again", "Water charges are added to the rent now",
         "I cannot afford new tools at those prices", "Paying for the skip hire was a shock",
         "Seeds cost twice what they did", "The rent is fair for what you get",
         "We share the cost of a rotavator", "The council raised the plot price",
         "Discounts for pensioners would help", "Fencing bills ate the whole budget"]


def _write_corpus(folder: Path) -> None:
    rows = ["id,text,question"]
    k = 0
    for question, texts in (("What do you grow?", SOIL + MONEY[:5]), ("Why do you come?", PEOPLE + MONEY[5:])):
        for text in texts:
            k += 1
            rows.append(f"a{k:03d},{text},{question}")
    (folder / "answers.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    codes = ["id,code"]
    for row in rows[1:]:
        ident, text = row.split(",")[:2]
        code = "soil" if text in SOIL else "people" if text in PEOPLE else "money"
        codes.append(f"{ident},{code}")
    (folder / "ines.csv").write_text("\n".join(codes) + "\n", encoding="utf-8")
    turns = ["Chair: Good evening everyone, can you all hear me?", "Bea: I can hear you, yes.",
             "Chair: Thank you. Item one, the compost bays.",
             "Bea: The compost bays are full of soil and seedlings need the space.",
             "Chair: Thanks, Bea. Over to you, Carl.",
             "Carl: My neighbour and friends on the plots want a shared shed.",
             "Chair: Let's move on to the next item.", "Carl: The fee and the price of water are too high to pay.",
             "Bea: Mm-hmm.", "Chair: Thank you all, see you next month."]
    (folder / "committee.txt").write_text("\n".join(turns) + "\n", encoding="utf-8")
    (folder / "book.yaml").write_text(CODEBOOK, encoding="utf-8")


@pytest.fixture
def here(tmp_path: Path):
    old = Path.cwd()
    os.chdir(tmp_path)
    _write_corpus(tmp_path)
    assert main(["init", "--project", "."]) == 0
    (tmp_path / "evidence.yaml").write_text((tmp_path / "evidence.yaml").read_text() + "\nembedder: tfidf\npseudonymise: false\n")
    assert main(["ingest", "--project", ".", "answers.csv", "committee.txt"]) == 0
    assert main(["codebook", "load", "book.yaml", "--project", "."]) == 0
    assert main(["import-codings", "ines.csv", "--coder", "Ines", "--project", "."]) == 0
    yield tmp_path
    os.chdir(old)


def _report(capsys: pytest.CaptureFixture, *args: str) -> dict:
    capsys.readouterr()
    assert main(["autocode", "--project", ".", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _suggestions(kind: str) -> "object":
    from evidence.project import Project

    with Project.open(".") as project:
        codings = project.codings(coder="auto")
        segments = project.segments()
    kinds = dict(zip(segments["id"], segments["kind"]))
    texts = dict(zip(segments["id"], segments["text"]))
    return [(texts[s], c) for s, c in zip(codings["segment"], codings["code"]) if kinds[s] == kind]


@pytest.mark.slow
def test_classifier_quality_is_cross_validated_with_interval_and_scope_kept(here: Path, capsys) -> None:
    report = _report(capsys, "--method", "classifier", "--train-coder", "Ines", "--coder", "auto")
    quality = report["quality"]
    assert quality["method"] == "cross-validated"
    assert quality["segments"] == 30 and quality["codes"] == 3
    assert quality["low"] <= quality["kappa"] <= quality["high"] < 1.0
    # the same figure recomputed by hand from held-out predictions: never training-set agreement
    per_code = {row["code"]: row for row in report["quality_per_code"]}
    assert set(per_code) == {"soil", "people", "money"}
    assert all(row["low"] <= row["kappa"] <= row["high"] for row in per_code.values())
    # learnt from survey answers only: no transcript turn gets a code
    assert report["scope"] == "quote (2 questions)"
    assert _suggestions("turn") == []
    assert report["out_of_scope"] > 0
    capsys.readouterr()
    assert main(["autocode", "--project", ".", "--method", "classifier", "--train-coder", "Ines",
                 "--coder", "auto"]) == 0
    text = capsys.readouterr().out
    assert "cross-validated kappa against Ines" in text and "95% interval" in text


@pytest.mark.slow
def test_any_scope_lifts_the_learnt_scope_but_not_the_codebook_scope(here: Path, capsys) -> None:
    _report(capsys, "--method", "classifier", "--train-coder", "Ines", "--coder", "auto", "--any-scope")
    on_turns = _suggestions("turn")
    assert on_turns, "with --any-scope the classifier codes turns too"
    assert all(code != "money" for _, code in on_turns), "money is scoped to quotes in the codebook"


@pytest.mark.slow
def test_procedural_turns_are_left_uncoded_unless_asked(here: Path, capsys) -> None:
    report = _report(capsys, "--method", "rules", "--coder", "auto")
    assert report["procedural"] == 6  # greeting and audio check, answer, hand-over, next item, "Mm-hmm.", goodbye
    coded_turns = {text for text, _ in _suggestions("turn")}
    # an agenda item that names its topic says something, so it is not procedural
    assert coded_turns == {"The compost bays are full of soil and seedlings need the space.",
                           "My neighbour and friends on the plots want a shared shed.",
                           "Thank you. Item one, the compost bays."}
    # the fee turn matches only "money", which the codebook scopes to quotes: no coder puts it on a turn
    assert report["quality"] == {}
    report = _report(capsys, "--method", "rules", "--coder", "auto", "--include-procedural")
    assert report["procedural"] == 0
    from evidence.project import Project

    with Project.open(".") as project:
        runs = project.store.read_sql("SELECT params FROM runs WHERE kind = 'autocode' ORDER BY id")
    assert [json.loads(p)["include_procedural"] for p in runs["params"]] == [False, True]


def test_learning_curve_and_quality_are_held_out_with_intervals() -> None:
    """No quality figure is measured on training segments: the curve's kappa is on held-out ones and
    the classifier's own figure comes from out-of-fold predictions, never from predict() on its data."""
    import numpy as np
    import pandas as pd

    from evidence.coding.classifier import ClassifierCoder
    from evidence.coding.curve import learning_curve
    from evidence.coding.thresholds import kappa_binary

    texts = SOIL + PEOPLE + MONEY
    labels = pd.DataFrame({"soil": [1] * 10 + [0] * 20, "people": [0] * 10 + [1] * 10 + [0] * 10,
                           "money": [0] * 20 + [1] * 10})
    (result,) = learning_curve(texts, labels, [0.5], seed=1, min_positives=5,
                               make_coder=lambda: ClassifierCoder(features="tfidf", random_state=1))
    assert result["measured_on"] == "held-out segments" and result["n_test"] == 15
    assert result["kappa_low"] <= result["kappa_mean"] <= result["kappa_high"]
    coder = ClassifierCoder(features="tfidf", random_state=1).fit(texts, labels)
    table, pooled = coder.quality(rounds=200)
    training = np.mean([kappa_binary(labels[c], coder.predict(texts)[c]) for c in labels])
    assert training == 1.0  # what an honest report must not show
    assert pooled["method"] == "cross-validated" and pooled["kappa"] < training
    assert set(table["code"]) == {"soil", "people", "money"}


def test_survey_answers_are_never_procedural_even_short_or_in_capitals(tmp_path: Path, capsys) -> None:
    """A survey answer is somebody's answer: "Thank you." or "NOT SURE" is still coded (or left to the
    coder), never set aside as meeting talk; an answer typed in capitals is not a row of names."""
    from evidence.nlp.procedural import procedural_mask

    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        answers = ["THE PLOT FEE WENT UP AGAIN", "Not sure.", "Thank you.", "PAY LESS RENT",
                   "The compost was lovely", "I am."]
        Path("survey.csv").write_text("id,text\n" + "\n".join(f"s{i},{a}" for i, a in enumerate(answers)) + "\n",
                                      encoding="utf-8")
        Path("book.yaml").write_text(CODEBOOK, encoding="utf-8")
        assert main(["init", "--project", "."]) == 0
        with open("evidence.yaml", "a", encoding="utf-8") as fh:
            fh.write("\nembedder: tfidf\npseudonymise: false\n")
        assert main(["ingest", "--project", ".", "survey.csv"]) == 0
        assert main(["codebook", "load", "book.yaml", "--project", "."]) == 0
        report = _report(capsys, "--method", "rules", "--coder", "auto")
        assert report["procedural"] == 0
        coded = {text: code for text, code in _suggestions("quote")}
        assert coded.get("THE PLOT FEE WENT UP AGAIN") == "money" and coded.get("PAY LESS RENT") == "money"
    finally:
        os.chdir(old)
    # the same words as meeting turns: thanks and a bare "I am." run the meeting, the capitals do not
    assert procedural_mask(answers).tolist() == [False, True, True, False, False, True]
    assert not procedural_mask(answers, kinds=["quote"] * len(answers)).any()
