"""The published results bundle: the Parquet tables the dashboards read (see docs/CONTRACTS.md).

    from evidence import results
    results.stage(project, effects=effects, joint_display=joint)   # an analysis notebook hands on tables
    results.publish(project)                                        # store + staged tables -> PROJECT/results/
    results.read_bundle(project.results_dir)["codings"]

A bundle is written into a temporary folder beside ``PROJECT/results`` and renamed into place, so a
reader (a dashboard) sees the old bundle or the new one, never half of one. Bundle tables hold nothing
that changes from run to run on the same inputs (no timestamps, no run ids, no store row ids): rows are
sorted on each table's key, and :func:`table_hash` hashes a canonical CSV form, so two runs on the same
inputs give the same hashes (``manifest.json`` lists them; ``evidence reproduce`` compares them).

Tables made by the analysis notebooks (themes, outcomes, effects, ...) are *staged* in
``PROJECT/cache/staged/`` by :func:`stage`; the tables that live in the store (segments, codes,
codings, cases) are read from it at publish time.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import EvidenceError, ProjectError
from .files import atomic_path, atomic_write_text
from .model import content_hash

if TYPE_CHECKING:
    from evidence.project import Project

MANIFEST_NAME = "manifest.json"
STAGED_FOLDER = ("cache", "staged")


@dataclass(frozen=True)
class TableSpec:
    """A bundle table: its documented columns (in order) and the key its rows are sorted and diffed on.

    ``required`` columns must be present; any further columns a producer adds are kept after them.
    """

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    required: tuple[str, ...] = ()
    source: str = "staged"  # "store" (read at publish time), "staged" (made by an analysis notebook) or
    # "run" (what the run itself notes: steps skipped for want of inputs, evidence.analysis.note)


BUNDLE_TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("segments", ("id", "source", "kind", "start", "end", "text", "order", "speaker", "role", "case",
                           "wave", "parent", "timestamp", "school", "partnership", "source_title", "question"),
              key=("id",), required=("id", "source", "kind", "text"), source="store"),
    TableSpec("codes", ("id", "parent", "name", "colour", "definition", "level", "dashboard"),
              key=("id",), required=("id", "name"), source="store"),
    TableSpec("codings", ("id", "segment", "code", "coder", "origin", "status", "start", "end", "confidence",
                          "explanation"),
              key=("segment", "code", "coder", "origin", "start", "end"), required=("segment", "code"),
              source="store"),
    TableSpec("cases", ("id", "kind", "name"), key=("id",), required=("id", "kind"), source="store"),
    TableSpec("themes", ("id", "label", "size", "words"), key=("id",), required=("id", "label")),
    TableSpec("theme_assignments", ("segment", "theme"), key=("segment",), required=("segment", "theme")),
    TableSpec("outcomes", ("pupil", "school", "urn", "group", "pre", "post", "gain"), key=("pupil",),
              required=("pupil",)),
    TableSpec("schools", ("urn", "school"), key=("urn",), required=("urn",)),
    TableSpec("effects", ("comparison", "outcome", "g", "ci_low", "ci_high", "n_treatment", "n_comparison",
                          "months", "label", "note"),
              key=("comparison", "outcome"), required=("comparison", "g")),
    TableSpec("joint_display", ("code", "name", "n_segments"), key=("code",), required=("code",)),
    TableSpec("voice_pairs", ("pupil", "code", "before_text", "after_text", "change", "stance_before",
                              "stance_after"),
              key=("pupil", "code"), required=("pupil", "code")),
    TableSpec("agreement", ("code", "n", "kappa", "alpha", "agreement"), key=("code",), required=("code",)),
    TableSpec("machine_agreement", ("coder", "against", "code", "n", "kappa", "alpha", "agreement", "note"),
              key=("coder", "against", "code"), required=("coder", "against", "code")),
    TableSpec("notes", ("step", "note", "tables"), key=("step", "note"), required=("step", "note"), source="run"),
)}
"""Every table a bundle may hold. Staged tables not named here are published as they are (key: all columns)."""


# -- staging ------------------------------------------------------------------------------------------
def staged_dir(project: Project) -> Path:
    folder = Path(project.path).joinpath(*STAGED_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(project: Project, **tables: pd.DataFrame) -> list[Path]:
    """Keep tables an analysis notebook made for the next :func:`publish` (``stage(p, effects=frame)``)."""
    written = []
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise EvidenceError(f"results.stage: {name} must be a pandas DataFrame, not {type(frame).__name__}")
        if name in BUNDLE_TABLES and BUNDLE_TABLES[name].source == "store":
            raise EvidenceError(f"results.stage: {name} is read from the project store at publish time; "
                                "change the store instead of staging it")
        table = canonical_table(name, frame)
        path = staged_dir(project) / f"{name}.parquet"
        _write_parquet_atomic(table, path)
        written.append(path)
    return written


def staged(project: Project) -> dict[str, pd.DataFrame]:
    """The staged tables by name."""
    return {path.stem: pd.read_parquet(path) for path in sorted(staged_dir(project).glob("*.parquet"))}


def clear_staged(project: Project) -> None:
    """Forget staged tables (a run starts from none, so a table of an earlier run never leaks in)."""
    for path in staged_dir(project).glob("*.parquet"):
        path.unlink()


# -- tables from the store ----------------------------------------------------------------------------
def store_tables(project: Project) -> dict[str, pd.DataFrame]:
    """segments, codes, codings and cases as the bundle publishes them (see BUNDLE_TABLES)."""
    return {
        "segments": segments_table(project),
        "codes": codes_table(project),
        "codings": codings_table(project),
        "cases": project.cases(),
    }


def segments_table(project: Project) -> pd.DataFrame:
    """Every segment with its source's title, school and partnership (a quote's own school wins)."""
    segments = project.segments()
    sources = project.sources().set_index("id")
    attributes = segments["attributes"].map(lambda a: a if isinstance(a, dict) else {})
    source_school = segments["source"].map(sources["school"]).fillna("")
    source_partnership = segments["source"].map(sources["partnership"]).fillna("")
    segments["school"] = [str(a.get("school") or s) for a, s in zip(attributes, source_school)]
    segments["partnership"] = [str(a.get("partnership") or s) for a, s in zip(attributes, source_partnership)]
    segments["source_title"] = segments["source"].map(sources["title"]).fillna("")
    segments["question"] = [str(a.get("question") or "") for a in attributes]
    return segments.drop(columns=["attributes"])


def codes_table(project: Project) -> pd.DataFrame:
    """The codebook with each code's depth (``level`` 0 = theme, 1 = sub-theme, ...)."""
    codes = project.codes()
    parents = dict(zip(codes["id"], codes["parent"].fillna("")))

    def level(code: str) -> int:
        depth, seen = 0, {code}
        while parents.get(code):
            code = parents[code]
            if code in seen:  # a cycle is the codebook's to report; do not loop here
                break
            seen.add(code)
            depth += 1
        return depth

    codes["level"] = codes["id"].map(level)
    # where the dashboards show the code ("feature", "warning" or ""): the codebook's optional dashboard field
    codes["dashboard"] = codes["spec"].map(lambda spec: str(spec.get("dashboard") or "") if isinstance(spec, dict) else "")
    return codes.drop(columns=["spec", "order"], errors="ignore")


