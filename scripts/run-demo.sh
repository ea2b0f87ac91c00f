#!/usr/bin/env bash
# Quick start: install, then run the server with the demo hall on the embedded SQLite default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh python
exec .venv/bin/python -m server --demo "$@"
