"""The rules coder: keywords, phrases and patterns matched on lemmas, with the matched words as reason."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evidence.codebook import load_codebook, read_codebook
from evidence.coding.rules import RuleCoder

STARTER = Path(__file__).resolve().parents[1] / "corpora" / "codebook.yaml"


@pytest.fixture(scope="module")
def coder() -> RuleCoder:
    return RuleCoder(load_codebook(STARTER), coder="rules-test").fit()


def test_keywords_match_on_lemmas_whatever_the_case(coder: RuleCoder) -> None:
    segments = pd.DataFrame({"id": ["a", "b", "c"], "text": [
        "Funding ran out and Headteachers stopped coming.",   # fund / headteacher from capitalised plurals
        "I made friends and I am more confident now.",
        "We talked about the weather.",
    ]})
    found = coder.suggest(segments)
    by_segment = found.groupby("segment")["code"].apply(set).to_dict()
    assert {"fizzle.resources", "fizzle.leadership"} <= by_segment["a"]
    assert {"outcomes.belonging", "outcomes.confidence"} <= by_segment["b"]
    assert "c" not in by_segment
    reason = found.query("segment == 'a' and code == 'fizzle.leadership'")["explanation"].item()
    assert reason == 'matched "headteachers"'


def test_longest_phrase_wins_and_confidence_grows_with_distinct_terms(coder: RuleCoder) -> None:
    counts, reasons = coder.scores(["The funding ended, the budget was stretched and transport went."])
    assert reasons.loc[0, "fizzle.resources"] == 'matched "funding ended", "budget", "stretched", "transport"'
    assert counts.loc[0, "fizzle.resources"] == 4
    found = coder.suggest(pd.DataFrame({"id": ["x"], "text": ["our budget"]}))
    assert found.query("code == 'fizzle.resources'")["confidence"].item() == pytest.approx(0.5)


def test_matcher_patterns_and_thresholds_from_the_codebook() -> None:
    codebook = read_codebook(
        "codes:\n"
        "  - id: lead\n    name: Leadership\n    definition: senior backing\n"
        "    patterns:\n      - [{LEMMA: senior}, {LEMMA: {IN: [leader, team]}}]\n"
        "  - id: money\n    name: Money\n    definition: cost\n"
        "    keywords: [cost, budget]\n    threshold: {rules: 2}\n"
    )
    coder = RuleCoder(codebook).fit()
    predicted = coder.predict(["Our senior leaders backed it.", "The cost was high.", "Cost and budget both."])
    assert predicted["lead"].tolist() == [1, 0, 0]
    assert predicted["money"].tolist() == [0, 0, 1]


def test_codings_carry_origin_coder_model_and_reason(coder: RuleCoder) -> None:
    [coding, *_] = coder.codings(pd.DataFrame({"id": ["s1"], "text": ["I was shy and nervous."]}))
    assert (coding.origin, coding.status, coding.coder) == ("rule", "suggested", "rules-test")
    assert coding.code == "outcomes.confidence"
    assert coding.model_id.startswith("rules:") and coding.model_version
    assert coding.explanation == 'matched "shy", "nervous"' and coding.confidence == 0.75
