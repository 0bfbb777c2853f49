"""`evidence lab`: JupyterLab on the analysis notebooks, with the project (and its corpus) already chosen.

The notebooks' ``project``, ``corpus`` and ``codebook`` parameters are empty by default; an empty one is
filled from ``$EVIDENCE_PROJECT``, ``$EVIDENCE_CORPUS`` and ``$EVIDENCE_CODEBOOK``
(:func:`evidence.pipeline.analysis.notebook_inputs`). This module sets them, absolute, on a kernel spec of its own
("Python (evidence workbench)", the notebooks' kernel) that runs this very interpreter, and on the server.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

from .analysis import CODEBOOK_ENV, CORPUS_ENV, PROJECT_ENV
from ..core.errors import EvidenceError
from .notebooks import KERNEL_NAME, default_notebooks_dir, write_kernel_spec


def last_run_corpus(project_dir: Path) -> Path | None:
    """The corpus folder of the project's published bundle (its last successful run), if it is still there."""
    try:
        manifest = json.loads((project_dir / "results" / "manifest.json").read_text(encoding="utf-8"))
        corpus = Path(manifest["inputs"]["corpus"]["path"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return corpus if corpus.is_dir() else None


def lab_environment(project_dir: Path, corpus: str | Path | None = None,
                    codebook: str | Path | None = None) -> dict[str, str]:
    """The variables that choose the project, corpus and codebook for the notebooks (absolute paths)."""
    from ..project import Project

    with Project.open(project_dir) as project:
        project_dir = project.path.resolve()
    env = {PROJECT_ENV: str(project_dir)}
    chosen = Path(corpus).resolve() if corpus else (last_run_corpus(project_dir) or project_dir / "corpus")
    if corpus and not chosen.is_dir():
        raise EvidenceError(f"{chosen}: no corpus folder here; pass --corpus DIR")
    env[CORPUS_ENV] = str(chosen)
    if codebook:
        path = Path(codebook).resolve()
        if not path.is_file():
            raise EvidenceError(f"{path}: no such codebook file")
        env[CODEBOOK_ENV] = str(path)
    return env


def lab_command(project: str | Path | None, *, corpus: str | Path | None = None,
                codebook: str | Path | None = None, notebooks: str | Path | None = None, port: int = 8888,
                browser: bool = True) -> tuple[list[str], dict[str, str]]:
    """The JupyterLab command line and environment for ``evidence lab`` (see the module docstring)."""
    from ..project import resolve_project_dir

    if importlib.util.find_spec("jupyterlab") is None:
        raise EvidenceError("JupyterLab is not installed in this environment; run scripts/setup.sh again "
                            "(or pip install jupyterlab)")
    chosen = lab_environment(resolve_project_dir(project), corpus, codebook)
    folder = Path(notebooks).resolve() if notebooks else default_notebooks_dir().resolve()
    if not folder.is_dir():
        raise EvidenceError(f"{folder}: no notebooks folder here; pass --notebooks DIR")
    jupyter_dir = Path(chosen[PROJECT_ENV]) / "cache" / "jupyter"
    spec_path = write_kernel_spec(jupyter_dir / "kernels") / KERNEL_NAME / "kernel.json"
    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    spec["env"].update(chosen)
    spec_path.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    env = {**os.environ, **chosen,
           "JUPYTER_PATH": os.pathsep.join(filter(None, [str(jupyter_dir), os.environ.get("JUPYTER_PATH")]))}
    argv = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", f"--MappingKernelManager.default_kernel_name={KERNEL_NAME}",
            # nothing leaves the machine: no news, update checks or PyPI extension listings
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly"]
    if not browser:
        argv.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # containers and CI run as root; JupyterLab refuses otherwise
        argv.append("--allow-root")
    return argv, env


__all__ = ["lab_command", "lab_environment", "last_run_corpus"]
