#!/usr/bin/env bash
# Installs what Tongban needs on a fresh Debian machine: system packages (when run as root),
# a virtualenv in .venv and the pinned Python packages. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
DEB_PACKAGES=(
  chromium fonts-wqy-microhei fonts-noto-cjk espeak-ng sox nginx openssl postgresql-client curl
  libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libpulse-mainloop-glib0
)

install_debian_packages() {
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: not root (or no apt-get); make sure these Debian packages are installed:" \
         "${DEB_PACKAGES[*]}" >&2
    return 0
  fi
  local missing=()
  for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

install_python_packages() {
  if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$PYTHON" -m venv .venv
  fi
  local stamp=.venv/.requirements.sha256
  local want
  want=$(sha256sum requirements.txt | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r requirements.txt
    echo "$want" > "$stamp"
  fi
}

case "${1:-all}" in
  system) install_debian_packages ;;
  python) install_python_packages ;;
  all) install_debian_packages; install_python_packages ;;
  *) echo "usage: scripts/setup.sh [all|system|python]" >&2; exit 2 ;;
esac
