"""Ledger speed (issue G) on fresh SQLite and PostgreSQL databases: a branch's meeting
ledger page for a year and the department's attendance summary, at the demo's scale × 10."""

from __future__ import annotations

import sys

from bench.common import run_on_sqlite_and_postgresql


def main() -> None:
    run_on_sqlite_and_postgresql("bench.ledgers_run", "bench_ledgers")


if __name__ == "__main__":
    sys.exit(main())
