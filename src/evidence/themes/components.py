"""The parts a theme model is built from, chosen by corpus size (BERTopic's swappable components).

Few hundred units:  PCA  + KMeans (number of themes given, or chosen by silhouette)
Thousands of units: UMAP + HDBSCAN (number of themes found; merged down when one is asked for)

Every part takes the seed, so the same inputs give the same themes on every run. Topic words come
from a CountVectorizer whose tokenizer lemmatises with spaCy's lookup tables and drops English stop
words, numbers and punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from evidence.nlp.pipeline import DEFAULT_PIPELINE, load_pipeline


LARGE_CORPUS = 1000  # from this many units on, UMAP + HDBSCAN
MIN_UNITS_PER_THEME = 3
MAX_AUTO_THEMES = 12
# Talk that carries no topic in roundtable transcripts (on top of spaCy's English stop words).
FILLER_WORDS = frozenset("""
hi hello yeah yes yep okay ok um uh er erm oh ah thanks thank sorry right like just really
actually basically think know mean sort kind bit lot thing things stuff got get go going say said
want come good great well maybe probably
mmhm mhm mhmm hmm mmm absolutely certainly indeed exactly correct mrs madam
""".split())
#: "of course" says nothing about a course
_DISCOURSE_AFTER = {"course": "of"}


# Pseudonyms the privacy step writes ("Pupil 017", "School C", "Charity lead 2", "Speaker 3"): never
# topic words. "Year 10" and "Key Stage 4" are school talk, not pseudonyms.
PSEUDONYM = re.compile(r"\b(?!(?:Year|Stage|Level|Grade|Form|Room|Item|Page|Step|Phase|Wave|Term)\b)"
                       r"[A-Z][a-z]+(?: [a-z]+)? (?:\d{1,4}|[A-Z]{1,2})\b")


class LemmaTokenizer:
    """Lower-cased lemmas of content words (the :mod:`evidence.nlp.pipeline` pipeline for words: by default spaCy
    blank English + lookup lemmatiser).

    Called on a text it returns unigrams and the bigrams of *adjacent* content words, so a stop
    word between two words ("shy *to put* hand") never makes a false bigram. Pseudonyms
    (:data:`PSEUDONYM`) and the words in ``exclude`` (speakers' names) never become terms.
    """

    def __init__(self, bigrams: bool = True, exclude: frozenset[str] | set[str] = frozenset(),
                 pipeline: str = DEFAULT_PIPELINE) -> None:
        self.nlp = load_pipeline(pipeline, purpose="words")
        self.stop_words = self.nlp.Defaults.stop_words
        self.bigrams = bigrams
        self.exclude = frozenset(w.lower() for w in exclude)

    def tokens(self, text: str) -> list[tuple[str, str | None]]:
        """(surface word, lemma or None) per token; None for stop words, numbers, punctuation, names."""
        out: list[tuple[str, str | None]] = []
        cleaned = PSEUDONYM.sub(lambda m: " , " * 1, str(text).replace("’", "'"))
        previous = ""
        for token in self.nlp(cleaned):
            lemma = (token.lemma_ or token.text).lower().strip("'’-")
            after, previous = previous, token.lower_
            if (_DISCOURSE_AFTER.get(token.lower_) == after or token.is_punct or token.is_space or token.like_num or token.like_url
                    or len(lemma) < 3 or lemma in self.stop_words or token.lower_ in self.stop_words
                    or lemma in FILLER_WORDS or "'" in lemma or token.lower_ in self.exclude
                    or lemma in self.exclude):
                out.append((token.text, None))
            else:
                out.append((token.text, lemma))
        return out

    def lemmas(self, text: str) -> list[str | None]:
        """One entry per token: its lemma, or None for a stop word, number, punctuation or name."""
        return [lemma for _, lemma in self.tokens(text)]

    def __call__(self, text: str) -> list[str]:
        lemmas = self.lemmas(text)
        terms = [lemma for lemma in lemmas if lemma]
        if self.bigrams:
            terms += [f"{a} {b}" for a, b in zip(lemmas, lemmas[1:]) if a and b and a != b]
        return terms


def topic_vectorizer(exclude: frozenset[str] | set[str] = frozenset()) -> Any:
    """CountVectorizer over lemmas and adjacent-lemma bigrams, stop words and ``exclude`` removed.

    BERTopic fits it on one joined document per theme, so min_df stays 1 (or theme-specific words
    vanish).
    """
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(analyzer=LemmaTokenizer(exclude=exclude), lowercase=False, min_df=1)


def phrase_label(words: list[str], texts: list[str], tokenizer: LemmaTokenizer, parts: int = 2) -> str:
    """A short readable label: the theme's top terms as the words people used ("transport costs").

    Bigrams among the top terms come first (a phrase reads better than a word); each term is shown
    in its most frequent surface form in ``texts``, and a term inside a phrase already chosen is
    skipped. Returns "" when no term is found in the texts.
    """
    surface: dict[str, dict[str, int]] = {}
    for text in texts:
        tokens = tokenizer.tokens(text)
        for (word, lemma) in tokens:
            if lemma:
                forms = surface.setdefault(lemma, {})
                forms[word.lower()] = forms.get(word.lower(), 0) + 1
        for (w1, l1), (w2, l2) in zip(tokens, tokens[1:]):
            if l1 and l2 and l1 != l2:
                forms = surface.setdefault(f"{l1} {l2}", {})
                key = f"{w1.lower()} {w2.lower()}"
                forms[key] = forms.get(key, 0) + 1
    top = [w for w in words[:6] if w in surface]
    ranked = [w for w in top if " " in w] + [w for w in top if " " not in w]
    chosen: list[str] = []
    for term in ranked:
        if any(set(term.split()) & set(c.split()) for c in chosen):
            continue
        chosen.append(term)
        if len(chosen) == parts:
            break
    shown = [max(surface[t].items(), key=lambda kv: (kv[1], -len(kv[0])))[0] for t in chosen]
    return " / ".join(shown)


class ExactNeighboursUMAP:
    """UMAP (seeded) on an exact cosine nearest-neighbour graph computed by scikit-learn.

    UMAP's own approximate search (pynndescent) spends most of a 10,000-unit fit compiling itself
    with numba; the exact search is a few seconds of matrix products at these sizes. 200 epochs
    (UMAP's own choice above 10,000 points, instead of 500 below) keep 10,000 units well under
    two minutes on two cores. A fixed seed makes UMAP single-threaded and reproducible.
    """

    def __init__(self, seed: int, n_neighbors: int = 15, n_components: int = 5) -> None:
        self.seed = seed
        self.n_neighbors = n_neighbors
        self.n_components = n_components

    def fit_transform(self, embeddings: np.ndarray, y: Any = None) -> np.ndarray:
        import warnings

        from sklearn.neighbors import NearestNeighbors

        with warnings.catch_warnings():  # umap warns that TensorFlow (for ParametricUMAP) is absent
            warnings.simplefilter("ignore")
            from umap import UMAP

        k = min(self.n_neighbors, len(embeddings) - 1)
        search = NearestNeighbors(n_neighbors=k, metric="cosine", algorithm="brute").fit(embeddings)
        dists, indices = search.kneighbors(embeddings)
        self.umap_ = UMAP(n_neighbors=k, n_components=self.n_components, min_dist=0.0, metric="cosine",
                          random_state=self.seed, n_epochs=200,
                          precomputed_knn=(indices, dists.astype(np.float32)))
        with warnings.catch_warnings():  # "n_jobs overridden by setting random_state": expected
            warnings.simplefilter("ignore")
            self.embedding_ = self.umap_.fit_transform(embeddings)
        self.fitted_rows_ = len(embeddings)
        return self.embedding_

    def fit(self, embeddings: np.ndarray, y: Any = None) -> ExactNeighboursUMAP:
        self.fit_transform(embeddings)
        return self

    def transform(self, embeddings: np.ndarray) -> np.ndarray:
        if len(embeddings) == getattr(self, "fitted_rows_", -1):
            return self.embedding_
        raise NotImplementedError("themes are fitted on the whole corpus; refit to place new units")


@dataclass
class ThemeComponents:
    """The chosen parts and a plain description of them (recorded in the run record)."""

    reducer: Any
    clusterer: Any
    n_themes: int | None  # None: found by HDBSCAN
    description: dict[str, Any]


def choose_n_themes(embeddings: np.ndarray, seed: int, max_themes: int = MAX_AUTO_THEMES) -> int:
    """Number of KMeans themes with the best silhouette on a PCA reduction (seeded, small corpora).

    Silhouette on sentence embeddings favours 2 themes for a long meeting that plainly covers more,
    so the search starts at sqrt(n)/4 (5 themes for 300 turns, 3 for 100).
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = embeddings.shape[0]
    # silhouette tends to grow with k on sentence embeddings; the sqrt(n/2) rule of thumb bounds it
    upper = min(max_themes, round((n / 2) ** 0.5), n // MIN_UNITS_PER_THEME, n - 1)
    if upper < 2:
        return 1
    reduced = _pca(embeddings, seed).fit_transform(embeddings)
    lower = min(upper, max(2, int(np.ceil(n ** 0.5 / 4))))
    best_k, best_score = lower, -1.0
    for k in range(lower, upper + 1):
        labels = KMeans(n_clusters=k, random_state=seed, n_init=4).fit_predict(reduced)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(reduced, labels, metric="cosine"))
        if score > best_score + 1e-9:
            best_k, best_score = k, score
    return best_k


def _pca(embeddings: np.ndarray, seed: int) -> Any:
    from sklearn.decomposition import PCA

    n, dim = embeddings.shape
    return PCA(n_components=max(1, min(10, n - 1, dim)), svd_solver="full", random_state=seed)


def choose_components(embeddings: np.ndarray, n_themes: int | None, seed: int,
                      small: bool | None = None) -> ThemeComponents:
    """Pick reduction and clustering for this many units; ``n_themes`` None means find it.

    ``small`` forces PCA + KMeans (True) or UMAP (False); None decides by :data:`LARGE_CORPUS`.
    """
    from sklearn.cluster import KMeans

    n = embeddings.shape[0]
    if small is None:
        small = n < LARGE_CORPUS
    if small:
        k = n_themes if n_themes is not None else choose_n_themes(embeddings, seed)
        reducer = _pca(embeddings, seed)
        return ThemeComponents(
            reducer=reducer,
            clusterer=KMeans(n_clusters=k, random_state=seed, n_init=10),
            n_themes=k,
            description={"reduction": f"PCA({reducer.n_components})", "clustering": f"KMeans({k})",
                         "chosen_by": "given" if n_themes is not None else "silhouette"},
        )
    import warnings

    from hdbscan import HDBSCAN


    reducer = ExactNeighboursUMAP(seed)
    if n_themes is not None:
        clusterer: Any = KMeans(n_clusters=n_themes, random_state=seed, n_init=10)
        clustering = f"KMeans({n_themes})"
    else:
        size = max(10, n // 100)
        clusterer = HDBSCAN(min_cluster_size=size, min_samples=max(5, size // 2),
                            metric="euclidean", cluster_selection_method="eom", prediction_data=True)
        clustering = f"HDBSCAN(min_cluster_size={size})"
    return ThemeComponents(
        reducer=reducer, clusterer=clusterer, n_themes=n_themes,
        description={"reduction": "UMAP(15 exact cosine neighbours, 5 dims, 200 epochs)", "clustering": clustering,
                     "chosen_by": "given" if n_themes is not None else "hdbscan"},
    )
