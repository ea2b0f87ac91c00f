"""Benchmarks, the hall-day simulator and the wait-estimate evaluation (see bench/README.md)."""
