"""Run manifests and exact reproduction: what went into a run, and whether a re-run gives the same tables.

A manifest (``PROJECT/runs/RUN/manifest.json``, copied into ``PROJECT/results/manifest.json``) records the
hash of every input file, the codebook, the parameters and seed, the notebooks run (and a hash of their
code), package versions, the git commit and tag, and the hash, row count and columns of every output
table. :func:`reproduce` re-executes the same notebooks on the same inputs into a fresh project and
compares every table; :func:`compare_tables` says which table, which rows and which values drifted.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.errors import ProjectError
from ..core.model import content_hash
from .manifest import (  # noqa: F401 - re-exported: a manifest is described in evidence.pipeline.manifest
    MANIFEST_VERSION, PACKAGES, corpus_files, git_info, hand_work, new_manifest, notebook_code_hash,
    package_versions, workbench_code_hash,
)
from ..bundle import pseudonym_key_hash

MAX_ROWS_SHOWN = 10



@dataclass
class TableDrift:
    """One table that differs from the manifest, with a readable account of how."""

    table: str
    expected_rows: int | None
    actual_rows: int | None
    details: list[str] = field(default_factory=list)

    def describe(self) -> str:
        head = f"table {self.table}: "
        if self.actual_rows is None:
            head += f"missing from the re-run (expected {self.expected_rows} rows)"
        elif self.expected_rows is None:
            head += f"new in the re-run ({self.actual_rows} rows), not in the manifest"
        else:
            head += f"differs ({self.expected_rows} rows expected, {self.actual_rows} now)"
        return "\n".join([head, *("    " + line for line in self.details)])


def compare_tables(expected: dict[str, Any], actual: dict[str, pd.DataFrame],
                   expected_tables: dict[str, pd.DataFrame] | None = None) -> list[TableDrift]:
    """Tables whose hash differs from the manifest's ``tables`` (with row/value diffs when the old tables are kept)."""
    from ..bundle import bundle_manifest

    now = bundle_manifest(actual)
    drifts = []
    for name in sorted(set(expected) | set(now)):
        want, got = expected.get(name), now.get(name)
        if want is not None and got is not None and want["sha256"] == got["sha256"]:
            continue
        drift = TableDrift(name, want["rows"] if want else None, got["rows"] if got else None)
        if want and got:
            if want["columns"] != got["columns"]:
                drift.details.append(f"columns were {want['columns']}, now {got['columns']}")
            if expected_tables is not None and name in expected_tables:
                drift.details.extend(row_diff(name, expected_tables[name], actual[name]))
            else:
                drift.details.append("(the run's tables were not kept, so rows cannot be shown)")
        drifts.append(drift)
    return drifts


def row_diff(name: str, before: pd.DataFrame, after: pd.DataFrame) -> list[str]:
    """Rows only before, rows only after, and changed values of rows with the same key."""
    from ..bundle import BUNDLE_TABLES
    from ..bundle.canonical import _cell_text

    spec = BUNDLE_TABLES.get(name)
    ignore = {"id"} if name == "codings" else set()  # positional ids shift when any row comes or goes
    before = _as_text(before.drop(columns=[c for c in ignore if c in before.columns]), _cell_text)
    after = _as_text(after.drop(columns=[c for c in ignore if c in after.columns]), _cell_text)
    key = [c for c in (spec.key if spec else ()) if c in before.columns and c in after.columns]
    if not key or before.duplicated(key).any() or after.duplicated(key).any():
        key = [c for c in before.columns if c in after.columns]
    merged = before.merge(after, on=key, how="outer", suffixes=("", " (now)"), indicator=True)
    lines: list[str] = []
    gone = merged[merged["_merge"] == "left_only"]
    new = merged[merged["_merge"] == "right_only"]
    both = merged[merged["_merge"] == "both"]
    for label, rows in (("only in the manifest's run", gone), ("only in the re-run", new)):
        if len(rows):
            lines.append(f"{len(rows)} row(s) {label}:")
            lines.extend(f"  {_key_text(row, key)}" for _, row in rows.head(MAX_ROWS_SHOWN).iterrows())
            if len(rows) > MAX_ROWS_SHOWN:
                lines.append(f"  ... and {len(rows) - MAX_ROWS_SHOWN} more")
    value_columns = [c for c in before.columns if c not in key and c in after.columns]
    changed = []
    for _, row in both.iterrows():
        for column in value_columns:
            if row[column] != row[f"{column} (now)"]:
                changed.append(f"  {_key_text(row, key)}: {column}: {_short(row[column])} -> "
                               f"{_short(row[f'{column} (now)'])}")
    if changed:
        lines.append(f"{len(changed)} changed value(s):")
        lines.extend(changed[:MAX_ROWS_SHOWN])
        if len(changed) > MAX_ROWS_SHOWN:
            lines.append(f"  ... and {len(changed) - MAX_ROWS_SHOWN} more")
    if not lines:
        lines.append("same rows and values after canonical ordering; row numbering differs")
    return lines


