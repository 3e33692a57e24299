"""Reminder sweep speed (issue E): 500,000 open occurrences on PostgreSQL, swept twice
(the second sends nothing). In a fresh process with its own empty database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from bench.common import ROOT

DB = "luoshi_bench_reminders"


def main() -> None:
    server = os.environ.get("LUOSHI_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/")
    from luoshi.testing.pgcheck import answers

    if not answers(server):
        print(f"  -- 跳过 PostgreSQL：{server} 无响应")
        return
    import psycopg

    base = server.rstrip("/").rsplit("/", 1)[0] if server.rstrip("/").count("/") > 2 else server.rstrip("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    try:
        with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data:
            env = dict(os.environ, LUOSHI_DATA_DIR=data, LUOSHI_DATABASE_URL=f"{base}/{DB}")
            subprocess.run([sys.executable, "-m", "bench.reminders_run"], cwd=ROOT, env=env, check=True)
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB}")
