"""Summarise py-spy collapsed stacks: `python -m bench.profile_summary FILE [--match S]`.

Prints the functions with the most inclusive and self samples, so a bench run with
TONGBAN_BENCH_PROFILE=<dir> shows where the server spends its CPU.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path


def summarise(path: Path, top: int, match: str | None) -> str:
    """Inclusive and self sample counts per frame."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        # A frame name holding a newline (py-spy prints some as a docstring) splits a line.
        if not stack or not count.isdigit() or (match and match not in stack):
            continue
        n = int(count)
        frames = stack.split(";")
        if any("idle" in f for f in frames[-1:]) or "select" in frames[-1] and "selectors" in stack:
            continue
        total += n
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    out = [f"{total} busy samples"]
    out.append("-- inclusive")
    out += [f"{n * 100 / total:5.1f}% {f}" for f, n in inclusive.most_common(top)]
    out.append("-- self")
    out += [f"{n * 100 / total:5.1f}% {f}" for f, n in own.most_common(top)]
    return "\n".join(out)


def main() -> None:
    """Entry point."""
    p = argparse.ArgumentParser()
    p.add_argument("file", type=Path)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--match")
    args = p.parse_args()
    sys.stdout.write(summarise(args.file, args.top, args.match) + "\n")


if __name__ == "__main__":
    main()
