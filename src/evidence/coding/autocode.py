"""Run a coder over a project's segments and store its suggestions (status "suggested").

    report = autocode(project, "classifier", coder="auto", train_coder="Ana")

A re-run replaces that coder's earlier *suggested* codings and never re-suggests a (segment, code)
pair a person has already accepted or rejected, so review work is never lost. Each run is logged
in the store's ``runs`` table with its parameters and counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from evidence import scale
from evidence.errors import EvidenceError, NotEnoughDataError

METHODS = ("rules", "similarity", "classifier")


@dataclass
class AutocodeReport:
    method: str
    coder: str
    model_id: str
    segments: int
    suggestions: int
    replaced: int
    per_code: dict[str, int]

    def summary(self) -> str:
        top = ", ".join(f"{c} {n}" for c, n in sorted(self.per_code.items(), key=lambda kv: -kv[1])[:8])
        return (f"{self.method} coder {self.coder!r} ({self.model_id}): {self.suggestions} suggestions on "
                f"{self.segments} segments (replaced {self.replaced} earlier suggestions). Most: {top}")


def build_coder(project: Any, method: str, *, train_coder: str | None = None, embedder: Any = None,
                seed: int | None = None, coder: str = "") -> tuple[Any, Any]:
    """(fitted coder, embedder used or None) for a method, from the project's codebook and codings."""
    from evidence.codebook.changes import project_codebook

    codebook = project_codebook(project)
    if not len(codebook):
        raise EvidenceError("the project has no codebook yet; run `evidence codebook load FILE` first")
    seed = project.seed if seed is None else seed
    if method == "rules":
        from evidence.coding.rules import RuleCoder

        return RuleCoder(codebook, coder=coder or "rules").fit(), None
    if embedder is None or isinstance(embedder, str):  # a name ("minilm", "path:DIR", "tfidf") or the project's
        from evidence.embeddings import project_embedder

        embedder = project_embedder(project, embedder)
    if method == "similarity":
        from evidence.coding.similarity import SimilarityCoder

        return SimilarityCoder(codebook, embedder, coder=coder or "similarity").fit(), embedder
    if method == "classifier":
        from evidence.coding.classifier import ClassifierCoder
        from evidence.coding.labels import coded_segments
        from evidence.coding.priors import CodebookPriors

        if not train_coder:
            raise EvidenceError("the classifier learns from a person's codings: pass --train-coder NAME")
        segments, labels = coded_segments(project, train_coder)
        vectors = embedder.embed(segments["text"].tolist())
        priors = CodebookPriors(codebook, embedder).fit()
        model = ClassifierCoder(embedder, priors=priors, random_state=seed, coder=coder or "classifier")
        return model.fit(segments["text"].tolist(), labels, vectors), embedder
    raise EvidenceError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def _code_segments(model: Any, embedder: Any, segments: pd.DataFrame, scheduler: str | None) -> list[Any]:
    """The fitted coder's codings for the segments: here, in batches of ``scale.CODING_BATCH`` segments so
    memory stays bounded for a million answers, or on a Dask cluster when a scheduler is named."""
    if scheduler is None:
        from evidence.progress import progress_bar

        codings: list[Any] = []
        batches = range(0, len(segments), scale.CODING_BATCH)
        for start in progress_bar(batches, desc=f"coding ({model.origin})", unit="batch",
                                  enabled=None if len(batches) > 1 else False):
            part = segments.iloc[start : start + scale.CODING_BATCH]
            vectors = embedder.embed(part["text"].tolist()) if embedder is not None else None
            codings += model.codings(part) if vectors is None else model.codings(part, vectors)
        return codings
    with scale.cluster_client(scheduler) as client:
        vectors = (scale.embed_texts(embedder, segments["text"].tolist(), client=client)
                   if embedder is not None else None)
        return scale.codings_on_cluster(model, segments, vectors, client)


def autocode(project: Any, method: str, *, coder: str, train_coder: str | None = None, embedder: Any = None,
             kinds: list[str] | None = None, seed: int | None = None,
             scheduler: str | None = None) -> AutocodeReport:
    """Suggest codes for every unit segment (quotes, turns, paragraphs unless ``kinds``) and store them.

    ``scheduler`` ("local" or a Dask scheduler address; default evidence.yaml's ``scheduler``) embeds and
    codes on a Dask cluster (:mod:`evidence.scale`); the codings are the same and only this process
    writes them."""
    if method not in METHODS:
        raise EvidenceError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    if not coder.strip():
        raise EvidenceError("name the coder the suggestions are stored under: --coder NAME")
    from evidence.model import UNIT_KINDS

    segments = project.segments(kinds or list(UNIT_KINDS))
    segments = segments[segments["text"].str.strip() != ""].reset_index(drop=True)
    if segments.empty:
        raise NotEnoughDataError("no segments to code; ingest some sources first")
    run = project.store.start_run("autocode", {"method": method, "coder": coder, "train_coder": train_coder})
    try:
        model, used = build_coder(project, method, train_coder=train_coder, embedder=embedder, seed=seed, coder=coder)
        codings = _code_segments(model, used, segments, scale.scheduler_setting(scheduler, project.config))
        origin = model.origin
        judged = project.codings(coder=coder, origin=origin)
        judged = judged[judged["status"] != "suggested"]
        settled = set(zip(judged["segment"], judged["code"]))
        codings = [c for c in codings if (c.segment, c.code) not in settled]
        with project.store.transaction() as conn:
            replaced = conn.execute("DELETE FROM codings WHERE coder = ? AND origin = ? AND status = 'suggested'",
                                    (coder, origin)).rowcount
            project.add_codings(codings)
    except BaseException as exc:
        project.store.finish_run(run, "failed", {"error": str(exc)})
        raise
    per_code = pd.Series([c.code for c in codings], dtype=object).value_counts().to_dict()
    report = AutocodeReport(method, coder, model.model_id, len(segments), len(codings), int(replaced),
                            {str(k): int(v) for k, v in per_code.items()})
    project.store.finish_run(run, "ok", {"suggestions": report.suggestions, "model_id": report.model_id})
    return report
