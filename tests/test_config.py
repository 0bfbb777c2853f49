"""evidence.yaml is checked when a project opens: unknown keys and wrong types are errors naming the line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evidence.core import config as settings
from evidence.core.errors import ProjectError
from evidence.project import Project


def _evidence(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evidence", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def test_init_writes_every_default_and_open_reads_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Project.init("proj", name="Mentoring study") as project:
        assert project.config["name"] == "Mentoring study"
        assert project.config["seed"] == 42 and project.config["pseudonymise"] is True


def test_a_typo_names_the_line_and_the_closest_key(tmp_path):
    Project.init(tmp_path / "proj").close()
    path = tmp_path / "proj" / "evidence.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines, "embeder: tfidf"]) + "\n", encoding="utf-8")
    with pytest.raises(ProjectError) as caught:
        Project.open(tmp_path / "proj")
    assert f"line {len(lines) + 1}" in str(caught.value)
    assert "unknown setting `embeder`" in str(caught.value) and "did you mean `embedder`" in str(caught.value)


@pytest.mark.slow
def test_wrong_types_are_errors_not_tracebacks(tmp_path):
    (tmp_path / "evidence.yaml").write_text("name: x\nseed: abc\n", encoding="utf-8")
    result = _evidence("summary", cwd=tmp_path)  # the current folder is the project
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "line 2" in result.stderr and "`seed` expects a whole number" in result.stderr


@pytest.mark.parametrize("text, key, value", [
    ("seed: '7'\n", "seed", 7),
    ("pseudonymise: no\n", "pseudonymise", False),
    ("ner_pipeline: false\n", "ner_pipeline", False),
    ("speakers:\n", "speakers", {}),
])
def test_values_are_normalised(text, key, value):
    assert settings.validate(__import__("yaml").safe_load(text), "evidence.yaml", text)[key] == value


@pytest.mark.parametrize("text", ["- a\n- b\n", "seed: [1, 2]\n", "pseudonymise: maybe\n", "speakers: Ana\n"])
def test_invalid_settings_are_refused(text):
    with pytest.raises(ProjectError):
        settings.validate(__import__("yaml").safe_load(text), "evidence.yaml", text)
