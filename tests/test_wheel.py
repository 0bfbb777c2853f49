"""The wheel works on its own: built from this checkout, installed into a fresh venv, it runs the sample
analysis from its packaged notebooks and corpus and serves the dashboards.

To stay fast the fresh venv borrows the test interpreter's third-party packages through a .pth file (and
their Jupyter data files through JUPYTER_PATH); the `evidence` package itself comes only from the wheel,
which the test checks. PYTHONPATH is cleared so the checkout's src/ cannot stand in for it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow

BUILD_INPUTS = ("src", "notebooks", "dashboards", "corpora", "pyproject.toml", "setup.py", "MANIFEST.in",
                "LICENSE", "README.md")


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout (so no build/ or egg-info lands in the repository)."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))
        else:
            shutil.copy2(path, source / name)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(source)])
    (built,) = out.glob("evidence_workbench-*.whl")
    return built


def test_wheel_carries_notebooks_dashboards_and_sample(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in (("notebooks", "*.ipynb"), ("dashboards", "*.ipynb")):
        for path in (REPO / folder).glob(pattern):
            assert f"evidence/_data/{folder}/{path.name}" in names
    assert "evidence/_data/corpora/codebook.yaml" in names
    assert "evidence/_data/corpora/sample/roster.csv" in names
    assert any(n.startswith("evidence/migrations/") and n.endswith(".sql") for n in names)
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its bin/ folder."""
    root = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=True).create(root)
    python = root / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
                        ).stdout.strip())
    (purelib / "_borrowed_packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)])
    return root / "bin"


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "EVIDENCE_PROJECT")}
    shared = Path(sys.prefix) / "share" / "jupyter"  # Voila's templates, widget extensions
    env["JUPYTER_PATH"] = str(shared)
    env["HOME"] = str(tmp)  # no user-level Jupyter settings or kernels
    return env


def test_installed_wheel_runs_the_sample_analysis_and_serves_dashboards(installed, tmp_path):
    env = _env(tmp_path)
    where = _run([str(installed / "python"), "-c",
                  "import evidence, evidence.core.resources as r; print(evidence.__file__); print(r.sample_corpus())"],
                 env=env, cwd=tmp_path).stdout.split()
    assert where[0].startswith(str(installed.parent)), f"evidence imported from {where[0]}, not the wheel"
    corpus = Path(where[1])
    assert corpus.is_dir() and str(corpus).startswith(str(installed.parent))

    evidence = str(installed / "evidence")
    version = _run([evidence, "--version"], env=env, cwd=tmp_path).stdout
    assert version.startswith("evidence ")
    run = json.loads(_run([evidence, "run", "--project", "proj", "--corpus", str(corpus), "--json", "--quiet"],
                          env=env, cwd=tmp_path, timeout=3600).stdout)
    assert len(run["executed"]) >= 5
    manifest = json.loads((tmp_path / "proj" / "results" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["notebooks_dir"].startswith(str(installed.parent))  # the wheel's own notebooks ran
    summary = json.loads(_run([evidence, "summary", "--project", "proj", "--json"], env=env, cwd=tmp_path).stdout)
    assert summary["sources"] >= 6 and summary["segments"] > 100

    # An absolute project path: relative ones are issue 13's to fix for the dashboards.
    server = subprocess.Popen([evidence, "dashboards", "--project", str(tmp_path / "proj"), "--json"], env=env,
                              cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        line = server.stdout.readline()
        assert line, server.stderr.read()
        pages = json.loads(line)["pages"]
        assert len(pages) == 4
        for name, url in pages.items():
            deadline = time.monotonic() + 300
            with urllib.request.urlopen(url, timeout=deadline - time.monotonic()) as response:
                body = response.read().decode("utf-8", "replace")
                assert response.status == 200, name
            assert "<html" in body.lower()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
