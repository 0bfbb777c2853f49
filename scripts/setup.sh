#!/usr/bin/env bash
# Create .venv/ at the project root and install what the analysis needs: the workbench (editable), BERTopic
# and sentence embeddings (the `themes` extra) and JupyterLab (the `lab` extra). The test tools are added by
# scripts/test.sh only. Safe to run again: it reinstalls only when pyproject.toml has changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)" >&2
  "$PY" -m venv .venv
fi
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the workbench into .venv (a minute or two on a fresh machine)" >&2
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
  # torch is pinned (==2.13.0, in pyproject's `themes` extra) to the CPU build on this machine's disk;
  # on other machines see "Other machines" in the README for the CPU build.
  # --no-compile: Python compiles each module to bytecode on its first import instead of pip compiling all
  # of them now (about 430 MB, most of it for modules the workbench never imports, and a minute of set-up).
  .venv/bin/python -m pip install --quiet --no-compile -e ".[themes,lab]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
