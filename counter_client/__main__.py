"""python -m counter_client --server URL [--hall demo] [--lang zh|en] [--config PATH]."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from PyQt5.QtWidgets import QApplication

from counter_client.app import CounterApp
from counter_client.config import CounterConfig
from counter_client.widgets.common import setup_app


def main(argv: list[str] | None = None) -> int:
    """Parse flags, load the config and run the Qt event loop."""
    parser = argparse.ArgumentParser(prog="counter_client", description="通办 窗口叫号客户端")
    parser.add_argument("--server", help="server base URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--hall", help="hall code (default from config, else demo)")
    parser.add_argument("--lang", choices=("zh", "en"), help="UI language")
    parser.add_argument("--config", type=Path, help="config file (JSON)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    config = CounterConfig.load(args.config)
    for key in ("server", "hall", "lang"):
        if getattr(args, key):
            setattr(config, key, getattr(args, key))
    app = QApplication(sys.argv[:1])
    setup_app(app)
    client = CounterApp(config)
    app.aboutToQuit.connect(client.shutdown)
    client.start()
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
