"""Plan-to-work speed (issue C) on SQLite and, when it answers, on PostgreSQL: each in a
fresh process with its own empty database."""

from __future__ import annotations

import sys

from bench.common import run_on_sqlite_and_postgresql


def main() -> None:
    run_on_sqlite_and_postgresql("bench.work_run", "luoshi_bench")


if __name__ == "__main__":
    sys.exit(main())
