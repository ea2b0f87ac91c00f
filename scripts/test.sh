#!/usr/bin/env bash
# Installs everything the tests need (Debian packages when root, venv, Python packages),
# checks style with ruff and the import layers with import-linter, and runs the whole pytest
# suite. Extra arguments go to pytest.
# The suite runs in TONGBAN_TEST_WORKERS processes (default 2, one per core of the CI box; 0 runs
# it in this process), whole files per worker so module-scoped servers start once; the 15
# slowest tests are listed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh all
export QT_QPA_PLATFORM=offscreen
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp/runtime-$(id -u)}
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # layer contracts (.importlinter, docs/architecture.md)
exec .venv/bin/python -m pytest -q -p no:cacheprovider \
  --numprocesses="${TONGBAN_TEST_WORKERS:-2}" --dist=loadfile --durations=15 "$@"
