"""Build step: copy notebooks/, dashboards/ and the sample corpus into the wheel as evidence/_data/.

Everything else about the package is declared in pyproject.toml. The copies are made at build time only
(src/evidence/_data/ is git-ignored and stays empty in a checkout); `evidence.core.resources` finds them in an
installed wheel and falls back to the repository's folders in a checkout or an editable install.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
# (source in the repository, destination under evidence/_data/, files to take)
PACKAGED = (
    ("notebooks", "notebooks", "*.ipynb"),
    ("dashboards", "dashboards", "*.ipynb"),
    ("corpora/sample", "corpora/sample", "**/*"),
    ("corpora", "corpora", "codebook.yaml"),
)


def copy_data(target: Path) -> None:
    """Copy the packaged folders into ``target`` (an ``evidence/_data`` folder), replacing what was there."""
    if target.exists():
        shutil.rmtree(target)
    for source, dest, pattern in PACKAGED:
        folder = ROOT / source
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts and "__pycache__" not in path.parts:
                out = target / dest / path.relative_to(folder)
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, out)


class BuildWithData(build_py):
    """build_py that also lays the notebooks, dashboards and sample corpus in the built package.

    From a checkout the copies go straight into the build folder (never into src/, where an editable install
    would find stale copies); from an sdist they are already in src/evidence/_data and package-data takes them.
    """

    def run(self) -> None:
        super().run()
        if (ROOT / "notebooks").is_dir() and not self.editable_mode:
            copy_data(Path(self.build_lib) / "evidence" / "_data")


class SdistWithData(sdist):
    """sdist that carries the same copies under src/evidence/_data, so a wheel built from it has them too."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        copy_data(Path(base_dir) / "src" / "evidence" / "_data")


setup(cmdclass={"build_py": BuildWithData, "sdist": SdistWithData})
