"""python -m counter_client [--config FILE] [--server URL] [--hall demo] [--lang zh|en] ...

Settings: defaults < config file < TONGBAN_COUNTER_* < flags (`hallclient.settings`);
`--print-config` shows the effective ones.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from counter_client.config import APP, CounterConfig, default_path
from hallclient import settings as hall_settings

PROG = "python -m counter_client"
DESCRIPTION = "通办 窗口叫号客户端 Tongban counter client"


def build_parser() -> argparse.ArgumentParser:
    """Command-line flags (they override the config file and TONGBAN_COUNTER_* variables)."""
    return hall_settings.build_parser(
        CounterConfig, APP, prog=PROG, description=DESCRIPTION,
        config_help="config file, JSON or YAML; it also remembers the last user and window "
                    "(default ~/.config/tongban/counter.json)")


def load_config(argv: list[str] | None = None) -> CounterConfig:
    """The effective settings; exits 2 on a bad value, 0 after --print-config."""
    parser = build_parser()
    known, _ = parser.parse_known_args(argv)
    path = Path(known.config).expanduser() if known.config else default_path()
    config, _args = hall_settings.cli(
        CounterConfig, APP, argv, prog=PROG, description=DESCRIPTION, parser=parser,
        default_path=path, extra={"path": path},
        path_must_exist=False)  # a first run: the file appears at the first login
    return config


def main(argv: list[str] | None = None) -> int:
    """Parse flags, load the config and run the Qt event loop."""
    config = load_config(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    from PyQt5.QtWidgets import QApplication

    from counter_client.app import CounterApp
    from counter_client.ui.common import setup_app

    app = QApplication(sys.argv[:1])
    setup_app(app)
    client = CounterApp(config)
    app.aboutToQuit.connect(client.shutdown)
    client.start()
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
