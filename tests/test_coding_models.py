"""Similarity and classifier coders, uncertainty sampling and the learning curve."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evidence.codebook import load_codebook
from evidence.coding.active import diverse_top, suggest_next, uncertainty_sample
from evidence.coding.classifier import ClassifierCoder
from evidence.coding.curve import learning_curve
from evidence.coding.labels import label_matrix
from evidence.coding.priors import CodebookPriors
from evidence.coding.similarity import SimilarityCoder
from evidence.coding.thresholds import best_threshold, kappa_binary
from evidence.core.errors import NotEnoughDataError

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "corpora" / "codebook.yaml"


def _generator():
    spec = importlib.util.spec_from_file_location("corpora_generate_for_tests", ROOT / "corpora" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def labelled() -> tuple[list[str], pd.DataFrame]:
    generate = _generator()
    quotes = generate.synthetic_quotes(500, 11)
    codings = pd.DataFrame(generate.synthetic_codings(500, 11)).rename(columns={"id": "segment"})
    coded = [q for q in quotes if q["id"] in set(codings["segment"])]
    labels = label_matrix(codings, [q["id"] for q in coded]).reset_index(drop=True)
    return [q["text"] for q in coded], labels


@pytest.fixture(scope="module")
def priors() -> CodebookPriors:
    return CodebookPriors(load_codebook(STARTER)).fit()  # rules only: fast, no model download


def test_kappa_and_threshold_helpers_match_sklearn() -> None:
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(0)
    truth, guess = rng.integers(0, 2, 200), rng.integers(0, 2, 200)
    assert kappa_binary(truth, guess) == pytest.approx(cohen_kappa_score(truth, guess))
    scores = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.9])
    truth = np.array([0, 0, 0, 1, 1, 1])
    assert best_threshold(truth, scores) == 0.5  # perfect, and ties go to the default
    assert best_threshold(truth, scores, default=0.1) == pytest.approx(0.45)
    assert best_threshold(truth, scores, default=0.1, shrink=0.5) == pytest.approx(0.275)


@pytest.mark.slow
def test_classifier_learns_calibrated_codes_from_few_examples(labelled, priors) -> None:
    texts, labels = labelled
    train, test = slice(0, 150), slice(150, None)
    coder = ClassifierCoder(features="tfidf", priors=priors, random_state=3).fit(texts[train], labels.iloc[train])
    probabilities = coder.predict_proba(texts[test])
    assert ((probabilities >= 0) & (probabilities <= 1)).all().all()
    predicted = coder.predict(texts[test])
    common = [c for c in labels.columns if labels[c].sum() >= 30]
    kappas = [kappa_binary(labels[c].to_numpy()[test], predicted[c].to_numpy()) for c in common]
    assert np.mean(kappas) > 0.4, dict(zip(common, np.round(kappas, 2)))
    again = ClassifierCoder(features="tfidf", priors=priors, random_state=3).fit(texts[train], labels.iloc[train])
    pd.testing.assert_frame_equal(again.predict_proba(texts[test]), probabilities)


@pytest.mark.slow
def test_classifier_codings_explain_themselves(labelled, priors) -> None:
    texts, labels = labelled
    coder = ClassifierCoder(features="tfidf", priors=priors, random_state=0, coder="auto").fit(texts[:120], labels.iloc[:120])
    segments = pd.DataFrame({"id": [f"s{i}" for i in range(40)], "text": texts[200:240]})
    codings = coder.codings(segments)
    assert codings and {c.origin for c in codings} == {"classifier"} and {c.status for c in codings} == {"suggested"}
    modelled = [c for c in codings if c.code in coder.models_ and c.code not in coder.fallback_]
    assert modelled and all("probability" in c.explanation and "most like coded segment" in c.explanation for c in modelled)
    assert all(c.model_id.startswith("classifier:") and c.confidence is not None for c in codings)
    fallback = [c for c in codings if c.code in coder.fallback_]
    assert all("keyword rule" in c.explanation for c in fallback)


def test_nearest_coded_examples_are_the_same_when_found_a_few_rows_at_a_time(labelled, priors, monkeypatch) -> None:
    # a batch's similarities to the coded segments are computed in slices (memory); the slices must
    # not change which coded segment each explanation quotes
    from evidence.coding import classifier

    texts, labels = labelled
    coder = ClassifierCoder(features="tfidf", priors=priors, random_state=0).fit(texts[:120], labels.iloc[:120])
    at_once = coder._nearest_positive(list(texts[200:247]), None)
    monkeypatch.setattr(classifier, "NEAREST_ROWS", 5)  # 47 rows: 10 slices, the last one short
    in_slices = coder._nearest_positive(list(texts[200:247]), None)
    assert at_once and in_slices == at_once
    assert all(len(examples) == 47 for examples in in_slices.values())


@pytest.mark.slow
def test_codebook_examples_stand_in_for_a_code_nobody_has_coded_yet(labelled, priors) -> None:
    from sklearn.metrics import roc_auc_score

    texts, labels = labelled
    train = slice(0, 60)
    counts = labels.iloc[train].sum()
    later = labels.iloc[60:].sum()
    unseen = [c for c in labels.columns if counts[c] == 0 and later[c] >= 5 and c in priors.codes_]
    assert unseen, "the synthetic sample should have a code first used after segment 60"
    coder = ClassifierCoder(features="tfidf", priors=priors, random_state=0).fit(texts[train], labels.iloc[train])
    assert set(unseen) <= set(coder.fallback_) and set(unseen) <= set(coder.models_)
    assert "+anchors1" in coder.model_id and "+chars" in coder.model_id
    probabilities = coder.predict_proba(texts[60:])
    for code in unseen:  # learned from the codebook's definition and examples alone, yet ranks better than chance
        assert roc_auc_score(labels[code].to_numpy()[60:], probabilities[code]) > 0.6, code
    reasons = coder.explain(texts[60:62], probabilities.iloc[:2].reset_index(drop=True))
    assert reasons[unseen[0]].str.startswith("codebook definition and examples (only 0 coded").all()
    without = ClassifierCoder(features="tfidf", priors=priors, anchor_weight=0, random_state=0).fit(
        texts[train], labels.iloc[train])
    assert not set(unseen) & set(without.models_)  # without the codebook's texts they get keyword rules only


def test_classifier_refuses_when_nothing_can_be_learned(priors) -> None:
    labels = pd.DataFrame({"a": [1, 0, 0, 0, 0], "b": [0, 0, 0, 0, 0]})
    with pytest.raises(NotEnoughDataError, match="no code has 3 or more positive segments"):
        ClassifierCoder(features="tfidf").fit(["x one", "y two", "z three", "w four", "v five"], labels)


@pytest.mark.slow
def test_suggest_next_ranks_segments_by_uncertainty(labelled, priors) -> None:
    texts, labels = labelled
    coder = ClassifierCoder(features="tfidf", priors=priors, random_state=0).fit(texts[:100], labels.iloc[:100])
    pool = pd.DataFrame({"id": [f"p{i}" for i in range(100)], "text": texts[100:200]})
    ranked = suggest_next(coder, pool, n=5)
    assert len(ranked) == 5 and ranked["uncertainty"].is_monotonic_decreasing
    everything = coder.uncertainty(pool["text"].tolist())
    assert ranked["uncertainty"].iloc[0] == pytest.approx(everything.max())
    chosen = uncertainty_sample(lambda: ClassifierCoder(features="tfidf", priors=priors, random_state=0),
                                texts[:200], labels.iloc[:200], 60, seed=1)
    assert len(chosen) == len(set(chosen)) == 60


def test_uncertainty_batches_skip_near_duplicates() -> None:
    vectors = np.array([[1.0, 0.0], [0.999, 0.0447], [0.0, 1.0], [0.6, 0.8]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = np.array([0.9, 0.8, 0.7, 0.1])
    assert diverse_top(scores, 2).tolist() == [0, 1]  # no vectors: plain top-n
    assert diverse_top(scores, 2, vectors).tolist() == [0, 2]  # 1 is a near-copy of 0
    assert diverse_top(scores, 3, vectors, diversity=0.5).tolist() == [0, 2, 1]  # 3 is like 2 (0.8), 1 like 0
    assert diverse_top(scores, 4, vectors, diversity=1.0).tolist() == [0, 1, 2, 3]


@pytest.mark.slow
def test_learning_curve_improves_with_more_coding(labelled, priors) -> None:
    texts, labels = labelled
    results = learning_curve(texts, labels, [0.1, 0.3], seed=5,
                             make_coder=lambda: ClassifierCoder(features="tfidf", priors=priors, random_state=5))
    assert [r["fraction"] for r in results] == [0.1, 0.3]
    assert results[0]["n_train"] == round(0.1 * len(texts))
    assert results[1]["kappa_mean"] > results[0]["kappa_mean"] > 0.2
    codes = {p["code"] for p in results[0]["per_code"]}
    assert codes == {c for c in labels.columns if labels[c].sum() >= 8}
    with pytest.raises(ValueError, match="between 0 and 1"):
        learning_curve(texts, labels, [1.5])


@pytest.mark.slow
def test_similarity_coder_names_the_nearest_anchor() -> None:
    from evidence.nlp.embeddings import get_embedder

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        embedder = get_embedder("tfidf", seed=0)
    coder = SimilarityCoder(load_codebook(STARTER), embedder, thresholds={"outcomes.aspiration": 0.2}).fit()
    segments = pd.DataFrame({"id": ["a"], "text": ["I want to be an engineer after seeing the lab at the university."]})
    scores, reasons = coder.scores(segments["text"].tolist())
    assert scores.loc[0].idxmax() == "outcomes.aspiration"
    assert reasons.loc[0, "outcomes.aspiration"].startswith('closest to example "I want to be an engineer')
    found = coder.suggest(segments)
    assert "outcomes.aspiration" in set(found["code"])
    [coding] = [c for c in coder.codings(segments) if c.code == "outcomes.aspiration"]
    assert coding.origin == "similarity" and coding.model_id == f"similarity:{embedder.model_id}"


def test_exhaustive_codebook_gives_every_text_a_code(labelled, priors) -> None:
    texts, labels = labelled
    plain = ClassifierCoder(features="tfidf", priors=priors, random_state=2).fit(texts[:120], labels.iloc[:120])
    forced = ClassifierCoder(features="tfidf", priors=priors, random_state=2, at_least_one=True).fit(
        texts[:120], labels.iloc[:120])
    before, after = plain.predict(texts[120:]), forced.predict(texts[120:])
    empty = before.sum(axis=1) == 0
    assert empty.any(), "some held-out quotes should pass no code's threshold"
    assert (after.sum(axis=1) >= 1).all()
    # texts that had codes keep exactly them; empty ones get one code, the closest to its threshold
    pd.testing.assert_frame_equal(after[~empty], before[~empty])
    assert (after[empty].sum(axis=1) == 1).all()
    probabilities = forced.predict_proba(texts[120:])
    cuts = pd.Series(forced.thresholds_)[probabilities.columns]
    first = int(np.flatnonzero(empty.to_numpy())[0])
    assert after.columns[after.iloc[first].to_numpy().argmax()] == (probabilities.iloc[first] / cuts).idxmax()


def test_uncertainty_can_average_doubt_over_codes(labelled, priors) -> None:
    texts, labels = labelled
    coder = ClassifierCoder(features="tfidf", priors=priors, random_state=0).fit(texts[:100], labels.iloc[:100])
    most, mean = coder.uncertainty(texts[100:160]), coder.uncertainty(texts[100:160], aggregate="mean")
    assert ((mean >= 0) & (mean <= most + 1e-12)).all() and not np.allclose(mean, most)
    with pytest.raises(ValueError, match="aggregate must be"):
        coder.uncertainty(texts[:3], aggregate="median")
    vectors = np.random.default_rng(0).normal(size=(160, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    chosen = uncertainty_sample(lambda: ClassifierCoder(features="tfidf", priors=priors, random_state=0),
                                texts[:160], labels.iloc[:160], 50, seed=1, vectors=vectors,
                                aggregate="mean", density=1.0)
    assert len(chosen) == len(set(chosen)) == 50


def test_bench_reads_real_coded_answers_and_names_a_bad_cell(tmp_path) -> None:
    spec = importlib.util.spec_from_file_location("bench_coding_for_tests", ROOT / "bench" / "coding.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    good = tmp_path / "answers.csv"
    good.write_text("caseID,verbatim,1,2\n4,Because of the economy,1,0\n9,   ,0,1\n13,He promised change,1,1\n")
    texts, labels = bench.load_real_set(good)
    assert texts == ["Because of the economy", "He promised change"]
    assert labels.columns.tolist() == ["code 1", "code 2"] and labels.to_numpy().tolist() == [[1, 0], [1, 1]]
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text,a\n1,yes,1\n2,no,maybe\n")
    with pytest.raises(ValueError, match=r"bad.csv: row 3 .*column 'a': 'maybe' is not 0 or 1"):
        bench.load_real_set(bad)
