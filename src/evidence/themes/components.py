"""The parts a theme model is built from, chosen by corpus size (BERTopic's swappable components).

Few hundred units:  PCA  + KMeans (number of themes given, or chosen by silhouette)
Thousands of units: UMAP + HDBSCAN (number of themes found; merged down when one is asked for)

Every part takes the seed, so the same inputs give the same themes on every run. Topic words come
from a CountVectorizer whose tokenizer lemmatises with spaCy's lookup tables and drops English stop
words, numbers and punctuation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from evidence.embeddings import Embedder

LARGE_CORPUS = 1000  # from this many units on, UMAP + HDBSCAN
MIN_UNITS_PER_THEME = 3
MAX_AUTO_THEMES = 12


class LemmaTokenizer:
    """Lower-cased lemmas of content words (spaCy blank English + lookup lemmatiser)."""

    def __init__(self) -> None:
        import spacy

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        self.nlp.initialize()
        self.stop_words = self.nlp.Defaults.stop_words

    def __call__(self, text: str) -> list[str]:
        lemmas = []
        for token in self.nlp(text):
            if token.is_punct or token.is_space or token.like_num or token.like_url:
                continue
            lemma = (token.lemma_ or token.text).lower().strip("'’-")
            if len(lemma) < 2 or lemma in self.stop_words or token.lower_ in self.stop_words:
                continue
            lemmas.append(lemma)
        return lemmas


def topic_vectorizer(n_units: int) -> Any:
    """CountVectorizer over lemmas, stop words removed, uni- and bigrams (BERTopic fits it on one
    joined document per theme, so min_df must stay 1 or theme-specific words vanish)."""
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(
        tokenizer=LemmaTokenizer(), lowercase=False, token_pattern=None,
        stop_words=None, ngram_range=(1, 2), min_df=1,  # fitted on one document per theme
    )


def bertopic_backend(embedder: Embedder) -> Any:
    """A BERTopic embedding backend that embeds words and documents with our cached embedder
    (used for KeyBERT-style labels; document embeddings are always passed in precomputed)."""
    from bertopic.backend import BaseEmbedder

    class EvidenceBackend(BaseEmbedder):
        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return embedder.embed(list(documents), progress=verbose)

    return EvidenceBackend()


@dataclass
class ThemeComponents:
    """The chosen parts and a plain description of them (recorded in the run record)."""

    reducer: Any
    clusterer: Any
    n_themes: int | None  # None: found by HDBSCAN
    description: dict[str, Any]


def choose_n_themes(embeddings: np.ndarray, seed: int, max_themes: int = MAX_AUTO_THEMES) -> int:
    """Number of KMeans themes with the best silhouette on a PCA reduction (seeded, small corpora)."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    n = embeddings.shape[0]
    upper = min(max_themes, n // MIN_UNITS_PER_THEME, n - 1)
    if upper < 2:
        return 1
    reduced = _pca(embeddings, seed).fit_transform(embeddings)
    best_k, best_score = 2, -1.0
    for k in range(2, upper + 1):
        labels = KMeans(n_clusters=k, random_state=seed, n_init=10).fit_predict(reduced)
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
    from hdbscan import HDBSCAN
    from umap import UMAP

    reducer = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine",
                   random_state=seed, low_memory=True)
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
        description={"reduction": "UMAP(15 neighbours, 5 dims, cosine)", "clustering": clustering,
                     "chosen_by": "given" if n_themes is not None else "hdbscan"},
    )
