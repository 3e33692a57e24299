"""Plan-to-work speed (issue C) on SQLite and, when it answers, on PostgreSQL: each in a
fresh process with its own empty database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from bench.common import ROOT


def run(label: str, env: dict[str, str]) -> None:
    print(f"  -- {label}", flush=True)
    subprocess.run([sys.executable, "-m", "bench.work_run"], cwd=ROOT, env=env, check=True)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data:
        env = dict(os.environ, LUOSHI_DATA_DIR=data, LUOSHI_DATABASE_URL="")
        run("SQLite", env)
    server = os.environ.get("LUOSHI_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/")
    from luoshi.testing.pgcheck import answers

    if not answers(server):
        print(f"  -- 跳过 PostgreSQL：{server} 无响应")
        return
    import psycopg

    with psycopg.connect(server.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS luoshi_bench")
        conn.execute("CREATE DATABASE luoshi_bench")
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data:
        env = dict(os.environ, LUOSHI_DATA_DIR=data, LUOSHI_DATABASE_URL=server.rstrip("/") + "/luoshi_bench")
        run("PostgreSQL", env)
    with psycopg.connect(server.rstrip("/") + "/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS luoshi_bench")


if __name__ == "__main__":
    sys.exit(main())
