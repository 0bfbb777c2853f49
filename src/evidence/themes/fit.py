"""Fit inductive themes (BERTopic) on coding units with precomputed embeddings, offline and seeded.

    model = ThemeModel(n_themes="auto", seed=0, embedder=embedder).fit(units, vectors)
    model.themes_        # id, label, size, words, quotes (segment ids of the most typical units)
    model.assignments_   # segment_id, theme, label, similarity (to the theme's centre)

``units`` is a tidy DataFrame with ``id`` and ``text`` columns (segments, turns or quotes: the caller
chooses); ``vectors`` holds one embedding per row. Empty texts are left out (listed in ``skipped_``),
and so are procedural turns (thanks, turn taking, audio checks: :mod:`evidence.nlp.procedural`) unless
``include_procedural``. Topic words never include pseudonyms ("Pupil 017", "School C") nor the words
of speakers' names (a ``speaker`` column); labels are the top terms as people wrote them
("transport costs / rural schools"), not lemma lists.
Too few units for the themes asked, identical texts, or a clustering that finds nothing fall back to
fewer themes with a note in ``notes_`` instead of failing deep inside a library.
"""

from __future__ import annotations

import logging
import warnings
from typing import Any

import numpy as np
import pandas as pd

from evidence.nlp.embeddings import Embedder
from evidence.core.errors import InputError, NotEnoughDataError
from evidence.themes.components import (
    MIN_UNITS_PER_THEME,
    LemmaTokenizer,
    choose_components,
    phrase_label,
    topic_vectorizer,
)

log = logging.getLogger(__name__)

THEME_COLUMNS = ["id", "label", "size", "words", "quotes"]
ASSIGNMENT_COLUMNS = ["segment_id", "theme", "label", "similarity"]
MIN_UNITS = 2


