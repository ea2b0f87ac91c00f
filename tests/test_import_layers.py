"""The layer contracts of .importlinter hold, and break when a forbidden import is added.

Runs the real `lint-imports` on the repository, then on a copy of its Python packages with one
forbidden import added, and checks that the contract guarding that rule reports it.
"""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("server", "tongban_common", "hallclient", "kiosk", "counter_client", "display",
            "ratepad", "printers")
EXPECTED = {
    "server.core imports no domain",
    "server domains import only the layers below them (no cycles)",
    "tongban_common imports nothing of the project",
    "the Qt apps and hallclient never import the server",
    "the Qt apps never import each other",
    "hallclient never imports the apps",
    "printers import nothing of the apps or the server",
    "only the route map imports routers",
}


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def _contract_names() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    return {config[s]["name"] for s in config.sections() if s.startswith("importlinter:contract:")}


def test_the_repository_keeps_every_contract() -> None:
    """`lint-imports` passes on the repository and checks the contracts the docs promise."""
    assert _contract_names() == EXPECTED
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in EXPECTED:
        assert f"{name} KEPT" in result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's Python packages and .importlinter, copied (no data, no static files)."""
    dest = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / ".importlinter", dest / ".importlinter")
    keep_py = shutil.ignore_patterns("__pycache__", "static", "*.png", "*.wav", "*.ttf",
                                     "*.json", "*.html", "*.js", "*.css", "*.mako")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=keep_py)
    return dest


@pytest.mark.parametrize(("module", "line", "broken"), [
    ("server/core/clock.py", "import server.tickets.service", "server.core imports no domain"),
    ("server/windows/models.py", "import server.tickets.models",
     "server domains import only the layers below them (no cycles)"),
    ("tongban_common/__init__.py", "import hallclient",
     "tongban_common imports nothing of the project"),
    ("kiosk/__init__.py", "import server.core.ids",
     "the Qt apps and hallclient never import the server"),
    ("display/__init__.py", "import counter_client", "the Qt apps never import each other"),
    ("hallclient/__init__.py", "import kiosk", "hallclient never imports the apps"),
    ("server/tickets/service.py", "import server.alerts.router",
     "only the route map imports routers"),
    ("server/auth/service.py", "import server.devices.service",
     "server domains import only the layers below them (no cycles)"),
], ids=["core-imports-domain", "windows-imports-tickets", "common-imports-client",
        "kiosk-imports-server", "display-imports-counter", "hallclient-imports-kiosk",
        "service-imports-router", "auth-imports-devices"])
def test_a_forbidden_import_breaks_its_contract(copy: Path, module: str, line: str,
                                                broken: str) -> None:
    """One added import is reported by the contract that guards that rule."""
    path = copy / module
    original = path.read_text(encoding="utf-8")
    path.write_text(f"{original}\n{line}  # noqa\n", encoding="utf-8")
    try:
        result = _lint(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode != 0
    assert f"{broken} BROKEN" in result.stdout, result.stdout
    # Unrelated rules still hold (an added import may break more than one related contract).
    assert "printers import nothing of the apps or the server KEPT" in result.stdout
