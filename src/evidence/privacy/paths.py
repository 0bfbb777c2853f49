"""Names in paths and in run records: a manifest and an executed notebook must not carry a pupil's name
from a file or folder name ("transcripts/oakwood_aisha_khan_roundtable.txt") out of the project.

    input_key("quotes/aisha_khan_quotes.csv")      # the path as the manifest keys it: a hash, like the store
    recorded_path("/data/aisha_khan", project)      # "" when the path names a known person or school
    scrub_notebook(executed, project)               # every string of an executed notebook pseudonymised
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_text
from ..core.model import content_hash


def input_key(relative: str) -> str:
    """A corpus file's path (relative to the corpus) as a manifest records it: hashed as the store hashes
    the paths it ingested, so a file name that names a pupil is not written out."""
    return "sha256:" + content_hash(str(relative).replace(os.sep, "/"))[:16]


def _worker(project_dir: str | Path) -> Any | None:
    from .pseudonyms import key_path, load_key
    from .replace import Pseudonymiser

    path = key_path(Path(project_dir) / "private")
    if not path.exists():
        return None
    key = load_key(path)
    return Pseudonymiser(key.known_names(), key)


def names_in(value: str, project_dir: str | Path) -> bool:
    """True when ``value`` (a path, a parameter) holds a name the project's pseudonym key knows."""
    worker = _worker(project_dir)
    if worker is None or not value:
        return False
    from .detect import find_names

    return bool(find_names(value.replace("_", " ").replace("/", " / "), worker.index))


def recorded_path(path: str | Path, project_dir: str | Path) -> str:
    """``path`` as a manifest may record it: as it is, or "" when it holds a known name (then
    ``evidence reproduce`` needs ``--corpus``)."""
    return "" if names_in(str(path), project_dir) else str(path)


def scrub_manifest(manifest: dict[str, Any], project_dir: str | Path) -> dict[str, Any]:
    """A run manifest with every recorded path or parameter that holds a known name blanked ("")."""
    worker = _worker(project_dir)
    if worker is None:
        return manifest
    from .detect import find_names

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            return "" if value and find_names(value.replace("_", " ").replace("/", " / "), worker.index) else value
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    out = dict(manifest)
    for part in ("inputs", "parameters"):
        if part in out:
            out[part] = clean(out[part])
    if "notebooks_dir" in out:
        out["notebooks_dir"] = clean(out["notebooks_dir"])
    return out


def scrub_notebook(path: str | Path, project_dir: str | Path) -> int:
    """Pseudonymise every string of an executed notebook (sources, parameters, outputs) in place, with
    the project's key; returns how many strings changed. The notebook still runs: only names change."""
    worker = _worker(project_dir)
    if worker is None:
        return 0
    path = Path(path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    changed = 0

    def scrub(value: Any) -> Any:
        nonlocal changed
        if isinstance(value, str):
            new = worker.text(value)[0] if value else value
            changed += new != value
            return new
        if isinstance(value, list):
            return [scrub(v) for v in value]
        if isinstance(value, dict):
            return {k: (v if k in ("image/png", "image/jpeg", "application/pdf") else scrub(v))
                    for k, v in value.items()}
        return value

    for cell in notebook.get("cells", []):
        cell["source"] = scrub(cell.get("source", ""))
        if "outputs" in cell:
            cell["outputs"] = scrub(cell["outputs"])
    if "metadata" in notebook:  # papermill keeps the parameters (paths) there too
        notebook["metadata"] = scrub(notebook["metadata"])
    if changed:
        atomic_write_text(path, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")
    return changed
