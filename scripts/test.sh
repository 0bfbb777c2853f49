#!/usr/bin/env bash
# Set up .venv (scripts/setup.sh), add the test tools (pyproject's `test` extra: pytest, hypothesis,
# Playwright for Python, which drives Debian's chromium), and run the whole test suite. Extra arguments go
# to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
stamp=".venv/.installed-test-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "test: adding the test tools to .venv" >&2
  .venv/bin/python -m pip install --quiet --no-compile -e ".[themes,lab,test]"
  touch "$stamp"
fi
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "test: installing Debian's chromium for the browser tests" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null \
    || echo "test: could not install chromium; browser tests will be skipped" >&2
fi
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
