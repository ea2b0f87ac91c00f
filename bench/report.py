"""`python -m bench.report [files…]`: a Markdown table of the figures in result JSON files."""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROWS = [
    ("issue_per_s", "issuance /s"), ("issue_p50_ms", "issue p50 ms"),
    ("issue_p99_ms", "issue p99 ms"), ("issue_server_cpu_ms", "server CPU ms per issue"),
    ("issue_pg_cpu_ms", "PostgreSQL backend CPU ms per issue"),
    ("issue_per_s_per_worker", "issuance /s per worker"),
    ("issue_per_s_vs_1w", "issuance ÷ 1 worker"),
    ("baseline_insert_per_s", "baseline insert+commit /s"),
    ("issue_vs_baseline_insert", "issuance ÷ baseline"),
    ("call_next_per_s", "call-next /s"), ("call_next_p50_ms", "call-next p50 ms"),
    ("call_next_p99_ms", "call-next p99 ms"),
    ("call_cycle_server_cpu_ms", "server CPU ms per call cycle"),
    ("call_cycle_pg_cpu_ms", "PostgreSQL backend CPU ms per call cycle"),
    ("call_next_per_s_per_worker", "call-next /s per worker"),
    ("call_next_per_s_vs_1w", "call-next ÷ 1 worker"),
    ("rate_issue_per_s", "fixed rate: issues answered /s (100 offered)"),
    ("rate_issue_p99_ms", "fixed rate: issue p99 ms"),
    ("rate_call_next_per_s", "fixed rate: call cycles answered /s (100 offered)"),
    ("rate_call_next_p99_ms", "fixed rate: call-next p99 ms"),
    ("rate_target_met", "fixed rate: 100 + 100/s at p99 ≤ 100 ms"),
    ("subscribers", "display subscribers"),
    ("call_to_display_p50_ms", "call→display p50 ms"),
    ("call_to_display_p99_ms", "call→display p99 ms"),
    ("baseline_broadcast_p99_ms", "baseline broadcast p99 ms"),
    ("call_to_display_p99_vs_baseline", "call→display p99 ÷ baseline"),
    ("rss_mb_per_1000_ws", "server RSS MB per 1,000 idle ws"),
    ("eta_mae_min", "ETA MAE min"), ("eta_naive_mae_min", "naive ETA MAE min"),
    ("eta_mae_reduction", "MAE reduction vs naive"), ("eta_under_share", "under-estimates"),
    ("eta_naive_under_share", "naive under-estimates"),
    ("server_cpu_s", "server CPU s (run)"), ("generator_cpu_s", "generator CPU s (run)"),
    ("duration_s", "run wall s"),
]


def expand(results: list[dict]) -> list[dict]:
    """A worker sweep (province --workers-sweep) becomes one column per worker count."""
    out = []
    for r in results:
        if not r.get("sweep"):
            out.append(r)
            continue
        for step in r["sweep"]:
            out.append({**{k: v for k, v in r.items() if k != "sweep"}, **step})
    return out


def table(results: list[dict]) -> str:
    """One column per result file (per worker count of a sweep), one row per figure present."""
    results = expand(results)
    heads = [f"{r['scenario']}{' quick' if r.get('quick') else ''} · {r['database']} · "
             f"{r['workers']}w" for r in results]
    out = ["| figure | " + " | ".join(heads) + " |", "|---" * (len(results) + 1) + "|"]
    for key, label in ROWS:
        vals = [r.get(key) for r in results]
        if all(v is None for v in vals):
            continue
        out.append(f"| {label} | " + " | ".join("" if v is None else str(v) for v in vals) + " |")
    for r in results:
        for part in r.get("fanout") or []:
            out.append(f"\n{r['scenario']} {part['subscribers']} subscribers: call→display "
                       f"p50 {part['call_to_display_p50_ms']} ms, p99 "
                       f"{part['call_to_display_p99_ms']} ms (bare websockets p99 "
                       f"{part['baseline_broadcast_p99_ms']} ms), {part['rss_mb_per_1000_ws']} MB "
                       f"per 1,000 idle ws, server CPU {part.get('server_cpu_ms_per_call')} ms "
                       f"per call, {_per_message(part)}deliveries {part['display_deliveries']}/"
                       f"{part['display_deliveries_expected']}")
    return "\n".join(out)


def _per_message(part: dict) -> str:
    """Server CPU per websocket message against the bare broadcast's (files that have it)."""
    if part.get("server_cpu_us_per_message") is None:
        return ""
    return (f"{part['server_cpu_us_per_message']} µs per message (bare websockets "
            f"{part.get('baseline_broadcast_cpu_us_per_message')} µs), ")


def main() -> None:
    """Entry point."""
    files = [Path(a) for a in sys.argv[1:]] or sorted(RESULTS.glob("*.json"))
    sys.stdout.write(table([json.loads(f.read_text()) for f in files]) + "\n")


if __name__ == "__main__":
    main()
