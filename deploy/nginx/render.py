"""Render deploy/nginx/tongban.conf for one site: `python3 deploy/nginx/render.py --help`.

Standard library only, so it runs on an nginx host without the project's virtualenv.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).with_name("tongban.conf")
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
WORKER = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")
UPLOAD_LIMIT = 12_000_000  # the server's TONGBAN_UPLOAD_LIMIT default


def build_parser() -> argparse.ArgumentParser:
    """Command-line interface."""
    p = argparse.ArgumentParser(
        prog="render.py", description="Write the Tongban nginx site for these hosts and paths.")
    p.add_argument("--server-name", required=True,
                   help="nginx server_name, e.g. hall.example.gov.cn (several: space-separated)")
    p.add_argument("--worker", action="append", required=True, metavar="HOST:PORT",
                   help="a server worker (tongban@PORT on a host); repeat for each")
    p.add_argument("--public-host", help="host[:port] HTTP redirects to "
                   "(default: the first server name)")
    p.add_argument("--http-listen", default="80", help="listen address of the redirect (80)")
    p.add_argument("--https-listen", default="443", help="listen address of the site (443)")
    p.add_argument("--tls-cert", default="/etc/ssl/tongban/fullchain.pem",
                   help="certificate chain (PEM)")
    p.add_argument("--tls-key", default="/etc/ssl/tongban/privkey.pem", help="private key (PEM)")
    p.add_argument("--static-root", default="/opt/tongban/current/server",
                   help="the release's server/ folder (portal/static, dashboard/static, ...)")
    p.add_argument("--log-dir", default="/var/log/nginx", help="access and error log folder")
    p.add_argument("--upload-limit", type=int, default=UPLOAD_LIMIT,
                   help=f"bytes, = TONGBAN_UPLOAD_LIMIT on the workers (default {UPLOAD_LIMIT})")
    p.add_argument("--output", type=Path, help="file to write (default: standard output)")
    return p


def render(template: str, values: dict[str, str]) -> str:
    """The template with every @NAME@ replaced; a placeholder without a value is an error."""
    missing = sorted(set(PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"no value for {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


def values_from(args: argparse.Namespace) -> dict[str, str]:
    """Placeholder values from the parsed flags (workers checked to be host:port)."""
    bad = [w for w in args.worker if not WORKER.match(w)]
    if bad:
        raise ValueError(f"not host:port: {', '.join(bad)}")
    workers = "\n".join(f"    server {w} max_fails=3 fail_timeout=10s;" for w in args.worker)
    return {
        "SERVER_NAME": args.server_name,
        "PUBLIC_HOST": args.public_host or args.server_name.split()[0],
        "HTTP_LISTEN": args.http_listen,
        "HTTPS_LISTEN": args.https_listen,
        "TLS_CERT": args.tls_cert,
        "TLS_KEY": args.tls_key,
        "STATIC_ROOT": args.static_root.rstrip("/"),
        "LOG_DIR": args.log_dir.rstrip("/"),
        "BODY_LIMIT": str(args.upload_limit),
        "WORKERS": workers,
    }


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    try:
        text = render(TEMPLATE.read_text(encoding="utf-8"), values_from(args))
    except (KeyError, ValueError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
