"""`python -m bench <scenario> [--quick] [--json out.json | --update-results] [--database-url URL]
[--workers N | --workers-sweep 1,2,4]`: figures go to var/bench/ unless --update-results
(bench/results/) or --json."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from bench.run import Run

log = logging.getLogger("bench")
RESULTS = Path(__file__).resolve().parent / "results"  # the committed figures
SCRATCH = Path(__file__).resolve().parents[1] / "var" / "bench"  # everyday runs (git-ignored)
SCENARIOS = ("issue", "call", "fanout", "hallday", "province")


def parser() -> argparse.ArgumentParser:
    """Command line."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("scenario", choices=SCENARIOS, help="what to measure (see bench/README.md)")
    p.add_argument("--json", type=Path, help="where to write the figures "
                   "(default var/bench/<scenario>[-quick].json)")
    p.add_argument("--update-results", action="store_true",
                   help="write to bench/results/<scenario>[-quick].json, the committed figures")
    p.add_argument("--quick", action="store_true", help="small sizes, under 60 s")
    p.add_argument("--database-url", help="PostgreSQL server to create a throw-away bench "
                   "database on (default: SQLite in a temporary directory)")
    p.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    p.add_argument("--workers-sweep", type=_counts, metavar="N,N,…",
                   help="province: measure each worker count in turn in one run (fresh database "
                   "each), with throughput ratios to the first; e.g. 1,2,4")
    p.add_argument("--halls", type=int, default=200,
                   help="province: halls to seed (request counts scale with them; default 200)")
    p.add_argument("--seed", type=int, default=1, help="random seed of the load (default 1)")
    p.add_argument("--keep", action="store_true", help="keep the run directory and logs")
    return p


def _counts(text: str) -> list[int]:
    """'1,2,4' -> [1, 2, 4] (positive, ascending, no repeats)."""
    try:
        counts = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError("worker counts like 1,2,4") from None
    if not counts or min(counts) < 1 or counts != sorted(set(counts)):
        raise argparse.ArgumentTypeError("worker counts like 1,2,4 (ascending, >= 1)")
    return counts


async def _dispatch(run: Run) -> None:
    from bench import scenarios

    if run.scenario == "issue":
        await scenarios.scenario_issue(run)
    elif run.scenario == "call":
        await scenarios.scenario_call(run)
    elif run.scenario == "fanout":
        await scenarios.scenario_fanout(run)
    elif run.scenario == "hallday":
        from bench.hallday import scenario_hallday

        await scenario_hallday(run)
    else:
        from bench.province import scenario_province

        await scenario_province(run)


def output_path(args: argparse.Namespace) -> Path:
    """--json, else bench/results/ with --update-results, else the scratch folder."""
    sweep = "-sweep" if getattr(args, "workers_sweep", None) else ""
    name = f"{args.scenario}{sweep}{'-quick' if args.quick else ''}.json"
    return args.json or (RESULTS if args.update_results else SCRATCH) / name


def main(argv: list[str] | None = None) -> int:
    """Run one scenario and write its JSON."""
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    admin_url = args.database_url
    if args.scenario == "province" and not admin_url:
        from bench.procs import DEFAULT_PG_URL

        admin_url = DEFAULT_PG_URL
    if args.workers_sweep and args.scenario != "province":
        sys.stderr.write("--workers-sweep is for the province scenario\n")
        return 2
    if max([args.workers, *(args.workers_sweep or [])]) > 1 and not admin_url:
        sys.stderr.write("--workers > 1 needs --database-url (PostgreSQL LISTEN/NOTIFY)\n")
        return 2
    run = Run(args.scenario, args.quick, args.workers, admin_url, args.seed, keep=args.keep,
              workers_sweep=args.workers_sweep, halls=args.halls)
    try:
        asyncio.run(_dispatch(run))
    finally:
        result = run.finish()
    out = output_path(args)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    log.info("wrote %s", out)
    sys.stdout.write(json.dumps({k: v for k, v in result.items() if k not in ("machine", "sweep")},
                                ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
