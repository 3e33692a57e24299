"""planparse speed (issue B): the reference plan in-process (median of 200), `luoshi plan
parse` end to end (median of 15 runs, a fresh process each), and throughput on ~1 MB of plan
text made of numbered variants of the reference plan's sections."""

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

    big = synthetic_plan(text, 1_000_000)
    start = time.perf_counter()
    parse_text(big)
    seconds = time.perf_counter() - start
    report(
        f"吞吐量（{len(big.encode()) / 1e6:.2f} MB 文本）",
        len(big.encode()) / 1e6 / seconds,
        "MB/s",
        1,
        lower_is_better=False,
    )


if __name__ == "__main__":
    sys.exit(main())
