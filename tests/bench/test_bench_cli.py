"""`python -m bench issue --quick` end to end: a real server, real HTTP, figures in JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.run import REQUIRED_KEYS

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
