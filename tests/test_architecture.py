"""The house's spine: imports point one way (no import circles, counting imports inside functions too), the
bundle's tables are listed once, and the counting rule has one owner."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import REPO

SRC = REPO / "src"


def _modules() -> dict[str, tuple[Path, bool]]:
    found = {}
    for path in (SRC / "evidence").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if package else parts)] = (path, package)
    return found


def _imported(module: str, package: bool, node: ast.AST, known: dict) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            base = module.split(".") if package else module.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            prefix = ".".join(base + ([node.module] if node.module else []))
        else:
            prefix = node.module or ""
        names = [f"{prefix}.{alias.name}" if f"{prefix}.{alias.name}" in known else prefix for alias in node.names]
    resolved = []
    for name in names:
        while name not in known and "." in name:
            name = name.rsplit(".", 1)[0]
        if name in known:
            resolved.append(name)
    return resolved


def _is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_graph() -> dict[str, set[str]]:
    """Module -> the workbench modules it imports anywhere (top level or inside a function). A module's own
    parent packages are left out: importing the package you live in is how Python packages work. Imports
    under ``if TYPE_CHECKING:`` are left out too: they name types for annotations and never run."""
    known = _modules()
    graph = {}
    for module, (path, package) in known.items():
        targets = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(inner) for node in ast.walk(tree) if _is_type_checking_block(node)
                       for body in node.body for inner in ast.walk(body)}
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in typing_only:
                targets.update(t for t in _imported(module, package, node, known)
                               if t != module and not module.startswith(t + "."))
        graph[module] = targets
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def test_the_circle_finder_finds_a_circle():
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circles_even_inside_functions():
    found = circles(import_graph())
    assert not found, f"modules that import each other: {found}"


def test_dashboards_never_import_the_models_or_the_store_writers():
    graph = import_graph()
    for module, targets in graph.items():
        if module.startswith("evidence.dashboard"):
            heavy = {t for t in targets if t.startswith(("evidence.themes", "evidence.coding", "evidence.nlp.embeddings"))}
            assert not heavy, f"{module} imports {heavy}: dashboards read the published bundle only"


def test_one_list_of_bundle_tables():
    from evidence.dashboard.bundle import TABLES
    from evidence.bundle import BUNDLE_TABLES

    assert set(TABLES) <= set(BUNDLE_TABLES)
    pattern = re.compile(r'^\s*(TABLES|BUNDLE_TABLES)\s*[:=]', re.M)
    owners = [p.relative_to(SRC).as_posix() for p in (SRC / "evidence").rglob("*.py")
              if pattern.search(p.read_text(encoding="utf-8"))]
    assert sorted(owners) == ["evidence/bundle/schema.py", "evidence/dashboard/bundle.py"], owners
    bundle_py = (SRC / "evidence" / "dashboard" / "bundle.py").read_text(encoding="utf-8")
    assert '"segments", "codes"' not in bundle_py  # derived from the Bundle fields, not written out again


def test_one_owner_of_the_counting_rule():
    """Modules that count or publish codings take the statuses that count from evidence.mixed.units."""
    counting = [*(SRC / "evidence" / "mixed").glob("*.py"), *(SRC / "evidence" / "dashboard").glob("*.py"),
                SRC / "evidence" / "pipeline" / "analysis.py", *(SRC / "evidence" / "bundle").glob("*.py"),
                SRC / "evidence" / "refi" / "export_qdpx.py"]
    offenders = [p.relative_to(SRC).as_posix() for p in counting
                 if p.name != "units.py" and re.search(r'\(\s*"accepted"\s*,', p.read_text(encoding="utf-8"))]
    assert not offenders, f"their own list of statuses that count: {offenders}"


# SQL against the project store lives in evidence/store/ only. The one other SQLite database is the
# embedding cache (models/embeddings.sqlite, vectors keyed by model and text hash): it is not the project
# store, so its class may keep its own SQL.
SQL_ELSEWHERE_ALLOWED = {"evidence/nlp/embeddings.py": "EmbeddingCache"}
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA|ALTER|REPLACE|WITH|DROP|BEGIN)\b")
SQL_CALLS = {"execute", "executemany", "executescript", "read_sql", "read_sql_query", "backup", "iterdump"}


def sql_outside_the_store(root: Path = SRC) -> list[str]:
    """``file:line what`` for every SQL string, cursor call or sqlite3 use outside evidence/store/."""
    found = []
    for path in sorted((root / "evidence").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("evidence/store/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped: set[int] = set()
        allowed_class = SQL_ELSEWHERE_ALLOWED.get(relative)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == allowed_class:
                skipped.update(id(inner) for inner in ast.walk(node))
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            what = ""
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_START.match(node.value):
                what = f"SQL text {node.value.strip()[:40]!r}"
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                what = f".{node.func.attr}() call"
            elif (isinstance(node, ast.Import) and any(a.name == "sqlite3" for a in node.names)
                  and allowed_class is None):  # the allowed class needs the module
                what = "import sqlite3"
            elif isinstance(node, ast.ImportFrom) and node.module == "sqlite3":
                what = "from sqlite3 import"
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "sqlite3":
                what = f"sqlite3.{node.attr}"
            if what:
                found.append(f"{relative}:{getattr(node, 'lineno', 0)} {what}")
    return found


def test_the_sql_finder_finds_sql(tmp_path):
    package = tmp_path / "evidence"
    (package / "store").mkdir(parents=True)
    (package / "store" / "db.py").write_text('import sqlite3\nSQL = "SELECT id FROM codes"\n')
    (package / "nlp").mkdir()
    (package / "nlp" / "embeddings.py").write_text(
        'import sqlite3\n'
        'class EmbeddingCache:\n    def n(self, conn):\n        return conn.execute("SELECT COUNT(*) FROM vectors")\n'
        'def leak(conn):\n    return conn.execute("SELECT 1")\n')
    (package / "codes.py").write_text(
        'def f(store):\n    """Update the codes (prose, not SQL)."""\n'
        '    return store.read_sql(f"DELETE FROM codes WHERE id = {1}")\n')
    found = sql_outside_the_store(tmp_path)
    assert [f.split(" ", 1)[0] for f in found] == [
        "evidence/codes.py:3", "evidence/codes.py:3", "evidence/nlp/embeddings.py:6", "evidence/nlp/embeddings.py:6"], found


def test_no_sql_on_the_project_store_outside_the_store_package():
    found = sql_outside_the_store()
    assert not found, "SQL outside evidence/store/ (add a named method to the store package instead):\n" + \
        "\n".join(found)
def _code(*folders: str) -> dict[str, ast.AST]:
    """Parsed Python of the .py files and notebook code cells under ``folders`` (docstrings are not calls)."""
    import json

    found = {}
    for folder in folders:
        for path in sorted((REPO / folder).rglob("*")):
            if ".ipynb_checkpoints" in path.parts or path.suffix not in (".py", ".ipynb"):
                continue
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".ipynb":
                cells = [c for c in json.loads(text)["cells"] if c["cell_type"] == "code"]
                text = "\n".join("\n".join(line for line in "".join(c["source"]).splitlines()
                                           if not line.lstrip().startswith(("%", "!"))) for c in cells)
            found[path.relative_to(REPO).as_posix()] = ast.parse(text)
    return found


def _calls(tree: ast.AST) -> set[str]:
    """Dotted names of what ``tree`` calls ("spacy.load", "nlp.add_pipe", "load_or_create_key")."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func, parts = node.func, []
            while isinstance(func, ast.Attribute):
                parts.append(func.attr)
                func = func.value
            if isinstance(func, ast.Name):
                parts.append(func.id)
            names.add(".".join(reversed(parts)))
    return names


