#!/usr/bin/env bash
# The main job: set up .venv, run the sample analysis end to end into ./project, then serve the
# dashboards on 127.0.0.1. Extra arguments go to `evidence dashboards` (e.g. --port 8899).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
EVIDENCE=.venv/bin/evidence
PROJECT="${EVIDENCE_PROJECT:-project}"
$EVIDENCE init --project "$PROJECT"
$EVIDENCE ingest --project "$PROJECT" --roster corpora/sample/roster.csv \
  corpora/sample/transcripts corpora/sample/quotes
$EVIDENCE summary --project "$PROJECT"
