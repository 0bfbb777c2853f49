"""The two top-level recipes: themes for a project's units, sections for one transcript.

    run_id, model, units = fit_project_themes(project, unit="turn", n_themes="auto")
    sections, assignments = find_project_sections(project, "roundtable-01-marlowmere")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from evidence.nlp.embeddings import project_embedder
from evidence.core.errors import InputError, NotEnoughDataError
from evidence.core.model import UNIT_KINDS

if TYPE_CHECKING:
    from evidence.project import Project

UNITS = {"segment": list(UNIT_KINDS), "turn": ["turn"], "quote": ["quote"],
         "paragraph": ["paragraph"], "sentence": ["sentence"]}


def project_units(project: Project, unit: str = "segment", source: str | None = None) -> pd.DataFrame:
    """The units to fit themes on: id, text, source, kind, turn_index (order), speaker, role, wave,
    plus the source's school, partnership and date (for themes by class and over time)."""
    if unit not in UNITS:
        raise InputError("--unit", f"unknown unit {unit!r}", hint=f"choose one of {', '.join(UNITS)}")
    segments = project.segments(kinds=UNITS[unit], source=source)
    if segments.empty:
        where = f" in source {source!r}" if source else ""
        raise NotEnoughDataError(f"no {unit} units{where} in {project.path}; ingest transcripts or quotes first")
    sources = project.sources()[["id", "school", "partnership", "date"]].rename(columns={"id": "source"})
    units = segments.merge(sources, on="source", how="left", suffixes=("", "_source"))
    return units.rename(columns={"order": "turn_index"})


def fit_project_themes(project: Project, *, unit: str = "segment", source: str | None = None,
                       n_themes: int | str = "auto", seed: int | None = None,
                       embedder_name: str | None = None, progress: bool = False,
                       include_procedural: bool = False) -> tuple[int, Any, pd.DataFrame]:
    """Embed the units (cached), fit themes, store the run. Returns (run_id, model, units).

    Procedural turns are left out of the themes unless ``include_procedural``."""
    from evidence.themes.fit import ThemeModel
    from evidence.themes.persist import store_theme_run

    seed = project.seed if seed is None else seed
    units = project_units(project, unit, source)
    embedder = project_embedder(project, embedder_name)
    vectors = embedder.embed(units["text"].tolist(), progress=progress)
    model = ThemeModel(n_themes, seed=seed, embedder=embedder, progress=progress,
                       include_procedural=include_procedural).fit(units, vectors)
    run_id = store_theme_run(project, model, unit=unit, source=source or "")
    return run_id, model, units


def find_project_sections(project: Project, source: str, *, method: str = "hybrid",
                          embedder_name: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split one transcript into discussion sections, label them with codes and themes, store them."""
    from evidence.themes.sections import find_sections, label_sections

    if source not in project.store.source_ids():
        raise InputError("--source", f"no source {source!r} in {project.path}",
                         hint="list sources with `evidence sources`")
    turns = project.segments(kinds=["turn"], source=source)
    if turns.empty:
        raise NotEnoughDataError(f"source {source!r} has no speaker turns (is it a transcript?)")
    vectors = project_embedder(project, embedder_name).embed(turns["text"].tolist())
    sections, assignments = find_sections(turns, vectors, method=method)
    from evidence.mixed.units import evidence_codings  # the one counting rule

    counted = evidence_codings(project.segments(source=source), project.codings())
    names = dict(zip(project.codes()["id"], project.codes()["name"])) if not counted.empty else {}
    codings = pd.DataFrame({"segment": counted["unit"], "code": counted["code"],
                            "code_name": [names.get(c, c) for c in counted["code"]]})
    themes = _latest_theme_labels(project)
    sections = label_sections(sections, assignments, codings=codings, themes=themes, turns=turns)
    _store_sections(project, source, method, sections)
    return sections, assignments


def _latest_theme_labels(project: Project) -> pd.DataFrame | None:
    from evidence.core.errors import ProjectError
    from evidence.themes.persist import theme_tables

    try:
        themes, assignments = theme_tables(project)
    except ProjectError:
        return None
    labels = dict(zip(themes["id"], themes["label"]))
    return pd.DataFrame({"segment_id": assignments["segment"],
                         "label": [labels.get(t, "") for t in assignments["theme"]]})


def _store_sections(project: Project, source: str, method: str, sections: pd.DataFrame) -> int:
    store = project.store
    run_id = store.start_run("sections", {"source": source, "method": method})
    store.themes.record_sections(run_id, source, sections)
    store.finish_run(run_id, "done", {"sections": len(sections)})
    return run_id