class ThemeModel:
    """BERTopic with components chosen by corpus size; learned state ends in ``_`` (scikit-learn style)."""

    def __init__(self, n_themes: int | str | None = "auto", *, seed: int = 0,
                 embedder: Embedder | None = None, reduce_outliers: bool = True,
                 n_words: int = 10, n_quotes: int = 3, progress: bool = False,
                 include_procedural: bool = False) -> None:
        self.n_themes = n_themes
        self.include_procedural = include_procedural
        self.seed = seed
        self.embedder = embedder
        self.reduce_outliers = reduce_outliers
        self.n_words = n_words
        self.n_quotes = n_quotes
        self.progress = progress

    # -- the recipe -----------------------------------------------------------------------------
    def fit(self, units: pd.DataFrame, embeddings: np.ndarray) -> ThemeModel:
        """Learn themes from ``units`` (id, text) and their ``embeddings`` (one row per unit)."""
        self.notes_: list[str] = []
        units, embeddings = self._check_units(units, embeddings)
        k = self._feasible_n_themes(embeddings)
        if k == 1:
            topics = np.zeros(len(units), dtype=int)
            self.topic_model_ = None
            self.components_ = {"reduction": "none", "clustering": "single theme"}
        else:
            topics = self._fit_bertopic(units, embeddings, k)
        self.units_ = units.reset_index(drop=True)
        self.embeddings_ = embeddings
        self._tabulate(np.asarray(topics))
        for note in self.notes_:
            warnings.warn(note, UserWarning, stacklevel=2)  # the command line prints it once
        return self

    @property
    def params_(self) -> dict[str, Any]:
        """What was asked and what was chosen: the run record's parameters."""
        return {
            "n_themes": self.n_themes, "seed": self.seed, "reduce_outliers": self.reduce_outliers,
            "include_procedural": self.include_procedural, "n_procedural": int(len(getattr(self, "procedural_", []))),
            "n_words": self.n_words, "n_quotes": self.n_quotes, "n_units": int(len(self.units_)),
            "n_skipped": int(len(self.skipped_)), "components": self.components_,
            "embedder": getattr(self.embedder, "model_id", ""), "notes": list(self.notes_),
        }

    # -- steps ----------------------------------------------------------------------------------
    def _check_units(self, units: pd.DataFrame, embeddings: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        missing = {"id", "text"} - set(units.columns)
        if missing:
            raise InputError("units", f"the units table lacks column(s) {sorted(missing)}",
                             hint="pass a DataFrame with id and text columns, e.g. project.segments()")
        embeddings = np.asarray(embeddings, dtype=np.float32)
        if embeddings.ndim != 2 or embeddings.shape[0] != len(units):
            raise InputError("units", f"{len(units)} units but embeddings of shape {embeddings.shape}",
                             hint="embed exactly the texts of the units, in the same order")
        texts = units["text"].fillna("").astype(str)
        keep = texts.str.strip().ne("").to_numpy()
        self.skipped_ = units.loc[~keep, "id"].astype(str).tolist()
        if self.skipped_:
            self.notes_.append(f"{len(self.skipped_)} empty unit(s) left out of the themes: "
                               f"{', '.join(self.skipped_[:5])}{' ...' if len(self.skipped_) > 5 else ''}")
        self.excluded_words_ = _name_words(units)
        self.procedural_: list[str] = []
        if not self.include_procedural:
            from evidence.nlp.procedural import procedural_mask

            kinds = units["kind"].astype(str).tolist() if "kind" in units else None
            procedural = procedural_mask(texts.tolist(), kinds=kinds) & keep
            if procedural.any() and (keep & ~procedural).sum() >= MIN_UNITS:
                self.procedural_ = units.loc[procedural, "id"].astype(str).tolist()
                self.notes_.append(f"{len(self.procedural_)} procedural turn(s) (thanks, turn taking, audio checks) "
                                   "left out of the themes")
                keep = keep & ~procedural
        units = units.loc[keep, ["id", "text"]].assign(id=lambda f: f["id"].astype(str))
        if len(units) < MIN_UNITS:
            raise NotEnoughDataError(
                f"themes need at least {MIN_UNITS} non-empty units; got {len(units)} "
                "(ingest more segments or choose a larger unit)"
            )
        return units, embeddings[keep]

    def _feasible_n_themes(self, embeddings: np.ndarray) -> int | None:
        n = embeddings.shape[0]
        distinct = len(np.unique(np.round(embeddings, 5), axis=0))
        asked = None if self.n_themes in (None, "auto") else int(self.n_themes)
        if asked is not None and asked < 1:
            raise InputError("n_themes", f"the number of themes must be at least 1, not {asked}",
                             hint="use a positive number or 'auto'")
        limit = max(1, min(n // MIN_UNITS_PER_THEME, distinct))
        if distinct == 1:
            self.notes_.append(f"all {n} units have the same text; they form a single theme")
            return 1
        if asked is not None and asked > limit:
            self.notes_.append(
                f"{asked} themes asked for but {n} units ({distinct} distinct) support at most "
                f"{limit} (at least {MIN_UNITS_PER_THEME} units per theme); fitting {limit}"
            )
            return limit
        if asked is None and limit < 2:
            self.notes_.append(f"only {n} units: they form a single theme")
            return 1
        return asked

    def _fit_bertopic(self, units: pd.DataFrame, embeddings: np.ndarray, k: int | None,
                      small: bool | None = None) -> np.ndarray:
        from bertopic import BERTopic
        from bertopic.vectorizers import ClassTfidfTransformer

        parts = choose_components(embeddings, k, self.seed, small=small)
        self.components_ = parts.description
        docs = units["text"].tolist()
        model = BERTopic(
            embedding_model=None,
            umap_model=parts.reducer, hdbscan_model=parts.clusterer,
            vectorizer_model=topic_vectorizer(self.excluded_words_),
            ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
            top_n_words=self.n_words, calculate_probabilities=False, verbose=self.progress,
        )
        topics = np.asarray(model.fit_transform(docs, embeddings=embeddings)[0])
        if (topics == -1).all() and not small:
            self.notes_.append("HDBSCAN found no dense themes; falling back to KMeans on PCA")
            return self._fit_bertopic(units, embeddings, k, small=True)
        if self.reduce_outliers and (topics == -1).any():
            n_out = int((topics == -1).sum())
            topics = np.asarray(model.reduce_outliers(docs, topics.tolist(), strategy="embeddings",
                                                      embeddings=embeddings))
            # BERTopic warns that custom assignments break later topic reduction; we reduce nothing after
            logging.getLogger("BERTopic").setLevel(logging.ERROR)
            model.update_topics(docs, topics=topics.tolist(), top_n_words=self.n_words,
                                vectorizer_model=topic_vectorizer(self.excluded_words_))
            self.components_ = {**self.components_, "outliers_reassigned": n_out}
        self.topic_model_ = model
        return topics

    # -- learned tables -------------------------------------------------------------------------
    def _tabulate(self, topics: np.ndarray) -> None:
        """Build themes_, assignments_ and centroids_ from one topic number per unit."""
        vectors = self.embeddings_
        ids = self.units_["id"].to_numpy()
        rows, centroids, similarity = [], {}, np.zeros(len(topics), dtype=np.float32)
        for theme in sorted(set(topics.tolist())):
            members = np.flatnonzero(topics == theme)
            centre = vectors[members].mean(axis=0)
            centre = centre / (np.linalg.norm(centre) or 1.0)
            centroids[theme] = centre.astype(np.float32)
            sims = vectors[members] @ centre
            similarity[members] = sims
            order = members[np.lexsort((ids[members], -sims))]  # most typical first; ties by id
            words = self._words(theme, members)
            rows.append({"id": int(theme), "label": "", "size": int(len(members)), "words": words,
                         "quotes": ids[order[: self.n_quotes]].tolist()})
        self.themes_ = pd.DataFrame(rows, columns=THEME_COLUMNS)
        tokenizer = LemmaTokenizer(exclude=getattr(self, "excluded_words_", frozenset()))
        texts = self.units_["text"].to_numpy()
        phrases = [phrase_label(words, texts[topics == theme].tolist(), tokenizer)
                   for theme, words in zip(self.themes_["id"], self.themes_["words"])]
        self.themes_["label"] = _unique_labels(self.themes_, phrases)
        self.centroids_ = centroids
        labels = dict(zip(self.themes_["id"], self.themes_["label"]))
        self.assignments_ = pd.DataFrame({
            "segment_id": ids, "theme": topics.astype(int),
            "label": [labels[t] for t in topics], "similarity": similarity.astype(float).round(4),
        }, columns=ASSIGNMENT_COLUMNS)

    def _words(self, theme: int, members: np.ndarray) -> list[str]:
        if self.topic_model_ is not None:
            found = self.topic_model_.get_topic(theme) or []
            words = [w for w, _ in found if w]
            if words:
                return words[: self.n_words]
        counts: dict[str, int] = {}
        tokenize = LemmaTokenizer(exclude=getattr(self, "excluded_words_", frozenset()))
        for text in self.units_["text"].iloc[members]:
            for lemma in [w for w in tokenize(text) if " " not in w] or text.lower().split():
                counts[lemma] = counts.get(lemma, 0) + 1
        return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][: self.n_words]

    # -- editing --------------------------------------------------------------------------------
    def rename(self, theme: int, label: str) -> ThemeModel:
        """Give a theme a researcher's label."""
        self._require_theme(theme)
        self.themes_.loc[self.themes_["id"] == theme, "label"] = label
        self.assignments_.loc[self.assignments_["theme"] == theme, "label"] = label
        return self

    def merge(self, themes: list[int], label: str | None = None) -> ThemeModel:
        """Merge themes into the first one listed; words and typical quotes are recomputed."""
        for theme in themes:
            self._require_theme(theme)
        topics = self.assignments_["theme"].to_numpy().copy()
        keep = themes[0]
        first_member = int(np.flatnonzero(topics == keep)[0])
        topics[np.isin(topics, themes)] = keep
        if self.topic_model_ is not None:
            docs = self.units_["text"].tolist()
            self.topic_model_.merge_topics(docs, [list(themes)])
            # BERTopic renumbers by size after merging; take its numbering
            topics = np.asarray(self.topic_model_.topics_)
        self._tabulate(topics)
        if label:
            self.rename(int(topics[first_member]), label)
        return self

    def _require_theme(self, theme: int) -> None:
        if theme not in set(self.themes_["id"]):
            raise InputError("themes", f"no theme {theme}; themes are {sorted(self.themes_['id'])}")


def _name_words(units: pd.DataFrame) -> frozenset[str]:
    """Lower-case words of the speakers' names (pseudonyms such as "Charity lead 2" are kept apart:
    their words are ordinary topic words)."""
    from evidence.themes.components import PSEUDONYM

    if "speaker" not in units:
        return frozenset()
    words = set()
    for name in units["speaker"].dropna().astype(str).unique():
        if name.strip() and not PSEUDONYM.fullmatch(name.strip()):
            words.update(w.lower() for w in name.replace(".", " ").split() if len(w) > 1)
    return frozenset(words)


def _unique_labels(themes: pd.DataFrame, phrases: list[str] | None = None) -> list[str]:
    """Readable labels: the theme's phrase (see :func:`phrase_label`), else 2-3 top words."""
    labels, seen = [], {}
    phrases = phrases or [""] * len(themes)
    for theme, words, phrase in zip(themes["id"], themes["words"], phrases):
        chosen: list[str] = []
        for word in words:
            if any(word in c.split() or c in word.split() for c in chosen):
                continue
            chosen.append(word)
            if len(chosen) == 3:
                break
        label = phrase or (", ".join(chosen) if chosen else f"theme {theme}")
        if theme == -1:
            label = "unassigned (outliers)"
        seen[label] = seen.get(label, 0) + 1
        labels.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return labels
