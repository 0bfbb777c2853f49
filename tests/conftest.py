"""Shared test fixtures: paths to the repository, the shared fixtures and a fresh project."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FIXTURES = SHARED / "fixtures"
SEEDS = SHARED / "seeds"


@pytest.fixture
def project(tmp_path):
    from evidence.project import Project

    p = Project.init(tmp_path / "project")
    yield p
    p.close()


def need_shared(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not here (the shared/ folder sits beside the checkout in CI)")
    return path
