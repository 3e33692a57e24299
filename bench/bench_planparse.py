"""planparse speed (issue B): the reference plan in-process (median of 200), `luoshi plan
parse` end to end (median of 15 runs, a fresh process each), and throughput, peak memory and
linearity on 1 MB and 5 MB of plan text made of numbered variants of the reference plan."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from bench.common import REFERENCE_PLAN, ROOT, median_seconds, report
from luoshi.planparse import parse_text


def synthetic_plan(text: str, size: int) -> str:
    """The reference plan's body repeated with distinct numbers in every sentence, so that
    the repeats finder does not see the copies as duplicates of each other."""
    parts = []
    copy = 0
    while sum(len(p.encode()) for p in parts) < size:
        copy += 1
        parts.append(re.sub(r"。", f"（第{copy}批）。", text))
    return "\n".join(parts)


def main() -> None:
    text = REFERENCE_PLAN.read_text(encoding="utf-8")
    in_process = median_seconds(lambda: parse_text(text), repeat=200) * 1000
    report("参考要点进程内解析（中位数）", in_process, "ms", 10)

    command = [str(ROOT / ".venv" / "bin" / "luoshi"), "plan", "parse", str(REFERENCE_PLAN), "--json"]

    def run_cli() -> None:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)

    end_to_end = median_seconds(run_cli, repeat=15, warmup=2) * 1000
    report("luoshi plan parse 端到端（中位数）", end_to_end, "ms", 300)

    # Large input, each size in a fresh process so that its peak memory is its own.
    per_mb = {}
    for size in (1_000_000, 5_000_000):
        out = subprocess.run(
            [sys.executable, "-m", "bench.bench_planparse", "--large", str(size)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout.split()
        megabytes, seconds, peak_mb = float(out[0]), float(out[1]), float(out[2])
        per_mb[size] = seconds / megabytes
        if size == 5_000_000:
            report(
                f"吞吐量（{megabytes:.2f} MB 文本，CPU 时间）",
                megabytes / seconds,
                "MB/s",
                1,
                lower_is_better=False,
            )
            report(f"内存峰值（{megabytes:.2f} MB 文本）", peak_mb, "MB", 200)
    report(
        "时间随输入线性增长（5 MB 与 1 MB 每 MB 耗时之比）", per_mb[5_000_000] / per_mb[1_000_000], "", 1.5
    )


def large(size: int) -> None:
    """Parse `size` bytes of plan text; print MB, CPU seconds and the process's peak memory in MB."""
    import resource

    big = synthetic_plan(REFERENCE_PLAN.read_text(encoding="utf-8"), size)
    # CPU time of this process: the parse is single-threaded, and on a machine shared with
    # other work the wall clock measures the neighbours as much as the parser
    start = time.process_time()
    parse_text(big)
    seconds = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(len(big.encode()) / 1e6, seconds, peak)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--large"]:
        sys.exit(large(int(sys.argv[2])))
    sys.exit(main())
