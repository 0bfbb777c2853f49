"""Building a bundle: tables staged by the analysis notebooks plus the tables that live in the store, published
into ``PROJECT/results`` with their manifest."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..core.errors import EvidenceError
from ..core.model import content_hash

if TYPE_CHECKING:
    from evidence.project import Project
from .canonical import _sort, bundle_manifest, canonical_table
from .io import _write_parquet_atomic, _write_text_atomic, write_bundle
from .schema import BUNDLE_TABLES, MANIFEST_NAME, STAGED_FOLDER


def staged_dir(project: Project) -> Path:
    folder = Path(project.path).joinpath(*STAGED_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage(project: Project, **tables: pd.DataFrame) -> list[Path]:
    """Keep tables an analysis notebook made for the next :func:`publish` (``stage(p, effects=frame)``)."""
    written = []
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            raise EvidenceError(f"bundle.stage: {name} must be a pandas DataFrame, not {type(frame).__name__}")
        if name in BUNDLE_TABLES and BUNDLE_TABLES[name].source == "store":
            raise EvidenceError(f"bundle.stage: {name} is read from the project store at publish time; "
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


def build_bundle(project: Project) -> dict[str, pd.DataFrame]:
    """All bundle tables, by name, in canonical form (store tables plus staged ones)."""
    tables = {**staged(project), **store_tables(project)}
    return {name: canonical_table(name, frame) for name, frame in sorted(tables.items())}


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
        from ..privacy.paths import scrub_manifest

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
    from ..privacy.publish import check_bundle

    check_bundle(project, tables)


def pseudonym_key_hash(project_dir: Path) -> str:
    """sha256 of the project's pseudonym secret ("" without a key): every pseudonym depends on it."""
    path = Path(project_dir) / "private" / "pseudonym-key.json"
    try:
        secret = json.loads(path.read_text(encoding="utf-8")).get("key", "")
    except (OSError, ValueError):
        return ""
    return content_hash(str(secret)) if secret else ""
