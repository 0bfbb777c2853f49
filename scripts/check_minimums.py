"""Install the oldest versions pyproject.toml allows and run tests against them.

    python scripts/check_minimums.py VENV_DIR [pytest arguments...]

Creates VENV_DIR, installs the workbench with every direct dependency of the main set pinned to its declared
minimum (``name>=X`` becomes the constraint ``name==X``), then runs pytest with the given arguments (default:
the tests that need no embeddings, browser or shared fixtures). The `themes` extra is left out: torch and
friends are pinned already. Exits with pytest's exit code, so it can run as a CI job.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_TESTS = ["tests/test_dependencies.py", "tests/test_cli.py", "tests/test_codebook.py",
                 "tests/test_reliability.py", "tests/test_mixed_effects.py", "tests/test_mixed_outcomes.py",
                 "tests/test_ingest_readers.py", "tests/test_privacy.py", "tests/test_results.py",
                 "-m", "not slow and not browser"]


def minimum_constraints() -> list[str]:
    """``name==minimum`` for every main dependency that declares ``>=``."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = []
    for requirement in project["dependencies"]:
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:\[[^\]]*\])?\s*[^;]*?>=\s*([0-9][^,;\s]*)", requirement)
        if match:
            pins.append(f"{match.group(1)}=={match.group(2)}")
    return pins


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    venv = Path(argv[0]).resolve()
    tests = argv[1:] or DEFAULT_TESTS
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    constraints = venv / "minimums.txt"
    constraints.write_text("\n".join(minimum_constraints()) + "\n", encoding="utf-8")
    print(f"minimums: {', '.join(minimum_constraints())}", file=sys.stderr)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-compile", "-c", str(constraints),
                    "-e", f"{ROOT}[test]"], check=True)
    return subprocess.run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
