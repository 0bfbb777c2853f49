"""Keep fitted themes with the project, without pickle.

A fit becomes a ``runs`` row (kind ``themes``, parameters and seed in ``params``) with its themes and
assignments in the ``themes`` / ``theme_assignments`` tables, and its model files in
``PROJECT/models/themes-<run>/``: ``theme_model.json`` (parameters, themes, words),
``centroids.safetensors`` (one vector per theme) and, when BERTopic was fitted, ``bertopic/`` saved
with ``serialization="safetensors"`` (topics, c-TF-IDF, no embedding model).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from evidence.core.errors import ProjectError
from evidence.themes.fit import ASSIGNMENT_COLUMNS, THEME_COLUMNS, ThemeModel

if TYPE_CHECKING:
    from evidence.project import Project

FORMAT_VERSION = 1


def save_theme_model(model: ThemeModel, folder: Path) -> Path:
    """Write a fitted model's plain files (JSON + safetensors) into ``folder``."""
    from safetensors.numpy import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    record = {"format": FORMAT_VERSION, "params": model.params_,
              "themes": model.themes_.to_dict(orient="records"),
              "assignments": model.assignments_.to_dict(orient="list"),
              "skipped": model.skipped_}
    (folder / "theme_model.json").write_text(json.dumps(record, indent=1, default=_plain), "utf-8")
    save_file({f"theme_{t}": np.ascontiguousarray(v) for t, v in model.centroids_.items()},
              str(folder / "centroids.safetensors"))
    if model.topic_model_ is not None:
        logging.getLogger("BERTopic").setLevel(logging.ERROR)  # it warns that no embedder is saved
        model.topic_model_.save(str(folder / "bertopic"), serialization="safetensors",
                                save_ctfidf=True, save_embedding_model=False)
    return folder


def load_theme_model(folder: Path, units: pd.DataFrame | None = None,
                     embeddings: np.ndarray | None = None) -> ThemeModel:
    """Read a model written by :func:`save_theme_model` (units/embeddings restore editing)."""
    from safetensors.numpy import load_file

    folder = Path(folder)
    path = folder / "theme_model.json"
    if not path.is_file():
        raise ProjectError(f"{path}: no saved theme model here (fit themes first: evidence themes)")
    record = json.loads(path.read_text("utf-8"))
    params = record["params"]
    model = ThemeModel(params["n_themes"], seed=params["seed"],
                       reduce_outliers=params["reduce_outliers"], n_words=params["n_words"],
                       n_quotes=params["n_quotes"])
    model.notes_ = list(params.get("notes", []))
    model.components_ = params["components"]
    model.skipped_ = record.get("skipped", [])
    model.themes_ = pd.DataFrame(record["themes"], columns=THEME_COLUMNS)
    model.assignments_ = pd.DataFrame(record["assignments"], columns=ASSIGNMENT_COLUMNS)
    model.centroids_ = {int(k.split("_", 1)[1]): v
                        for k, v in load_file(str(folder / "centroids.safetensors")).items()}
    model.units_ = (units if units is not None else
                    pd.DataFrame({"id": model.assignments_["segment_id"], "text": ""}))
    model.embeddings_ = embeddings
    model.topic_model_ = _load_bertopic(folder / "bertopic")
    model.loaded_params_ = params
    return model


def _load_bertopic(folder: Path) -> Any:
    if not folder.is_dir():
        return None
    from bertopic import BERTopic

    from evidence.themes.components import LemmaTokenizer

    logging.getLogger("BERTopic").setLevel(logging.ERROR)  # it warns that no embedder was saved
    topic_model = BERTopic.load(str(folder))
    topic_model.vectorizer_model.set_params(analyzer=LemmaTokenizer())
    return topic_model


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


# --------------------------------------------------------------------------- the project store


def store_theme_run(project: Project, model: ThemeModel, *, unit: str, source: str = "") -> int:
    """Record a fit: a runs row, its themes and assignments, and the model files. Returns the run id."""
    store = project.store
    params = {**model.params_, "unit": unit, "source": source}
    run_id = store.start_run("themes", params)
    try:
        folder = save_theme_model(model, Path(project.models_dir) / f"themes-{run_id}")
        store.themes.record_fit(run_id, unit=unit, source=source, seed=model.seed, model_id=params["embedder"],
                                model_dir=str(folder.relative_to(project.path)), n_units=params["n_units"],
                                themes=model.themes_, assignments=model.assignments_)
    except BaseException as exc:
        store.finish_run(run_id, "failed", {"error": str(exc)})
        raise
    store.finish_run(run_id, "done", {"themes": len(model.themes_), "model_dir": str(folder)})
    model.run_id_ = run_id
    return run_id


def latest_theme_run(project: Project, unit: str | None = None) -> int:
    """The id of the most recent finished themes run (optionally for one unit)."""
    run_id = project.store.themes.latest_run(unit)
    if run_id is None:
        raise ProjectError(f"{project.path}: no themes fitted yet (run `evidence themes`)")
    return int(run_id)


def theme_tables(project: Project, run_id: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(themes, assignments) of a run (default: the latest), as tidy DataFrames.

    themes: id, label, size, words (list), quotes (list), code_id.
    assignments: segment, theme, similarity (the results bundle's theme_assignments shape).
    """
    run_id = run_id if run_id is not None else latest_theme_run(project)
    themes = project.store.themes.themes(run_id)
    for column in ("words", "quotes"):
        themes[column] = themes[column].map(json.loads)
    assignments = project.store.themes.assignments(run_id)
    return themes, assignments


def load_project_themes(project: Project, run_id: int | None = None, embedder: Any = None) -> ThemeModel:
    """Reload a stored fit with its unit texts (and embeddings when an embedder is given)."""
    run_id = run_id if run_id is not None else latest_theme_run(project)
    folder = project.store.themes.model_dir(run_id)
    if folder is None:
        raise ProjectError(f"{project.path}: no themes run {run_id}")
    model = load_theme_model(Path(project.path) / folder)
    ids = model.assignments_["segment_id"].tolist()
    texts = project.store.sources.segment_texts()
    model.units_ = pd.DataFrame({"id": ids, "text": [texts.get(i, "") for i in ids]})
    if embedder is not None:
        model.embeddings_ = embedder.embed(model.units_["text"].tolist())
        model.embedder = embedder
    model.run_id_ = run_id
    return model