def codings_table(project: Project) -> pd.DataFrame:
    """Codings without their timestamps; ``id`` is the position in the sorted table (store ids vary by run)."""
    codings = project.codings()
    codings = codings.drop(columns=["created_at", "updated_at", "id"], errors="ignore")
    spec = BUNDLE_TABLES["codings"]
    codings = _sort(codings, spec.key)
    codings.insert(0, "id", range(1, len(codings) + 1))
    return codings


# -- canonical form and hashes ------------------------------------------------------------------------
def canonical_table(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Documented columns first, then any extra; rows sorted on the key; nested values as JSON text."""
    spec = BUNDLE_TABLES.get(name)
    frame = frame.reset_index(drop=True).copy()
    frame.columns = [str(c) for c in frame.columns]
    if spec is not None:
        missing = [c for c in spec.required if c not in frame.columns]
        if missing:
            raise EvidenceError(f"results table {name!r} lacks the column(s) {missing}; "
                                f"its documented columns are {list(spec.columns)} (docs/CONTRACTS.md)")
        documented = [c for c in spec.columns if c in frame.columns]
        frame = frame[documented + [c for c in frame.columns if c not in documented]]
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = _uniform(frame[column])
    key = spec.key if spec is not None else tuple(frame.columns)
    return _sort(frame, key)


def _uniform(values: pd.Series) -> pd.Series:
    """An object column Parquet can hold: nested values become JSON text, mixed scalars become text."""
    present = [v for v in values if not _missing(v)]
    if any(isinstance(v, (dict, list, tuple, set, np.ndarray)) for v in present):
        return values.map(lambda v: None if _missing(v) else _json(v))
    if len({type(v) for v in present}) > 1:
        return values.map(lambda v: None if _missing(v) else str(v))
    return values


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _json(value: Any) -> str:
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (set, tuple)):
        value = sorted(value, key=str) if isinstance(value, set) else list(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _sort(frame: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    columns = [c for c in key if c in frame.columns] or list(frame.columns)
    if frame.empty or not columns:
        return frame.reset_index(drop=True)
    text_keys = {c: frame[c].map(_cell_text) for c in frame.columns}
    order = pd.DataFrame(text_keys)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    for c in numeric:
        order[c] = frame[c]
    rest = [c for c in frame.columns if c not in columns]
    ordered = order.sort_values(columns + rest, kind="mergesort", na_position="first").index
    return frame.loc[ordered].reset_index(drop=True)


def _cell_text(value: Any) -> str:
    """A cell as canonical text: floats with 12 significant digits, nested values as sorted JSON."""
    if isinstance(value, (list, tuple, dict, set, np.ndarray)):
        return _json(value)
    if _missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer():
            return str(int(value))
        return format(float(value), ".12g")
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def canonical_csv(frame: pd.DataFrame) -> bytes:
    """The table as CSV bytes that do not depend on row order, dtypes or float noise past 12 digits."""
    text = pd.DataFrame({c: frame[c].map(_cell_text) for c in frame.columns}, columns=list(frame.columns))
    if not text.empty:
        text = text.sort_values(list(text.columns), kind="mergesort").reset_index(drop=True)
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")


def table_hash(frame: pd.DataFrame) -> str:
    """sha256 of :func:`canonical_csv`: equal for equal tables, whatever their row order."""
    return content_hash(canonical_csv(frame))


# -- building and writing -----------------------------------------------------------------------------
def build_bundle(project: Project) -> dict[str, pd.DataFrame]:
    """All bundle tables, by name, in canonical form (store tables plus staged ones)."""
    tables = {**staged(project), **store_tables(project)}
    return {name: canonical_table(name, frame) for name, frame in sorted(tables.items())}


def bundle_manifest(tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The ``tables`` part of a manifest: rows, columns and hash of each table."""
    return {name: {"rows": int(len(frame)), "columns": list(frame.columns), "sha256": table_hash(frame)}
            for name, frame in sorted(tables.items())}


def write_bundle(tables: dict[str, pd.DataFrame], folder: str | Path,
                 manifest: dict[str, Any] | None = None) -> Path:
    """Write tables and ``manifest.json`` (which lists them) into ``folder`` atomically: temp folder, rename.

    The temporary folder sits in the same parent, so the final rename never crosses a file system.
    An existing bundle is swapped out and removed only after the new one is in place.
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=folder.parent))
    try:
        for name, frame in tables.items():
            _write_parquet(frame, temp / f"{name}.parquet")
        manifest = dict(manifest or {})
        manifest.setdefault("tables", bundle_manifest(tables))  # readers read exactly the tables listed here
        (temp / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
        os.chmod(temp, 0o755)
        _swap_into_place(temp, folder)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return folder


def _swap_into_place(new: Path, folder: Path) -> None:
    """Replace ``folder`` by ``new``: at every moment ``folder`` is one whole bundle (or, at first, absent).

    On Linux the two folders are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)`` call; elsewhere the
    old bundle moves aside and the new one moves in, so a reader in between finds no folder (and retries),
    never a mixture of two bundles.
    """
    if not folder.exists():
        os.replace(new, folder)
        return
    if _exchange(new, folder):
        shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the old bundle
        return
    old = new.with_name(new.name.replace(".new-", ".old-"))
    os.replace(folder, old)
    os.replace(new, folder)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux's renameat2(RENAME_EXCHANGE); False where unavailable."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def publish(project: Project, *, run_dir: str | Path | None = None) -> Path:
    """Build the bundle from the project and write it to ``PROJECT/results`` with its manifest.

    With ``run_dir`` (set by ``evidence run``), the run's manifest there (inputs, parameters, versions)
    is completed with the table hashes, written into the bundle, and saved back into the run folder
    together with a copy of the tables (so ``evidence reproduce`` can show which rows drifted).
    """
    tables = build_bundle(project)
    check_no_real_names(project, tables)
    manifest: dict[str, Any] = {}
    run_manifest_path = Path(run_dir) / MANIFEST_NAME if run_dir else None
    if run_manifest_path is not None and run_manifest_path.exists():
        manifest = json.loads(run_manifest_path.read_text(encoding="utf-8"))
    manifest["tables"] = bundle_manifest(tables)
    notes = tables.get("notes")
    manifest["notes"] = [] if notes is None else [
        {"step": r["step"], "note": r["note"]} for r in notes[["step", "note"]].to_dict("records")]
    if "inputs" in manifest:
        manifest["inputs"]["pseudonym_key"] = pseudonym_key_hash(Path(project.path))
        from .privacy.paths import scrub_manifest

        manifest = scrub_manifest(manifest, project.path)  # no path or parameter naming a person
    folder = write_bundle(tables, project.results_dir, manifest)
    if run_manifest_path is not None:
        write_bundle(tables, run_manifest_path.parent / "tables")
        _write_text_atomic(run_manifest_path, json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                           + "\n")
    return folder


def check_no_real_names(project: Project, tables: dict[str, pd.DataFrame]) -> None:
    """Refuse to publish a table holding a direct identifier (a real name, whole or in part, a URN, address,
    postcode, phone, ...): the rule is :func:`evidence.privacy.publish.check_bundle`'s."""
    from .privacy.publish import check_bundle

    check_bundle(project, tables)


