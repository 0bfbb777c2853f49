"""When one machine is not enough: embedding and autocoding on a Dask cluster (dask.distributed).

    with cluster_client("local") as client:                # or "tcp://scheduler-host:8786"
        vectors = embed_texts(embedder, texts, scheduler="local")

The user names a scheduler with ``--scheduler ADDRESS`` or ``scheduler:`` in evidence.yaml. ``local``
starts a LocalCluster with one single-threaded worker process per core of this machine; any other value
is the address of a running scheduler (``dask scheduler`` on one machine, ``dask worker ADDRESS`` on each
of the others, every machine with this package and the model installed).

Workers only compute: they get texts (or segments) and a copy of the fitted coder or embedder without
its cache, and send back vectors and codings. The client alone reads and writes the project store and
the embedding cache. Chunks are cut the way the single-process path cuts its batches, and every
embedder gives a text the same vector whatever batch it sits in, so the results are identical.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from evidence.core.errors import EvidenceError

LOCAL = "local"
CHUNK_TEXTS = 2048  # texts per task: big enough to keep a worker busy, small enough to balance
CODING_BATCH = 10_000  # segments embedded and coded at a time (or per cluster task): bounds memory (about 1 GB peak)


def scheduler_setting(option: str | None, config: dict[str, Any] | None = None) -> str | None:
    """The scheduler the user asked for: the command-line option, else evidence.yaml's ``scheduler``."""
    value = option if option is not None else (config or {}).get("scheduler")
    value = str(value).strip() if value else ""
    return value or None


@contextlib.contextmanager
def cluster_client(scheduler: str, *, workers: int | None = None, processes: bool = True) -> Iterator[Any]:
    """A dask.distributed Client: a LocalCluster of this machine's cores for ``local``, otherwise a
    connection to the running scheduler at that address. Closed (and the local cluster stopped) on exit."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise EvidenceError(
            "--scheduler needs dask.distributed: pip install 'evidence-workbench[themes]'"
        ) from exc
    if scheduler == LOCAL:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=processes, dashboard_address=None)
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise EvidenceError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({exc}); start one with `dask scheduler` "
            "and give its address (tcp://HOST:8786), or use --scheduler local"
        ) from None
    with client:
        yield client


def _embed_on_worker(embedder: Any, texts: list[str]) -> np.ndarray:
    if hasattr(embedder, "threads") and getattr(embedder, "_session", None) is None:
        from distributed import get_worker

        embedder.threads = get_worker().state.nthreads  # ONNX Runtime uses the worker's share of cores
    return embedder.embed(texts, progress=False)


def embed_texts(embedder: Any, texts: Sequence[str], *, scheduler: str | None = None,
                client: Any = None, chunk: int = CHUNK_TEXTS) -> np.ndarray:
    """Vectors for ``texts`` in order, like ``embedder.embed``; on a cluster when a scheduler (or a
    client) is given. Cached vectors are read and new ones written by this process only."""
    if scheduler is None and client is None:
        return embedder.embed(texts)
    if client is None:
        with cluster_client(scheduler) as own:
            return embed_texts(embedder, texts, client=own, chunk=chunk)
    from evidence.core.progress import progress_bar

    texts, hashes, known, todo = embedder.cache_lookup(texts)
    cache = embedder.cache if embedder.use_cache else None
    if hasattr(embedder, "fit") and getattr(embedder, "vectorizer_", None) is None:
        embedder.fit(texts)  # a corpus-fitted embedder learns on the client, from all the texts
    items = sorted(todo.items(), key=lambda item: len(item[1]))
    chunks = [items[start : start + chunk] for start in range(0, len(items), chunk)]
    remote = client.scatter(embedder.for_worker(), broadcast=True, hash=False) if chunks else None
    futures = {client.submit(_embed_on_worker, remote, [t for _, t in part], pure=False): part
               for part in chunks}
    from distributed import as_completed

    with progress_bar(total=len(items), desc="embedding on the cluster", unit="text") as bar:
        for future in as_completed(futures):
            part = futures[future]
            vectors = np.asarray(future.result(), dtype=np.float32)
            if cache is not None:
                cache.put(embedder.model_id, [h for h, _ in part], vectors)
            known.update({h: v for (h, _), v in zip(part, vectors)})
            embedder.encoded_texts += len(part)
            bar.update(len(part))
    if not texts:
        return np.zeros((0, embedder.dimension()), dtype=np.float32)
    return np.vstack([known[h] for h in hashes]).astype(np.float32)


def _code_on_worker(model: Any, segments: Any, vectors: np.ndarray | None) -> list[Any]:
    return model.codings(segments) if vectors is None else model.codings(segments, vectors)


def codings_on_cluster(model: Any, segments: Any, vectors: np.ndarray | None, client: Any, *,
                       chunk: int | None = None) -> list[Any]:
    """A fitted coder's codings for ``segments`` (with their ``vectors``, or None for rules), computed in
    chunks (default :data:`CODING_BATCH`) on the cluster and returned in segment order; the caller
    stores them."""
    from evidence.core.progress import progress_bar

    chunk = chunk or CODING_BATCH

    # a fresh key per call (one per batch): the same hashed key raced with the previous batch's release
    remote = client.scatter(model, broadcast=True, hash=False)
    starts = list(range(0, len(segments), chunk))
    futures = [client.submit(_code_on_worker, remote, segments.iloc[s : s + chunk],
                             None if vectors is None else vectors[s : s + chunk], pure=False)
               for s in starts]
    codings: list[Any] = []
    with progress_bar(total=len(segments), desc="coding on the cluster", unit="segment") as bar:
        for s, future in zip(starts, futures):  # in order, so the stored codings are too
            codings.extend(future.result())
            bar.update(min(chunk, len(segments) - s))
    return codings
