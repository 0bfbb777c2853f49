"""Run a coder over a project's segments and store its suggestions (status "suggested").

    report = autocode(project, "classifier", coder="auto", train_coder="Ana")

Procedural turns (thanks, turn taking, audio checks: :mod:`evidence.procedural`) are left uncoded
unless ``include_procedural``. A code goes only where its codebook ``scope`` allows and, for the
classifier, where it learnt (the kinds and questions of the segments it was trained on) unless
``any_scope`` (:mod:`evidence.coding.scope`). The classifier's quality figure in the report is
cross-validated on the trainer's codings (:mod:`evidence.coding.quality`), never training-set
agreement. A re-run replaces that coder's earlier *suggested* codings and never re-suggests a (segment, code)
pair a person has already accepted or rejected, so review work is never lost. Each run is logged
in the store's ``runs`` table with its parameters and counts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence import scale
from evidence.coding.registry import CoderSetup, coder_method, method_names
from evidence.errors import EvidenceError, NotEnoughDataError

if TYPE_CHECKING:
    from evidence.project import Project

METHODS = method_names()
"""The registered coder methods (:mod:`evidence.coding.registry`) when this module was imported."""


@dataclass
class AutocodeReport:
    method: str
    coder: str
    model_id: str
    segments: int
    suggestions: int
    replaced: int
    per_code: dict[str, int]
    procedural: int = 0
    out_of_scope: int = 0
    scope: str = ""
    quality: dict[str, Any] = field(default_factory=dict)
    quality_per_code: list[dict[str, Any]] = field(default_factory=list)
    train_coder: str = ""

    def summary(self) -> str:
        from evidence.coding.quality import describe

        top = ", ".join(f"{c} {n}" for c, n in sorted(self.per_code.items(), key=lambda kv: -kv[1])[:8])
        lines = [f"{self.method} coder {self.coder!r} ({self.model_id}): {self.suggestions} suggestions on "
                 f"{self.segments} segments (replaced {self.replaced} earlier suggestions). Most: {top}"]
        if self.procedural:
            lines.append(f"{self.procedural} procedural turns (thanks, turn taking, audio checks) left uncoded "
                         "(--include-procedural codes them too)")
        if self.out_of_scope:
            learnt = f"; learnt from: {self.scope}" if self.scope else ""
            lines.append(f"{self.out_of_scope} suggestions outside their code's scope left out{learnt}"
                         " (--any-scope lifts the learnt scope)")
        if coder_method(self.method).learns:
            lines.append(describe(self.quality, self.train_coder))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def build_coder(project: Project, method: str, *, train_coder: str | None = None, embedder: Any = None,
                seed: int | None = None, coder: str = "") -> tuple[Any, Any]:
    """(fitted coder, embedder used or None) for a registered method (:mod:`evidence.coding.registry`), from
    the project's codebook and codings."""
    from evidence.codebook.changes import project_codebook
    from evidence.nlp import pipeline_name

    spec = coder_method(method)
    codebook = project_codebook(project)
    if not len(codebook):
        raise EvidenceError("the project has no codebook yet; run `evidence codebook load FILE` first")
    seed = project.seed if seed is None else seed
    if not spec.embeds:
        embedder = None
    elif embedder is None or isinstance(embedder, str):  # a name ("minilm", "path:DIR", "tfidf") or the project's
        from evidence.embeddings import project_embedder

        embedder = project_embedder(project, embedder)
    setup = CoderSetup(codebook, coder, embedder=embedder, train_coder=train_coder, seed=seed,
                       pipeline=pipeline_name(project.config))
    return spec.build(project, setup), embedder


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
            codings += model.codings(part, vectors)
        return codings
    with scale.cluster_client(scheduler) as client:
        vectors = (scale.embed_texts(embedder, segments["text"].tolist(), client=client)
                   if embedder is not None else None)
        return scale.codings_on_cluster(model, segments, vectors, client)


