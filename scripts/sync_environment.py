"""Write environment.yml (for conda users) from pyproject.toml, so the two always list the same packages.

Run `python scripts/sync_environment.py` after changing dependencies; tests/test_packaging.py checks it.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("themes", "lab")
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
"""PyTorch's own index of CPU builds (Linux, macOS, Windows); pip takes `torch==X+cpu` from it over PyPI's CUDA build."""
"""The extras scripts/setup.sh installs; conda users add the test tools with `pip install -e ".[test]"`."""


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return list(project["dependencies"]) + [r for name in EXTRAS for r in extras.get(name, [])]


def render() -> str:
    lines = [
        "# Conda environment for the evidence workbench. Generated from pyproject.toml by",
        "# scripts/sync_environment.py: edit pyproject.toml, then re-run that script.",
        "#   conda env create -f environment.yml && conda activate evidence && pip install -e . --no-deps",
        "# (run from the repository's root folder; add the test tools with: pip install -e \".[test]\")",
        "# torch: the extra index below gives the CPU build (on Linux PyPI's torch is the CUDA build, several GB);",
        "# delete that line for the GPU build (see \"Other machines\" in the README).",
        "name: evidence",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
        f"      - --extra-index-url {TORCH_CPU_INDEX}",
    ]
    lines += [f'      - "{req}"' for req in requirements()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    target = ROOT / "environment.yml"
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
