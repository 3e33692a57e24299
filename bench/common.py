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


def run_on_sqlite_and_postgresql(module: str, database: str) -> None:
    """Runs `python -m module` in a fresh process on an empty SQLite database, then, when
    the server of LUOSHI_TEST_PG_URL answers, on an empty PostgreSQL database `database`
    there (dropped afterwards). The URL may name a database of its own (a helper's
    postgres://…/NAME): the benchmark's database is then NAME_database, beside it."""
    import os
    import subprocess
    import sys
    import tempfile
    from urllib.parse import urlsplit, urlunsplit

    def run(label: str, env: dict[str, str]) -> None:
        print(f"  -- {label}", flush=True)
        subprocess.run([sys.executable, "-m", module], cwd=ROOT, env=env, check=True)

    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data:
        run("SQLite", dict(os.environ, LUOSHI_DATA_DIR=data, LUOSHI_DATABASE_URL=""))
    url = urlsplit(os.environ.get("LUOSHI_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/"))
    owner = url.path.strip("/")
    name = f"{owner}_{database}" if owner else database

    def at(db: str) -> str:
        return urlunsplit(url._replace(path="/" + db))

    from luoshi.testing.pgcheck import answers

    if not answers(at("")):
        print(f"  -- 跳过 PostgreSQL：{at('')} 无响应")
        return
    import psycopg

    with psycopg.connect(at("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data:
            run("PostgreSQL", dict(os.environ, LUOSHI_DATA_DIR=data, LUOSHI_DATABASE_URL=at(name)))
    finally:
        with psycopg.connect(at("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
