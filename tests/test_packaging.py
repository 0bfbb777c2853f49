"""Packaging promises: environment.yml lists what pyproject.toml does; the README opens with the commands."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time

import pytest
import yaml

from conftest import REPO


def test_environment_yml_matches_pyproject():
    spec = importlib.util.spec_from_file_location("sync_environment", REPO / "scripts" / "sync_environment.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    requirements = [line for line in pip_section if not line.startswith("-")]  # pip options (the torch index)
    assert sorted(requirements) == sorted(module.requirements())


def test_readme_opens_with_main_and_test_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "scripts/main.sh" in head and "scripts/test.sh" in head
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in ci


@pytest.mark.slow
def test_import_evidence_does_not_import_heavy_libraries():
    code = ("import sys, evidence, evidence.project, evidence.core.model; "
            "print(','.join(m for m in ('torch','bertopic','umap','spacy','sklearn','plotly','voila') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
