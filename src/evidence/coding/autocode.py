"""Run a coder over a project's segments and store its suggestions (status "suggested").

    report = autocode(project, "classifier", coder="auto", train_coder="Ana")

Procedural turns (thanks, turn taking, audio checks: :mod:`evidence.nlp.procedural`) are left uncoded
unless ``include_procedural``. A code goes only where its codebook ``scope`` allows and, for the
classifier, where it learnt (the kinds and questions of the segments it was trained on) unless
``any_scope`` (:mod:`evidence.coding.scope`). The classifier's quality figure in the report is
cross-validated on the trainer's codings (:mod:`evidence.coding.quality`), never training-set
agreement. A re-run replaces that coder's earlier *suggested* codings and never re-suggests a (segment, code)
pair a person has already accepted or rejected, so review work is never lost. Each run is logged
in the store's ``runs`` table with its parameters and counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence.core import scale
from evidence.coding.registry import CoderSetup, coder_method, method_names
from evidence.core.errors import EvidenceError, NotEnoughDataError

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
    from evidence.nlp.pipeline import pipeline_name

    spec = coder_method(method)
    codebook = project_codebook(project)
    if not len(codebook):
        raise EvidenceError("the project has no codebook yet; run `evidence codebook load FILE` first")
    seed = project.seed if seed is None else seed
    if not spec.embeds:
        embedder = None
    elif embedder is None or isinstance(embedder, str):  # a name ("minilm", "path:DIR", "tfidf") or the project's
        from evidence.nlp.embeddings import project_embedder

        embedder = project_embedder(project, embedder)
    setup = CoderSetup(codebook, coder, embedder=embedder, train_coder=train_coder, seed=seed,
                       pipeline=pipeline_name(project.config))
    return spec.build(project, setup), embedder


def _code_segments(model: Any, embedder: Any, segments: pd.DataFrame, client: Any) -> list[Any]:
    """The fitted coder's codings for one batch of segments: here, or on a Dask cluster when ``client``."""
    if client is None:
        vectors = embedder.embed(segments["text"].tolist()) if embedder is not None else None
        return model.codings(segments) if vectors is None else model.codings(segments, vectors)
    vectors = (scale.embed_texts(embedder, segments["text"].tolist(), client=client)
               if embedder is not None else None)
    return scale.codings_on_cluster(model, segments, vectors, client)


def _unit_batches(project: Project, kinds: list[str], include_procedural: bool
                  ) -> Iterator[tuple[pd.DataFrame, int, int]]:
    """(segments to code, segments with text, procedural turns left out) per batch of ``scale.CODING_BATCH``
    segments read from the store, so a million answers never sit in memory at once."""
    for part in project.store.segment_frames(kinds, batch=scale.CODING_BATCH):
        part = part[part["text"].str.strip() != ""].reset_index(drop=True)
        with_text, procedural = len(part), 0
        if not include_procedural and len(part):
            from evidence.nlp.procedural import procedural_mask

            mask = procedural_mask(part["text"].tolist(),
                                   kinds=part["kind"].tolist() if "kind" in part else None)
            procedural = int(mask.sum())
            part = part[~mask].reset_index(drop=True)
        yield part, with_text, procedural


def autocode(project: Project, method: str, *, coder: str, train_coder: str | None = None, embedder: Any = None,
             kinds: list[str] | None = None, seed: int | None = None,
             scheduler: str | None = None, include_procedural: bool = False,
             any_scope: bool = False) -> AutocodeReport:
    """Suggest codes for every unit segment (quotes, turns, paragraphs unless ``kinds``) and store them.

    Procedural turns stay uncoded unless ``include_procedural``; a code is never suggested outside
    its codebook scope, nor (classifier) outside the scope it learnt from unless ``any_scope``.
    ``scheduler`` ("local" or a Dask scheduler address; default evidence.yaml's ``scheduler``) embeds and
    codes on a Dask cluster (:mod:`evidence.core.scale`); the codings are the same and only this process
    writes them."""
    spec = coder_method(method)  # an unknown method is an error listing the registered ones
    if not coder.strip():
        raise EvidenceError("name the coder the suggestions are stored under: --coder NAME")
    from evidence.codebook.changes import project_codebook
    from evidence.core.model import UNIT_KINDS
    from evidence.core.progress import progress_bar

    kinds = list(kinds or UNIT_KINDS)
    store = project.store
    total = store.count_segments(kinds)
    if not total:
        raise NotEnoughDataError("no segments to code; ingest some sources first")
    scheduler = scale.scheduler_setting(scheduler, project.config)
    run = store.start_run("autocode", {"method": method, "coder": coder, "train_coder": train_coder,
                                       "include_procedural": include_procedural, "any_scope": any_scope})
    n_segments = procedural = out_of_scope = 0
    per_code: Counter[str] = Counter()
    try:
        model, used = build_coder(project, method, train_coder=train_coder, embedder=embedder, seed=seed, coder=coder)
        origin = model.origin
        learnt = None if any_scope else getattr(model, "scope_", None)
        codebook = project_codebook(project)
        settled = store.settled_codings(coder, origin)  # a person's judgement is never re-suggested
        batches = -(-total // scale.CODING_BATCH)
        # Each batch's codings are staged in a temporary table (no lock held on the store while coding);
        # one short transaction then replaces the coder's suggestions: a failure in any batch, or
        # before the end, leaves the store as it was before the command.
        store.drop_staged()
        with (scale.cluster_client(scheduler) if scheduler else nullcontext(None)) as client:
            for part, with_text, left_out in progress_bar(
                    _unit_batches(project, kinds, include_procedural), desc=f"coding ({origin})", unit="batch",
                    total=batches, enabled=None if batches > 1 else False):
                n_segments += with_text
                procedural += left_out
                if not len(part):
                    continue
                codings = _code_segments(model, used, part, client)
                codings, dropped = _within_scope(codebook, codings, part, learnt)
                out_of_scope += dropped
                codings = [c for c in codings if (c.segment, c.code) not in settled]
                store.stage_codings(codings)
                per_code.update(str(c.code) for c in codings)
        if not n_segments:
            raise NotEnoughDataError("no segments to code; ingest some sources first")
        with store.transaction() as conn:
            replaced = store.delete_suggested(conn, coder, origin)
            suggestions = store.commit_staged(conn)
    except BaseException as exc:
        store.finish_run(run, "failed", {"error": str(exc)})
        raise
    finally:
        store.drop_staged()
    report = AutocodeReport(method, coder, model.model_id, n_segments, suggestions, int(replaced),
                            dict(per_code.most_common()), procedural=procedural,
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


def _within_scope(codebook: Any, codings: list[Any], segments: pd.DataFrame, learnt: Any) -> tuple[list[Any], int]:
    """The codings whose code may go on their segment (codebook scope, and the learnt scope if given)."""
    from evidence.coding.scope import allowed

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