def _as_text(frame: pd.DataFrame, cell_text: Any) -> pd.DataFrame:
    return pd.DataFrame({c: frame[c].map(cell_text) for c in frame.columns}, columns=list(frame.columns))


def _key_text(row: pd.Series, key: list[str]) -> str:
    return ", ".join(f"{c}={_short(row[c])}" for c in key)


def _short(value: Any, width: int = 70) -> str:
    text = str(value)
    return repr(text if len(text) <= width else text[: width - 3] + "...")


def input_differences(manifest: dict[str, Any], corpus: Path, codebook: Path | None) -> list[str]:
    """Readable lines for every input file added, removed or changed since the manifest's run."""
    from ..privacy.paths import input_key, recorded_path

    lines = []
    before = manifest.get("inputs", {}).get("corpus", {}).get("files", {})
    now = corpus_files(corpus)
    # the manifest keys files by a hash of their path; name a file only when its name names nobody
    names = {input_key(p.relative_to(corpus).as_posix()): p.relative_to(corpus).as_posix()
             for p in corpus.rglob("*") if p.is_file()}
    original = manifest.get("parameters", {}).get("project") or ""
    for key in sorted(set(before) | set(now)):
        path = (recorded_path(names[key], original) if original and key in names else "") or key
        if key not in now:
            lines.append(f"input {path}: missing now")
        elif key not in before:
            lines.append(f"input {path}: new, not in the manifest")
        elif before[key] != now[key]:
            lines.append(f"input {path}: changed (sha256 {before[key][:12]}... -> {now[key][:12]}...)")
    want = manifest.get("inputs", {}).get("codebook", {}).get("sha256", "")
    have = content_hash(codebook.read_bytes()) if codebook else ""
    if want != have:
        lines.append(f"codebook {codebook or '(none)'}: changed since the manifest's run")
    return lines


def version_differences(manifest: dict[str, Any]) -> list[str]:
    before = manifest.get("packages", {})
    now = package_versions()
    return [f"package {name}: {before.get(name) or '(absent)'} in the manifest, {now.get(name) or '(absent)'} now"
            for name in sorted(set(before) | set(now)) if before.get(name, "") != now.get(name, "")]


def notebook_differences(manifest: dict[str, Any], specs: list[Any]) -> list[str]:
    before = {n["name"]: n["sha256"] for n in manifest.get("notebooks", [])}
    now = {s.path.name: notebook_code_hash(s.path) for s in specs}
    lines = []
    for name in sorted(set(before) | set(now)):
        if name not in now:
            lines.append(f"notebook {name}: not run now")
        elif name not in before:
            lines.append(f"notebook {name}: run now, not in the manifest")
        elif before[name] != now[name]:
            lines.append(f"notebook {name}: its code changed since the manifest's run")
    return lines


def key_differences(manifest: dict[str, Any], project_dir: Path) -> list[str]:
    want = manifest.get("inputs", {}).get("pseudonym_key", "")
    have = pseudonym_key_hash(project_dir)
    if want and want != have:
        return ["pseudonym key: not the key of the manifest's run, so pseudonyms (and every table holding them) "
                "differ; reproduce from the original project folder, whose private/ key is copied in"]
    return []


def copy_private(original: Path, project: Path) -> None:
    """Give a fresh re-run project the original's pseudonym key (owner-only), so pseudonyms come out the same."""
    source = original / "private"
    target = project / "private"
    if not source.is_dir() or target.exists() or original.resolve() == project.resolve():
        return
    shutil.copytree(source, target)
    target.chmod(0o700)
    for path in target.rglob("*"):
        path.chmod(0o600 if path.is_file() else 0o700)


# -- reproducing --------------------------------------------------------------------------------------
@dataclass
class ReproduceReport:
    manifest_path: Path
    project: Path
    inputs: list[str]
    versions: list[str]
    notebooks: list[str]
    drifts: list[TableDrift]
    tables: int

    @property
    def ok(self) -> bool:
        return not self.drifts

    def describe(self) -> str:
        lines = []
        if self.inputs:
            lines.append("The inputs differ from the manifest:")
            lines.extend("  " + line for line in self.inputs)
        if self.notebooks:
            lines.append("The notebooks differ from the manifest:")
            lines.extend("  " + line for line in self.notebooks)
        if self.versions:
            lines.append("Package versions differ from the manifest:")
            lines.extend("  " + line for line in self.versions)
        if self.ok:
            lines.append(f"Reproduced exactly: all {self.tables} tables match {self.manifest_path}")
        else:
            lines.append(f"DRIFT: {len(self.drifts)} of {self.tables} tables differ from {self.manifest_path}:")
            lines.extend(d.describe() for d in self.drifts)
        return "\n".join(lines)