def pseudonym_key_hash(project_dir: Path) -> str:
    """sha256 of the project's pseudonym secret ("" without a key): every pseudonym depends on it."""
    path = Path(project_dir) / "private" / "pseudonym-key.json"
    try:
        secret = json.loads(path.read_text(encoding="utf-8")).get("key", "")
    except (OSError, ValueError):
        return ""
    return content_hash(str(secret)) if secret else ""


def read_bundle(folder: str | Path, *, attempts: int = 20) -> dict[str, pd.DataFrame]:
    """Every table of a bundle (or of a run's ``tables`` copy), by name, all from the same bundle.

    The folder is opened once and every table read through that handle, so a publish that swaps a new
    bundle in half-way through cannot mix tables of two bundles; if the old one is removed under the
    reader, it starts again on the new one.
    """
    folder = Path(folder)
    for attempt in range(attempts):
        try:
            # a folder without its manifest is being removed, or was written by hand: trust it only at the end
            return _read_tables_once(folder, require_manifest=attempt < attempts - 1)
        except FileNotFoundError:
            if not folder.is_dir() or attempt == attempts - 1:
                raise ProjectError(f"{folder}: no results bundle here; run `evidence run` first") from None
            time.sleep(0.01 * (attempt + 1))
    return {}


def _read_tables_once(folder: Path, require_manifest: bool) -> dict[str, pd.DataFrame]:
    if not hasattr(os, "O_DIRECTORY") or os.open not in os.supports_dir_fd:
        return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fd = os.open(MANIFEST_NAME, os.O_RDONLY, dir_fd=handle)
        except FileNotFoundError:
            if require_manifest:
                raise
            names = sorted(n for n in os.listdir(handle) if n.endswith(".parquet") and not n.startswith("."))
            if not names:
                raise
        else:
            with open(fd, encoding="utf-8") as stream:
                names = [f"{name}.parquet" for name in json.load(stream).get("tables", {})]
        tables = {}
        for name in names:
            fd = os.open(name, os.O_RDONLY, dir_fd=handle)
            with open(fd, "rb") as stream:
                tables[name[: -len(".parquet")]] = pd.read_parquet(stream)
        return tables
    finally:
        os.close(handle)


def read_manifest(path: str | Path) -> dict[str, Any]:
    path = Path(path)
    if path.is_dir():
        path = path / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProjectError(f"{path}: no such manifest; give the manifest.json of a run "
                           "(PROJECT/results/manifest.json or PROJECT/runs/RUN/manifest.json)") from None
    except json.JSONDecodeError as exc:
        raise ProjectError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
    if not isinstance(manifest, dict):
        raise ProjectError(f"{path}: a manifest must be a JSON object")
    return manifest


# -- file writing -------------------------------------------------------------------------------------
def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def _write_parquet_atomic(frame: pd.DataFrame, path: Path) -> None:
    with atomic_path(path) as temp:
        _write_parquet(frame, temp)


def _write_text_atomic(path: Path, text: str) -> None:
    atomic_write_text(path, text)


__all__ = [
    "BUNDLE_TABLES", "MANIFEST_NAME", "TableSpec", "build_bundle", "bundle_manifest", "canonical_csv",
    "canonical_table", "clear_staged", "codes_table", "codings_table", "publish", "read_bundle",
    "read_manifest", "segments_table", "stage", "staged", "store_tables", "table_hash", "write_bundle",
]
