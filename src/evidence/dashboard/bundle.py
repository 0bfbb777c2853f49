"""Read the published results bundle (PROJECT/results/*.parquet) for the dashboards, and nothing else.

Voila passes no arguments to a notebook, so the project comes from ``$EVIDENCE_PROJECT`` (set by
``evidence dashboards``) unless a path is given. Tables a bundle lacks come back empty with their
documented columns, so a dashboard can say "nothing here yet" instead of failing.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ProjectError
from ..core.model import UNIT_KINDS  # noqa: F401 - the one definition of a unit; dashboards import it from here

PROJECT_ENV = "EVIDENCE_PROJECT"


@dataclass
class Bundle:
    """The bundle's tables as DataFrames (see docs/CONTRACTS.md "Results bundle")."""

    folder: Path
    segments: pd.DataFrame
    codes: pd.DataFrame
    codings: pd.DataFrame
    themes: pd.DataFrame
    theme_assignments: pd.DataFrame
    cases: pd.DataFrame
    outcomes: pd.DataFrame
    schools: pd.DataFrame
    effects: pd.DataFrame
    joint_display: pd.DataFrame
    voice_pairs: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)

    def marked(self, role: str) -> list[str]:
        """Codes the codebook marks for a place on the dashboards (``dashboard: feature`` / ``warning``)."""
        return list(self.codes.loc[self.codes["dashboard"].eq(role), "id"])

    def code_names(self) -> dict[str, str]:
        """code id -> the name a reader sees."""
        return dict(zip(self.codes["id"], self.codes["name"].fillna(self.codes["id"])))

    def descendants(self, code: str) -> list[str]:
        """``code`` and every code below it in the codebook."""
        children: dict[str, list[str]] = {}
        for child, parent in zip(self.codes["id"], self.codes["parent"].fillna("")):
            children.setdefault(parent, []).append(child)
        found, todo = [], [code]
        while todo:
            current = todo.pop()
            if current in found:
                continue
            found.append(current)
            todo.extend(children.get(current, []))
        return found


TABLES: tuple[str, ...] = tuple(f.name for f in fields(Bundle) if f.name not in ("folder", "manifest"))
"""The bundle tables the dashboards read: the :class:`Bundle` fields, each one of
:data:`evidence.bundle.BUNDLE_TABLES` (the only list of the bundle's tables; a test checks it)."""


def results_folder(project: str | Path | None = None) -> Path:
    """The bundle folder: ``PROJECT/results`` of the given project, ``$EVIDENCE_PROJECT`` or the current folder.

    A path that is itself a bundle (it holds segments.parquet) is taken as it is.
    """
    given = project if project is not None else os.environ.get(PROJECT_ENV) or "."
    path = Path(given).expanduser()
    if (path / "segments.parquet").is_file():
        return path
    return path / "results"


def check_bundle(folder: Path) -> None:
    """ProjectError with what to do unless ``folder`` holds a results bundle."""
    if not folder.is_dir():
        raise ProjectError(f"{folder}: no results bundle here; run `evidence run` in the project first "
                           f"(or give --project DIR / set {PROJECT_ENV})")
    if not (folder / "segments.parquet").is_file():
        raise ProjectError(f"{folder}: this results bundle has no segments.parquet; run `evidence run` again "
                           "to publish a complete bundle")


def load_bundle(project: str | Path | None = None) -> Bundle:
    """Every table of the bundle, read with :func:`evidence.bundle.read_bundle` (all from one bundle even
    while a run publishes a new one); see :func:`results_folder` for where it is looked for."""
    from ..bundle import BUNDLE_TABLES, read_bundle

    folder = results_folder(project)
    check_bundle(folder)
    try:
        read = read_bundle(folder)
    except ProjectError:
        raise
    except Exception as exc:  # pyarrow raises several types for a damaged file
        raise ProjectError(f"{folder}: a table of this results bundle cannot be read ({exc}); "
                           "run `evidence run` again to rewrite the bundle") from None
    tables: dict[str, pd.DataFrame] = {}
    for name in TABLES:
        if name in read:
            tables[name] = read[name]
        else:
            columns = list(BUNDLE_TABLES[name].columns) if name in BUNDLE_TABLES else []
            tables[name] = pd.DataFrame(columns=columns)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    tables["segments"] = _segments(tables["segments"])
    tables["codes"] = _codes(tables["codes"])
    tables["codings"] = _codings(tables["codings"])
    tables["voice_pairs"] = _voice_pairs(tables["voice_pairs"])
    return Bundle(folder=folder, manifest=manifest, **tables)


def _text_columns(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    for column in columns:
        if column not in frame:
            frame[column] = ""
        frame[column] = frame[column].fillna("").astype(str)
    return frame


def _segments(frame: pd.DataFrame) -> pd.DataFrame:
    frame = _text_columns(frame.copy(), ("id", "source", "kind", "text", "speaker", "role", "case", "wave", "parent",
                                         "school", "partnership", "source_title"))
    for column in ("start", "end", "order"):
        frame[column] = pd.to_numeric(frame.get(column, 0), errors="coerce").fillna(0).astype("int64")
    return frame


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    frame = _text_columns(frame.copy(), ("id", "parent", "name", "colour", "definition", "dashboard"))
    frame["name"] = frame["name"].where(frame["name"].ne(""), frame["id"])
    if "level" not in frame or frame["level"].isna().all():
        frame["level"] = frame["id"].str.count(r"\.")
    frame["level"] = pd.to_numeric(frame["level"], errors="coerce").fillna(0).astype(int)
    return frame


def _codings(frame: pd.DataFrame) -> pd.DataFrame:
    frame = _text_columns(frame.copy(), ("segment", "code", "coder", "origin", "status", "explanation"))
    frame["status"] = frame["status"].where(frame["status"].ne(""), "accepted")
    for column in ("start", "end", "confidence"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce") if column in frame else float("nan")
    return frame


def _voice_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns; the shape of evidence.mixed.voice.before_after is accepted too."""
    frame = frame.rename(columns={"case": "pupil", "before_quotes": "before_text", "after_quotes": "after_text"})
    frame = _text_columns(frame.copy(), ("pupil", "code", "before_text", "after_text", "change"))
    frame["change"] = frame["change"].replace({"appears": "appeared", "vanishes": "vanished", "stays": "kept"})
    return frame