def kept_tables(manifest_path: Path) -> dict[str, pd.DataFrame] | None:
    """The tables of the manifest's run: ``tables/`` beside a run manifest, or the bundle beside a bundle's."""
    from ..bundle import read_bundle

    for folder in (manifest_path.parent / "tables", manifest_path.parent):
        if any(folder.glob("*.parquet")):
            return read_bundle(folder)
    return None


def reproduce(manifest_path: str | Path, *, project: str | Path | None = None, corpus: str | Path | None = None,
              codebook: str | Path | None = None, notebooks: str | Path | None = None,
              report: Any = None, keep: bool = False) -> ReproduceReport:
    """Re-run the manifest's notebooks on its inputs (into a fresh temporary project unless ``project``)."""
    from .notebooks import discover, run_analysis
    from ..bundle import read_bundle, read_manifest

    manifest_path = Path(manifest_path).resolve()
    manifest = read_manifest(manifest_path)
    if "tables" not in manifest:
        raise ProjectError(f"{manifest_path}: this run never published its tables (did it fail?); nothing to compare")
    expected_tables = kept_tables(manifest_path)
    if not (corpus or manifest["inputs"]["corpus"]["path"]):
        raise ProjectError(f"{manifest_path}: the manifest does not record the corpus folder (its path named a "
                           "person or school, so it was left out); pass --corpus DIR")
    corpus = Path(corpus or manifest["inputs"]["corpus"]["path"])
    if not corpus.is_dir():
        raise ProjectError(f"{corpus}: the manifest's corpus folder is not here; pass --corpus DIR")
    recorded_codebook = manifest["inputs"].get("codebook", {}).get("path", "")
    codebook_path = Path(codebook or recorded_codebook) if (codebook or recorded_codebook) else None
    if codebook_path is not None and not codebook_path.is_file():
        raise ProjectError(f"{codebook_path}: the manifest's codebook is not here; pass --codebook FILE")
    from .analysis import corpus_codebook

    given_codebook = codebook_path
    if codebook is None and codebook_path is not None and codebook_path.resolve() == corpus_codebook(corpus)[0]:
        given_codebook = None  # found as the run found it (the corpus's own, or the starter with its note)
    notebooks_dir = Path(notebooks or manifest.get("notebooks_dir") or "notebooks")
    names = [n["name"] for n in manifest.get("notebooks", [])]
    specs = [s for s in discover(notebooks_dir) if s.path.name in names]
    parameters = dict(manifest.get("parameters", {}))
    for standard in ("project", "corpus", "codebook", "run_dir", "seed", "embedder"):
        parameters.pop(standard, None)
    temp = None
    if project is None:
        temp = Path(tempfile.mkdtemp(prefix="evidence-reproduce-"))
        project = temp / "project"
    original = Path(manifest["parameters"].get("project") or "")
    try:
        copy_private(original, Path(project))
        run = run_analysis(project, corpus, codebook=given_codebook, tag=manifest["run"].get("tag") or None,
                           seed=manifest.get("seed"), embedder=manifest["parameters"].get("embedder") or None,
                           notebooks=notebooks_dir, parameters=parameters, report=report)
        actual = read_bundle(run.results_dir)
        drifts = compare_tables(manifest["tables"], actual, expected_tables)
        inputs = input_differences(manifest, corpus, codebook_path) + key_differences(manifest, Path(project))
        work = manifest.get("store", {})
        if temp is not None and (work.get("human_codings") or work.get("reviewed_suggestions")):
            inputs.append(f"the original project held {work.get('human_codings', 0)} codings made by hand and "
                          f"{work.get('reviewed_suggestions', 0)} reviewed suggestions that a fresh project lacks; "
                          "reproduce into a copy of that project with --project to include them")
        return ReproduceReport(manifest_path, Path(project), inputs,
                               version_differences(manifest), notebook_differences(manifest, specs), drifts,
                               len(set(manifest["tables"]) | set(actual)))
    finally:
        if temp is not None and not keep:
            shutil.rmtree(temp, ignore_errors=True)


__all__ = ["ReproduceReport", "TableDrift", "compare_tables", "corpus_files", "git_info", "input_differences",
           "new_manifest", "package_versions", "reproduce", "row_diff", "version_differences"]
