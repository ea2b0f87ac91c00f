"""Accuracy of wait estimates over replayed days."""

from __future__ import annotations

from collections.abc import Iterable

from bench.sim.replay import TicketRecord


def accuracy(records: Iterable[TicketRecord]) -> dict[str, float | int | None]:
    """MAE, bias and under-estimate share of the server's estimate and the naive one."""
    records = list(records)
    if records and all(r.naive is None for r in records):
        return _server_only(records)
    est, naive = [], []
    for r in records:
        if r.actual is None or r.estimate is None or r.naive is None:
            continue
        est.append(r.estimate - r.actual)
        naive.append(r.naive - r.actual)
    n = len(est)
    if n == 0:
        return {"tickets": 0}

    def mae(errs: list[float]) -> float:
        return sum(abs(e) for e in errs) / len(errs)

    out = {
        "tickets": n,
        "eta_mae_min": round(mae(est), 2),
        "eta_naive_mae_min": round(mae(naive), 2),
        "eta_bias_min": round(sum(est) / n, 2),
        "eta_naive_bias_min": round(sum(naive) / n, 2),
        "eta_under_share": round(sum(e < 0 for e in est) / n, 3),
        "eta_naive_under_share": round(sum(e < 0 for e in naive) / n, 3),
        "eta_within_5min_share": round(sum(abs(e) <= 5 for e in est) / n, 3),
        "eta_naive_within_5min_share": round(sum(abs(e) <= 5 for e in naive) / n, 3),
    }
    out["eta_mae_reduction"] = round(1 - out["eta_mae_min"] / out["eta_naive_mae_min"], 3) \
        if out["eta_naive_mae_min"] else None
    return out


def _server_only(records: list[TicketRecord]) -> dict[str, float | int | None]:
    """Live runs have no in-transaction naive baseline: the server's estimate only."""
    errs = [r.estimate - r.actual for r in records
            if r.actual is not None and r.estimate is not None]
    if not errs:
        return {"tickets": 0}
    n = len(errs)
    return {"tickets": n, "eta_mae_min": round(sum(abs(e) for e in errs) / n, 2),
            "eta_bias_min": round(sum(errs) / n, 2),
            "eta_under_share": round(sum(e < 0 for e in errs) / n, 3)}
