"""Shared test fixtures: paths to the repository and the shared fixtures, and real projects.

Projects come from one factory, :class:`ProjectFactory`:

- ``make_project(name="project", *, corpus=..., codebook=..., roster=..., codings=..., **config)`` makes a
  real project (``Project.init``) under the test's ``tmp_path``, optionally ingests a corpus, loads a
  codebook and adds codings, and closes every project it made at teardown;
- ``make_module_project`` is the same factory for module-scoped fixtures (one project for a whole module);
- ``project`` is an empty project (``make_project()``);
- ``sample_bundle`` is corpora/sample as a project folder with its published results bundle, built once
  per session (tests/dashboard_bundle.py says how).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"
SEEDS = SHARED / "seeds"
SAMPLE = REPO / "corpora" / "sample"
STARTER_CODEBOOK = REPO / "corpora" / "codebook.yaml"


class ProjectFactory:
    """Makes real projects in one folder and closes them all when the fixture ends."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.made: list[Any] = []

    def __call__(
        self,
        name: str = "project",
        *,
        corpus: Mapping[str, str] | Iterable[str | Path] = (),
        ingest: bool = True,
        roster: str | Path | None = None,
        codebook: str | Path | None = None,
        author: str | None = None,
        codings: Iterable[Any] = (),
        **config: Any,
    ):
        """A project in ``root/name`` with evidence.yaml settings ``config``.

        ``corpus`` is a list of files or folders, or a mapping file name -> text whose files are written
        into the factory's folder first; with ``ingest`` (the default) they are ingested (with ``roster``
        if given) and every file must go in. ``codebook`` is a codebook file loaded into the project (by
        ``author`` if given); ``codings`` are :class:`evidence.core.model.Coding` rows added after that.
        """
        from evidence.project import Project

        if isinstance(corpus, Mapping):
            paths: list[Path] = []
            for file_name, text in corpus.items():
                path = self.root / file_name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                paths.append(path)
        else:
            paths = [Path(p) for p in corpus]
        project = Project.init(self.root / name, **config)
        self.made.append(project)
        if paths and ingest:
            report = project.ingest(paths, roster=roster)
            assert report.ok, [f.message for f in report.failed]
        if codebook is not None:
            from evidence.codebook import load_codebook
            from evidence.codebook.changes import load_into_project

            load_into_project(project, load_codebook(codebook), **({"author": author} if author else {}))
        codings = list(codings)
        if codings:
            project.add_codings(codings)
        return project

    def close(self) -> None:
        for project in self.made:
            project.close()


@pytest.fixture
def make_project(tmp_path):
    factory = ProjectFactory(tmp_path)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def make_module_project(tmp_path_factory):
    factory = ProjectFactory(tmp_path_factory.mktemp("projects"))
    yield factory
    factory.close()


@pytest.fixture
def project(make_project):
    """An empty project (evidence.yaml with the defaults, an empty store)."""
    return make_project()


@pytest.fixture(scope="session")
def sample_bundle(tmp_path_factory) -> Path:
    """The folder of a project made from corpora/sample, with its published results bundle (read-only use)."""
    from dashboard_bundle import shared_bundle

    return shared_bundle(tmp_path_factory)


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared/ folder sits beside the checkout in CI)")
    return path
