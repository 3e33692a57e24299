"""`python -m luoshi.testing.pgcheck URL`: exit 0 when PostgreSQL answers at URL.

With --url, prints the database URL the PostgreSQL test leg uses (the server URL with
the database name "luoshi"; pytest-django creates and drops "test_luoshi" beside it).
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit, urlunsplit


def test_database_url(server_url: str) -> str:
    parts = urlsplit(server_url)
    path = parts.path.strip("/") or "luoshi"
    return urlunsplit((parts.scheme, parts.netloc, "/" + path, parts.query, ""))


def answers(server_url: str) -> bool:
    import psycopg

    parts = urlsplit(server_url)
    try:
        with psycopg.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        ) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def main(argv: list[str]) -> int:
    if argv[:1] == ["--url"]:
        print(test_database_url(argv[1]))
        return 0
    return 0 if answers(argv[0]) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
