"""The classifier coder: one calibrated model per code, trained on the codings people accepted.

    coder = ClassifierCoder(embedder=project_embedder(project), random_state=7)
    coder.fit(texts, labels)             # labels: 0/1 DataFrame, one column per code
    coder.predict_proba(new_texts)       # calibrated probabilities, one column per code
    coder.suggest(segments)              # segment, code, confidence, explanation

Features are sentence embeddings and/or TF-IDF word n-grams plus character n-grams (pupils'
typos still share most of their character n-grams). For each code with at least ``min_positives``
positive segments a class-weighted LogisticRegression is fitted; with codebook ``priors`` the
code's definition, when-to-use text and example quotes join the training data as extra positive
segments (weight ``anchor_weight``), which matters most when only a handful of segments are coded,
and a code the researcher has used but not yet on any training segment gets a model from those
codebook texts alone. Out-of-fold scores from a stratified k-fold give Platt scaling (calibrated
probabilities) and the per-code threshold that maximises Cohen's kappa on the training share,
shrunk towards ``default_margin`` when positives are few. The reason on a coding names the
probability and the most similar training segment coded with that code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from evidence.coding.base import package_version, suggestions_frame, to_codings
from evidence.coding.quality import held_out_predictions
from evidence.coding.thresholds import best_threshold
from evidence.core.errors import NotEnoughDataError
from evidence.core.model import Coding

FEATURE_SETS = ("embeddings+tfidf", "embeddings", "tfidf")


class ClassifierCoder:
    """Few-shot multi-label coder (scikit-learn conventions: params in __init__, state ends in _).

    Parameters
        embedder: an Embedder (needed unless ``features="tfidf"``).
        features: "embeddings+tfidf" (default), "embeddings" or "tfidf".
        C: inverse regularisation strength of the logistic regressions (10: on 5 real ANES answer sets
            it beat 4 by +0.03/+0.02 kappa at 20/30% coded with uncertainty sampling, bench/coding.py --real).
        class_weight: "balanced" (default) or None.
        min_positives: codes with fewer positive training segments get no model of their own (they
            fall back on the codebook: a model of its texts alone, or its keyword rules); default 1
            when the codebook's texts join the training data, else 3.
        char_ngrams: add TF-IDF character 2-5-grams within words to the word n-grams.
        cv: folds for the out-of-fold scores behind calibration and thresholds.
        tune_thresholds: pick each code's threshold by kappa on out-of-fold probabilities.
        priors: a fitted :class:`evidence.coding.priors.CodebookPriors` adding the codebook's rule
            and similarity scores as features (helps most when few segments are coded).
        prior_weight: scale of those prior features.
        anchor_weight: sample weight of the codebook's texts as extra positives (0: not used).
        default_margin: cut-off on the model's decision value when positives are too few to tune one;
            below 0 because a class-balanced model's own boundary is too strict for rare codes.
        embedding_weight: scale of the sentence-embedding block against the TF-IDF blocks.
        at_least_one: the codebook is exhaustive (every text the researcher codes gets some code):
            a text no code's threshold admits gets the code whose probability comes closest to its
            threshold. Off by default: most corpora hold talk no code fits.
        random_state: seed for the folds and solvers.
    """

    origin = "classifier"

    def __init__(self, embedder: Any = None, *, features: str = "embeddings+tfidf", C: float = 10.0,
                 class_weight: str | None = "balanced", min_positives: int | None = None, cv: int = 4,
                 char_ngrams: bool = True, tune_thresholds: bool = True, priors: Any = None,
                 prior_weight: float = 2.0, anchor_weight: float = 1.0, default_margin: float = -0.5,
                 embedding_weight: float = 1.0, at_least_one: bool = False, random_state: int = 0,
                 coder: str = "classifier") -> None:
        self.embedder = embedder
        self.features = features
        self.C = C
        self.class_weight = class_weight
        self.min_positives = min_positives
        self.cv = cv
        self.char_ngrams = char_ngrams
        self.tune_thresholds = tune_thresholds
        self.priors = priors
        self.prior_weight = prior_weight
        self.anchor_weight = anchor_weight
        self.default_margin = default_margin
        self.embedding_weight = embedding_weight
        self.at_least_one = at_least_one
        self.random_state = random_state
        self.coder = coder

    @property
    def model_id(self) -> str:
        embedder = getattr(self.embedder, "model_id", "none") if "embeddings" in self.features else "none"
        priors = "+codebook-priors" if self.priors is not None else ""
        priors += f"+anchors{self.anchor_weight:g}" if self._use_anchors() else ""
        chars = "+chars" if self.char_ngrams and "tfidf" in self.features else ""
        return f"classifier:logreg-C{self.C}:{self.features}{chars}{priors}:{embedder}:seed{self.random_state}"

    def _use_anchors(self) -> bool:
        return self.priors is not None and self.anchor_weight > 0

    # -- features -------------------------------------------------------------------------------
    def _matrix(self, texts: Sequence[str], vectors: np.ndarray | None, fitting: bool) -> Any:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        if self.features not in FEATURE_SETS:
            raise ValueError(f"features must be one of {FEATURE_SETS}, not {self.features!r}")
        blocks = []
        if "embeddings" in self.features:
            if vectors is None:
                if self.embedder is None:
                    raise ValueError("features use embeddings but no embedder was given")
                vectors = self.embedder.embed(list(texts))
            blocks.append(sparse.csr_matrix(self.embedding_weight * np.asarray(vectors, dtype=np.float64)))
        if "tfidf" in self.features:
            if fitting:
                vocabulary = list(texts) + self.anchors_["text"].tolist()
                self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                                   strip_accents="unicode", lowercase=True).fit(vocabulary)
                self.char_vectorizer_ = TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, strip_accents="unicode",
                    lowercase=True).fit(vocabulary) if self.char_ngrams else None
            blocks.append(self.vectorizer_.transform(list(texts)))
            if self.char_vectorizer_ is not None:
                blocks.append(self.char_vectorizer_.transform(list(texts)))
        matrix = sparse.hstack(blocks).tocsr() if len(blocks) > 1 else blocks[0]
        if self.priors is None:
            return matrix, None
        return matrix, self.prior_weight * self.priors.transform(list(texts), vectors)

    def _for_code(self, code: str, matrix: Any, prior: np.ndarray | None) -> Any:
        """The features of one code's model: the shared ones plus that code's own prior scores."""
        from scipy import sparse

        if prior is None or code not in self.priors.codes_:
            return matrix
        columns = [k for k, name in enumerate(self.priors.names) if name.split(":", 1)[1] == code]
        return sparse.hstack([matrix, sparse.csr_matrix(prior[:, columns])]).tocsr()

    def _model(self) -> Any:
        from sklearn.linear_model import LogisticRegression

        # the dual problem is the small one here (far fewer segments than features): ~10x faster, same model
        return LogisticRegression(C=self.C, class_weight=self.class_weight, solver="liblinear", dual=True,
                                  max_iter=1000, random_state=self.random_state)

    # -- learning -------------------------------------------------------------------------------
    def _anchor_table(self, codes: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray | None]:
        """The codebook texts (definition, when to use, examples) of ``codes``, and their embeddings."""
        from evidence.coding.similarity import code_anchors

        if not self._use_anchors():
            return pd.DataFrame(columns=["code", "kind", "text"]), None
        anchors = code_anchors(self.priors.codebook)
        keep = anchors["code"].isin(list(codes)).to_numpy()
        vectors = None
        if "embeddings" in self.features:
            similarity = getattr(self.priors, "similarity_", None)
            if similarity is not None:
                vectors = similarity.anchor_vectors_[keep]
            elif self.embedder is not None:
                vectors = self.embedder.embed(anchors["text"][keep].tolist())
        return anchors[keep].reset_index(drop=True), vectors

    def fit(self, texts: Sequence[str], labels: pd.DataFrame, vectors: np.ndarray | None = None) -> "ClassifierCoder":
        """Learn one model per code from 0/1 ``labels`` (rows aligned with ``texts``)."""
        from scipy import sparse
        from sklearn.model_selection import StratifiedKFold

        texts = list(texts)
        if len(texts) != len(labels):
            raise ValueError(f"{len(texts)} texts but {len(labels)} label rows")
        if len(texts) < 4:
            raise NotEnoughDataError(f"the classifier needs at least 4 coded segments, got {len(texts)}")
        if "embeddings" in self.features and vectors is None and self.embedder is not None:
            vectors = self.embedder.embed(texts)
        self.anchors_, anchor_vectors = self._anchor_table(labels.columns)
        shared, prior = self._matrix(texts, vectors, fitting=True)
        n = len(texts)
        if len(self.anchors_):  # the codebook's texts are rows n, n+1, ... after the coded segments
            extra, extra_prior = self._matrix(self.anchors_["text"].tolist(), anchor_vectors, fitting=False)
            shared = sparse.vstack([shared, extra]).tocsr()
            prior = None if prior is None else np.vstack([prior, extra_prior])
        Y = labels.to_numpy(dtype=int)
        minimum = self._min_positives()
        self.codes_, self.models_, self.platt_, self.thresholds_ = [], {}, {}, {}
        self.skipped_: dict[str, int] = {}
        self.fallback_: list[str] = []
        self.held_out_: dict[str, np.ndarray] = {}  # code -> out-of-fold 0/1 predictions (quality figures)
        self.train_texts_ = texts
        self.train_labels_ = labels.reset_index(drop=True)
        self.train_vectors_ = vectors if vectors is not None and "embeddings" in self.features else None
        for j, code in enumerate(labels.columns):
            y = Y[:, j]
            positives, negatives = int(y.sum()), int(len(y) - y.sum())
            anchor_rows = n + np.flatnonzero(self.anchors_["code"].to_numpy() == code)
            if negatives < 2 or (positives < minimum and len(anchor_rows) == 0):
                self.skipped_[code] = positives
                continue
            if positives < minimum:  # the codebook's own texts stand in for coded examples
                self.skipped_[code] = positives
                self.fallback_.append(code)
            X = self._for_code(code, shared, prior)
            model, oof, folds = self._fit_code(X, y, anchor_rows, StratifiedKFold)
            margin = self.default_margin
            shrink = max(0.0, 0.5 - positives / 40)
            if oof is not None and self.tune_thresholds:
                margin = best_threshold(y, oof, default=margin, shrink=shrink)
            if oof is not None:
                self.held_out_[code] = held_out_predictions(
                    y, oof, folds, default=self.default_margin, shrink=shrink if self.tune_thresholds else 1.0)
            self.platt_[code] = _platt(oof, y) if oof is not None else (1.0, 0.0)
            self.thresholds_[code] = float(_apply_platt(self.platt_[code], np.array([margin]))[0])
            self.models_[code] = model
            self.codes_.append(code)
        if self.priors is not None:  # codes without any model yet: the codebook's rules stand in
            for code in self.skipped_:
                if code not in self.models_ and code in self.priors.codes_ and self.priors.codebook.terms(code):
                    self.fallback_.append(code)
                    self.codes_.append(code)
                    self.thresholds_[code] = 0.5
        if not self.codes_:
            raise NotEnoughDataError(
                f"no code has {minimum} or more positive segments to learn from "
                f"(counts: {self.skipped_}); code more segments first")
        return self

    def _min_positives(self) -> int:
        if self.min_positives is not None:
            return self.min_positives
        return 1 if self._use_anchors() else 3

    def _fit_code(self, X: Any, y: np.ndarray, anchor_rows: np.ndarray,
                  splitter: Any) -> tuple[Any, np.ndarray | None, np.ndarray | None]:
        """One code's model on the coded rows plus its codebook rows, out-of-fold decision values and folds.

        The codebook rows are positives in every fold; only coded segments are held out. Without
        two positives and two negatives among the coded segments there are no out-of-fold values.
        """
        n = len(y)

        def fitted(rows: np.ndarray) -> Any:
            target = np.concatenate([y[rows], np.ones(len(anchor_rows), dtype=int)])
            weights = np.concatenate([np.ones(len(rows)), np.full(len(anchor_rows), self.anchor_weight)])
            return self._model().fit(X[np.concatenate([rows, anchor_rows])], target, sample_weight=weights)

        model = fitted(np.arange(n))
        positives = int(y.sum())
        folds = min(self.cv, positives, n - positives)
        if folds < 2:
            return model, None, None
        oof, fold_of = np.zeros(n), np.zeros(n, dtype=int)
        splits = splitter(n_splits=folds, shuffle=True, random_state=self.random_state).split(np.zeros(n), y)
        for number, (train, test) in enumerate(splits):
            oof[test] = fitted(train).decision_function(X[test])
            fold_of[test] = number
        return model, oof, fold_of

    def quality(self, rounds: int = 1000) -> tuple[pd.DataFrame, dict[str, Any]]:
        """Cross-validated kappa per code and pooled, with 95% bootstrap intervals (never training-set).

        Each coded segment is scored by a model fitted without it and cut at a threshold tuned on the
        other folds (:mod:`evidence.coding.quality`); codes with too few positives to hold any out
        are left out.
        """
        from evidence.coding.quality import cross_validated_quality

        truths = {c: self.train_labels_[c].to_numpy() for c in self.held_out_}
        return cross_validated_quality(truths, self.held_out_, seed=self.random_state, rounds=rounds, folds=self.cv)

    # -- applying -------------------------------------------------------------------------------
    def decision_scores(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> pd.DataFrame:
        shared, prior = self._matrix(list(texts), vectors, fitting=False)
        return pd.DataFrame({c: self.models_[c].decision_function(self._for_code(c, shared, prior))
                             for c in self.models_})

    def predict_proba(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> pd.DataFrame:
        """Calibrated probability per text (row) and code (column).

        Codes with too few coded examples for a model (``fallback_``) get the rules coder's
        confidence instead (1 - 0.5**n for n distinct keyword matches).
        """
        shared, prior = self._matrix(list(texts), vectors, fitting=False)
        out = {}
        for code in self.codes_:
            if code in self.models_:
                scores = self.models_[code].decision_function(self._for_code(code, shared, prior))
                out[code] = _apply_platt(self.platt_[code], scores)
            else:
                column = self.priors.codes_.index(code)
                matches = np.rint(prior[:, column] / self.prior_weight * 3)
                out[code] = 1.0 - 0.5 ** matches
        return pd.DataFrame(out, index=range(len(texts)))

    def predict(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> pd.DataFrame:
        """0/1 per text and code, using each code's tuned threshold."""
        probabilities = self.predict_proba(texts, vectors)
        cuts = pd.Series(self.thresholds_, dtype=float)[probabilities.columns]
        predicted = (probabilities >= cuts).astype(int)
        if self.at_least_one and len(predicted.columns):
            # an exhaustive codebook: every text gets the code it comes closest to, relative to the cut
            empty = predicted.sum(axis=1).to_numpy() == 0
            if empty.any():
                closest = (probabilities / cuts.clip(lower=1e-6)).to_numpy()[empty].argmax(axis=1)
                rows = np.flatnonzero(empty)
                values = predicted.to_numpy().copy()
                values[rows, closest] = 1
                predicted = pd.DataFrame(values, index=predicted.index, columns=predicted.columns)
        return predicted

    def uncertainty(self, texts: Sequence[str], vectors: np.ndarray | None = None, *,
                    aggregate: str = "max") -> np.ndarray:
        """How unsure the model is about each text, from 0 (sure of every code) to 1.

        ``aggregate="max"``: 1 when some code's probability sits on its threshold (the most doubtful
        code decides); ``"mean"``: the doubt averaged over codes, so a text counts as uncertain when
        several codes are in doubt, not when one rare code's boundary passes near it.
        """
        if aggregate not in ("max", "mean"):
            raise ValueError(f"aggregate must be 'max' or 'mean', not {aggregate!r}")
        probabilities = self.predict_proba(texts, vectors).to_numpy()
        cuts = np.array([self.thresholds_[c] for c in self.codes_])
        scale = np.maximum(cuts, 1 - cuts)
        doubt = 1.0 - np.abs(probabilities - cuts) / scale
        return doubt.max(axis=1) if aggregate == "max" else doubt.mean(axis=1)

    def explain(self, texts: Sequence[str], probabilities: pd.DataFrame, vectors: np.ndarray | None = None) -> pd.DataFrame:
        """A reason per text and code: the probability and the nearest training segment with that code."""
        nearest = self._nearest_positive(list(texts), vectors)
        rows = []
        for i in range(len(texts)):
            row = []
            for code in self.codes_:
                example = nearest.get(code, [None] * len(texts))[i]
                text = f"probability {probabilities.at[i, code]:.2f} (threshold {self.thresholds_[code]:.2f})"
                if code in self.fallback_ and code in self.models_:
                    text = (f"codebook definition and examples (only {self.skipped_[code]} coded examples so far);"
                            f" probability {probabilities.at[i, code]:.2f}")
                elif code in self.fallback_:
                    text = (f"keyword rule (only {self.skipped_[code]} coded examples so far, too few for a model);"
                            f" confidence {probabilities.at[i, code]:.2f}")
                elif example:
                    text += f'; most like coded segment "{example if len(example) <= 80 else example[:77] + "..."}"'
                row.append(text)
            rows.append(row)
        return pd.DataFrame(rows, columns=self.codes_)

    def _nearest_positive(self, texts: list[str], vectors: np.ndarray | None) -> dict[str, list[str]]:
        X_train, _ = self._matrix(self.train_texts_, self.train_vectors_, fitting=False)
        X, _ = self._matrix(texts, vectors, fitting=False)
        positives = {code: np.flatnonzero(self.train_labels_[code].to_numpy() == 1) for code in self.codes_}
        best: dict[str, list[np.ndarray]] = {code: [] for code, rows in positives.items() if len(rows)}
        # a few hundred rows at a time: the similarities of a 20,000-segment batch to 2,000 coded ones
        # (character n-grams overlap almost everywhere) would take over a gigabyte at once
        for start in range(0, X.shape[0], NEAREST_ROWS):
            similarity = (X[start:start + NEAREST_ROWS] @ X_train.T).toarray()
            for code in best:
                best[code].append(positives[code][similarity[:, positives[code]].argmax(axis=1)])
        return {code: [self.train_texts_[k] for k in np.concatenate(parts)] if parts else []
                for code, parts in best.items()}

    def suggest(self, segments: pd.DataFrame, vectors: np.ndarray | None = None) -> pd.DataFrame:
        texts = segments["text"].tolist()
        probabilities = self.predict_proba(texts, vectors)
        reasons = self.explain(texts, probabilities, vectors)
        return suggestions_frame(segments["id"].tolist(), probabilities, reasons, self.thresholds_)

    def codings(self, segments: pd.DataFrame, vectors: np.ndarray | None = None) -> list[Coding]:
        return to_codings(self.suggest(segments, vectors), coder=self.coder, origin=self.origin,
                          model_id=self.model_id, model_version=package_version())


#: rows compared with the coded segments at a time when finding each suggestion's nearest example
NEAREST_ROWS = 500


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt scaling: a, b with P(y=1) = 1 / (1 + exp(-(a*score + b))), fitted on out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression

    if len(np.unique(y)) < 2:
        return 1.0, 0.0
    model = LogisticRegression(C=1e4, solver="lbfgs").fit(scores.reshape(-1, 1), y)
    if model.coef_[0, 0] <= 0:  # held-out scores no better than chance: keep the model's own scale
        return 1.0, 0.0
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def _apply_platt(params: tuple[float, float], scores: np.ndarray) -> np.ndarray:
    a, b = params
    return 1.0 / (1.0 + np.exp(-(a * np.asarray(scores, dtype=float) + b)))
