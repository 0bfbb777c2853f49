#!/usr/bin/env bash
# The main job: set up .venv, run the sample analysis end to end into ./project (the tagged notebooks
# in notebooks/, executed headlessly), then serve the dashboards on 127.0.0.1 until Ctrl+C.
# EVIDENCE_PROJECT picks another project folder; extra arguments go to `evidence dashboards` (e.g. --port 8866).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PROJECT="$(realpath -m "${EVIDENCE_PROJECT:-project}")"   # absolute: child processes run elsewhere
.venv/bin/evidence init --project "$PROJECT" --no-corpus
.venv/bin/evidence run --project "$PROJECT" --corpus corpora/sample --codebook corpora/codebook.yaml
.venv/bin/evidence summary --project "$PROJECT"
exec .venv/bin/evidence dashboards --project "$PROJECT" "$@"
