"""`python -m bench issue --quick` end to end: a real server, real HTTP, figures in JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.run import REQUIRED_KEYS
from tests.support.databases import PostgresFactory, require_postgres

ROOT = Path(__file__).resolve().parents[2]


def test_issue_quick_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "issue.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "issue", "--quick", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    assert set(REQUIRED_KEYS) <= set(result)
    assert result["scenario"] == "issue" and result["database"] == "sqlite"
    assert result["workers"] == 1
    assert result["issue_count"] == 300 and result["issue_errors"] == 0
    assert 0 < result["issue_p50_ms"] <= result["issue_p99_ms"]
    assert result["issue_per_s"] > 0 and result["baseline_insert_per_s"] > 0
    assert result["issue_vs_baseline_insert"] == round(
        result["issue_per_s"] / result["baseline_insert_per_s"], 3)
    assert result["machine"]["cpu_count"] >= 1
    assert result["server_cpu_s"] > 0 and result["generator_cpu_s"] > 0
    # Server CPU per request, and per bare baseline insert, measured in the same run.
    assert result["issue_server_cpu_ms"] > 0 and result["baseline_insert_server_cpu_ms"] > 0
    assert result["issue_cpu_vs_baseline_insert"] == round(
        result["issue_server_cpu_ms"] / result["baseline_insert_server_cpu_ms"], 2)


def test_multiple_workers_need_postgresql(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "issue", "--quick", "--workers", "2", "--json",
         str(tmp_path / "x.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "PostgreSQL" in proc.stderr
    assert not (tmp_path / "x.json").exists()


def test_runs_write_to_a_scratch_folder_unless_asked() -> None:
    from bench.__main__ import RESULTS, SCRATCH, output_path, parser

    parse = parser().parse_args
    assert output_path(parse(["issue", "--quick"])) == SCRATCH / "issue-quick.json"
    assert output_path(parse(["call"])) == SCRATCH / "call.json"
    assert not SCRATCH.is_relative_to(RESULTS) and SCRATCH.parent.name == "var"
    assert output_path(parse(["call", "--update-results"])) == RESULTS / "call.json"
    assert output_path(parse(["call", "--json", "/tmp/x.json"])) == Path("/tmp/x.json")
    for action in parser()._actions:
        assert action.help, action.option_strings


@pytest.mark.postgres
def test_province_worker_sweep_writes_each_worker_count(tmp_path: Path,
                                                        pg_factory: PostgresFactory) -> None:
    """`--workers-sweep 1,2` measures both counts in one run (8 halls keep it short)."""
    require_postgres(pg_factory)
    out = tmp_path / "sweep.json"
    bench = subprocess.Popen(
        [sys.executable, "-m", "bench", "province", "--quick", "--halls", "8",
         "--workers-sweep", "1,2", "--json", str(out),
         "--database-url", pg_factory.admin_url],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, stderr = bench.communicate(timeout=300)
    assert bench.returncode == 0, stderr[-3000:]
    result = json.loads(out.read_text())
    assert set(REQUIRED_KEYS) <= set(result)
    assert result["workers_sweep"] == [1, 2] and result["headline_workers"] == 2
    steps = result["sweep"]
    assert [s["workers"] for s in steps] == [1, 2]
    for step in steps:
        assert step["halls"] == 8 and step["issue_count"] == 24
        assert step["issue_errors"] == 0 and step["call_next_errors"] == 0
        assert step["display_deliveries"] == step["display_deliveries_expected"] > 0
        # Server CPU per request summed over the step's processes, PostgreSQL's backends too.
        for key in ("issue_server_cpu_ms", "call_cycle_server_cpu_ms", "issue_pg_cpu_ms",
                    "call_cycle_pg_cpu_ms"):
            assert step[key] > 0, key
        assert step["issue_per_s_per_worker"] == round(step["issue_per_s"] / step["workers"], 1)
        assert step["rate_offered_issue_per_s"] == 100 and step["rate_issue_count"] > 0
        assert isinstance(step["rate_target_met"], bool)
        assert step["issue_per_s_vs_1w"] == round(step["issue_per_s"] / steps[0]["issue_per_s"],
                                                  2)
    assert steps[0]["issue_per_s_vs_1w"] == 1.0
    assert result["issue_per_s"] == steps[1]["issue_per_s"]  # top level: the 2-worker step
    assert result["server_cpu_s"] >= steps[0]["server_cpu_s"] + steps[1]["server_cpu_s"] - 0.01
    # The bench database of each step is dropped.
    with pg_factory.engine.connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname LIKE :p"),
                            {"p": f"tbbench_{bench.pid}_%"}).scalar_one()
    assert left == 0


def test_worker_sweep_is_for_province_only(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench", "issue", "--quick", "--workers-sweep", "1,2", "--json",
         str(tmp_path / "x.json")], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "province" in proc.stderr
    from bench.__main__ import parser

    assert parser().parse_args(["province", "--workers-sweep", "1,2,4"]).workers_sweep == [1, 2, 4]
