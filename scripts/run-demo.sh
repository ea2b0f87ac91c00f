#!/usr/bin/env bash
# Quick start: install the Python side (.venv, requirements.txt; no Debian packages), then run
# the server with the demo hall on SQLite in ./var/demo (--demo's own data directory).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh python
exec .venv/bin/python -m server --demo "$@"
