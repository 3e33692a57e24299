"""Shared helpers for the benchmarks: timing, medians and where the plans are."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The repository carries its plans (eval/ mirrors ../shared): the benchmarks need nothing beside it.
EVAL = ROOT / "eval"
REFERENCE_PLAN = EVAL / "plans" / "2022-ziranziyuanting-jiguan-dangjian.txt"


def median_seconds(fn: Callable[[], object], repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(what: str, value: float, unit: str, limit: float, lower_is_better: bool = True) -> bool:
    ok = value < limit if lower_is_better else value >= limit
    sign = "<" if lower_is_better else "≥"
    print(
        f"  {what}: {value:.2f} {unit}  (要求 {sign} {limit:g} {unit}) {'通过' if ok else '未达标'}",
        flush=True,
    )
    return ok