def test_one_owner_of_spacy_pipelines():
    """Every module, notebook, dashboard and bench script gets its spaCy pipeline from evidence.nlp.pipeline."""
    code = _code("src/evidence", "notebooks", "dashboards", "bench")
    builders = sorted(path for path, tree in code.items() if {"spacy.blank", "spacy.load"} & _calls(tree))
    assert builders == ["src/evidence/nlp/pipeline.py"], builders
    changers = sorted(path for path, tree in code.items()
                      if any(c.endswith((".add_pipe", ".remove_pipe", "Language.factory")) for c in _calls(tree)))
    assert changers == ["src/evidence/nlp/pipeline.py"], changers


def test_one_place_sets_up_the_pseudonymiser():
    """The project's key, roster and privacy settings are put together by privacy.protect.privacy_setup only."""
    code = _code("src/evidence")
    makers = sorted(path for path, tree in code.items() if "load_or_create_key" in {c.split(".")[-1] for c in _calls(tree)})
    assert makers == ["src/evidence/privacy/protect.py"], makers
    readers = sorted(path for path, tree in code.items() for node in ast.walk(tree)  # config.get("role_labels")
                     if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                     and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value == "role_labels")
    assert readers == ["src/evidence/privacy/protect.py"], readers


def test_autocode_looks_coders_up_in_the_registry():
    from evidence.cli import build_parser
    from evidence.codebook.schema import CODER_NAMES
    from evidence.coding.registry import Coder, coder_method, method_names

    autocode = (SRC / "evidence" / "coding" / "autocode.py").read_text(encoding="utf-8")
    assert not re.search(r"""method\s*[!=]=\s*["']""", autocode), "autocode branches on a method name"
    assert set(method_names()) == set(CODER_NAMES)  # the codebook's per-coder thresholds name the same coders
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices["autocode"]
    method = next(a for a in sub._actions if a.dest == "method")
    assert tuple(method.choices) == method_names()
    for name in method_names():
        assert coder_method(name).name == name and coder_method(name).help
    from evidence.codebook import Codebook
    from evidence.coding.rules import RuleCoder

    assert isinstance(RuleCoder(Codebook()), Coder)


def test_an_unknown_coder_method_lists_the_registered_ones(tmp_path):
    import pytest

    from evidence.coding.autocode import autocode
    from evidence.core.errors import EvidenceError
    from evidence.project import Project

    with Project.init(tmp_path / "p") as project:
        with pytest.raises(EvidenceError, match=r"unknown method 'topics'; choose one of rules, similarity, classifier"):
            autocode(project, "topics", coder="x")


def test_the_command_line_starts_without_the_analysis_stack():
    """`evidence --help` and `evidence embed` load no pandas, torch or spaCy: parsers are built from light modules
    and each command imports its heavy parts when it runs (pandas alone cost 1.5-2.5 s of every start)."""
    import subprocess
    import sys

    probe = ("import sys\nfrom evidence.cli import build_parser\nbuild_parser()\n"
             "import evidence.cli.embed\n"
             "print(sorted(m for m in ('pandas', 'torch', 'spacy', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"}).stdout.strip()
    assert out == "[]", f"building the command line imported {out}"
