"""Debian command-line tools some tests drive (nginx, openssl, pg_dump)."""

from __future__ import annotations

import shutil

import pytest

from tests.support.databases import in_ci


def require_tool(name: str) -> str:
    """Path of the tool; skip without it locally, fail under CI=true (scripts/setup.sh installs
    it)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path:
        return path
    if in_ci():
        pytest.fail(f"{name} is required when CI=true (scripts/setup.sh installs it)")
    pytest.skip(f"{name} not installed")
