"""Ledger speed (issue G) on a fresh SQLite database: a branch's meeting ledger page for a
year and the department's attendance summary, at the demo's scale × 10."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from bench.common import ROOT


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="luoshi-bench-") as data:
        env = dict(os.environ, LUOSHI_DATA_DIR=data, LUOSHI_DATABASE_URL="")
        subprocess.run([sys.executable, "-m", "bench.ledgers_run"], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    sys.exit(main())