def autocode(project: Project, method: str, *, coder: str, train_coder: str | None = None, embedder: Any = None,
             kinds: list[str] | None = None, seed: int | None = None,
             scheduler: str | None = None, include_procedural: bool = False,
             any_scope: bool = False) -> AutocodeReport:
    """Suggest codes for every unit segment (quotes, turns, paragraphs unless ``kinds``) and store them.

    Procedural turns stay uncoded unless ``include_procedural``; a code is never suggested outside
    its codebook scope, nor (classifier) outside the scope it learnt from unless ``any_scope``.
    ``scheduler`` ("local" or a Dask scheduler address; default evidence.yaml's ``scheduler``) embeds and
    codes on a Dask cluster (:mod:`evidence.scale`); the codings are the same and only this process
    writes them."""
    spec = coder_method(method)  # an unknown method is an error listing the registered ones
    if not coder.strip():
        raise EvidenceError("name the coder the suggestions are stored under: --coder NAME")
    from evidence.model import UNIT_KINDS

    segments = project.segments(kinds or list(UNIT_KINDS))
    segments = segments[segments["text"].str.strip() != ""].reset_index(drop=True)
    if segments.empty:
        raise NotEnoughDataError("no segments to code; ingest some sources first")
    n_segments = len(segments)
    procedural = 0
    if not include_procedural:
        from evidence.procedural import procedural_mask

        mask = procedural_mask(segments["text"].tolist())
        procedural = int(mask.sum())
        segments = segments[~mask].reset_index(drop=True)
    run = project.store.start_run("autocode", {"method": method, "coder": coder, "train_coder": train_coder,
                                               "include_procedural": include_procedural, "any_scope": any_scope})
    try:
        model, used = build_coder(project, method, train_coder=train_coder, embedder=embedder, seed=seed, coder=coder)
        codings = (_code_segments(model, used, segments, scale.scheduler_setting(scheduler, project.config))
                   if len(segments) else [])
        codings, out_of_scope = _within_scope(project, codings, segments, None if any_scope else getattr(model, "scope_", None))
        origin = model.origin
        judged = project.codings(coder=coder, origin=origin)
        judged = judged[judged["status"] != "suggested"]
        settled = set(zip(judged["segment"], judged["code"]))
        codings = [c for c in codings if (c.segment, c.code) not in settled]
        with project.store.transaction():
            replaced = project.store.codings.remove_suggestions(coder, origin)
            project.add_codings(codings)
    except BaseException as exc:
        project.store.finish_run(run, "failed", {"error": str(exc)})
        raise
    per_code = pd.Series([c.code for c in codings], dtype=object).value_counts().to_dict()
    report = AutocodeReport(method, coder, model.model_id, n_segments, len(codings), int(replaced),
                            {str(k): int(v) for k, v in per_code.items()}, procedural=procedural,
                            out_of_scope=out_of_scope, train_coder=train_coder or "")
    if spec.learns:  # cross-validated on the trainer's codings, and the scope it learnt
        from evidence.coding.scope import describe

        table, report.quality = model.quality()
        report.quality_per_code = table.to_dict(orient="records")
        report.scope = describe(model.scope_)
    project.store.finish_run(run, "ok", {"suggestions": report.suggestions, "model_id": report.model_id,
                                         "procedural": procedural, "out_of_scope": out_of_scope,
                                         "quality": report.quality})
    return report


def _within_scope(project: Project, codings: list[Any], segments: pd.DataFrame, learnt: Any) -> tuple[list[Any], int]:
    """The codings whose code may go on their segment (codebook scope, and the learnt scope if given)."""
    from evidence.codebook.changes import project_codebook
    from evidence.coding.scope import allowed

    codebook = project_codebook(project)
    ids = segments["id"].astype(str).tolist()
    masks: dict[str, dict[str, bool]] = {}
    kept = []
    for coding in codings:
        if coding.code not in masks:
            scope = codebook.scope(coding.code) if coding.code in codebook.codes else {}
            masks[coding.code] = dict(zip(ids, allowed(segments, scope, learnt)))
        if masks[coding.code].get(str(coding.segment), True):
            kept.append(coding)
    return kept, len(codings) - len(kept)
