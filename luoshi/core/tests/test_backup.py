"""`luoshi backup` and `luoshi restore` (SECURITY.md test 24): the demo restored into an
empty SQLite and an empty PostgreSQL database has the same rows, files and a verifying
audit chain; damaged backups, non-empty databases and a different key are refused."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from luoshi.testing.pgcheck import answers

PG_SERVER = os.environ.get("LUOSHI_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/")


def pg_database(name: str) -> str:
    """A database on the test server: LUOSHI_TEST_PG_URL may name a database of its own
    (each engineer's), which is replaced, not appended to."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(PG_SERVER)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


def luoshi(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "luoshi.cli", *args], capture_output=True, text=True, env=env, timeout=300
    )


def environment(data: Path, key: str, database: str = "") -> dict[str, str]:
    return dict(
        os.environ,
        LUOSHI_DATA_DIR=str(data),
        LUOSHI_SECRET_KEY=key,
        LUOSHI_DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="luoshi.settings",
    )


@pytest.fixture(scope="module")
def demo_backup(tmp_path_factory) -> tuple[Path, str]:
    key = secrets.token_urlsafe(40)
    source = tmp_path_factory.mktemp("source")
    env = environment(source, key)
    assert luoshi(env, "manage", "migrate", "-v0").returncode == 0
    assert luoshi(env, "demo", "--password", "Backup-test-1").returncode == 0
    result = luoshi(env, "backup", str(source / "backups"))
    assert result.returncode == 0, result.stderr
    return next((source / "backups").iterdir()), key


def restore_into(folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert luoshi(env, "manage", "migrate", "-v0").returncode == 0
    return luoshi(env, "restore", str(folder))


def test_restore_into_empty_sqlite_equals_the_backup(demo_backup, tmp_path) -> None:
    folder, key = demo_backup
    env = environment(tmp_path, key)
    result = restore_into(folder, env)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert f"已恢复 {sum(manifest['counts'].values())} 条记录" in result.stdout
    assert luoshi(env, "audit", "verify").returncode == 0
    for relative in manifest["files"]:
        assert (tmp_path / "media" / relative).exists()
    again = luoshi(env, "restore", str(folder))
    assert again.returncode == 1 and "空数据库" in again.stderr


@pytest.mark.skipif(
    not answers(PG_SERVER), reason="PostgreSQL does not answer; the SQLite restore still runs"
)
def test_restore_into_empty_postgresql_equals_the_backup(demo_backup, tmp_path) -> None:
    import psycopg

    folder, key = demo_backup
    name = f"luoshi_restore_{secrets.token_hex(4)}"
    with psycopg.connect(pg_database("postgres"), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        env = environment(tmp_path, key, pg_database(name))
        result = restore_into(folder, env)
        assert result.returncode == 0, result.stderr
        assert luoshi(env, "audit", "verify").returncode == 0
    finally:
        with psycopg.connect(pg_database("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_a_damaged_backup_or_another_key_is_refused_and_nothing_is_loaded(demo_backup, tmp_path) -> None:
    folder, key = demo_backup
    other_key = environment(tmp_path / "a", secrets.token_urlsafe(40))
    refused = restore_into(folder, other_key)
    assert refused.returncode == 1 and "密钥" in refused.stderr
    damaged = tmp_path / "damaged"
    shutil.copytree(folder, damaged)
    data = damaged / "data.json"
    data.write_text(data.read_text(encoding="utf-8").replace("办公室", "改动", 1), encoding="utf-8")
    env = environment(tmp_path / "b", key)
    refused = restore_into(damaged, env)
    assert refused.returncode == 1 and "校验值不符" in refused.stderr
    assert luoshi(env, "audit", "verify").stdout.startswith("审计日志完整：共校验 0 条")


def test_a_backup_carries_the_audit_anchors_and_the_restored_system_verifies_both(
    demo_backup, tmp_path
) -> None:
    """Issue S-4: the backup holds the signed heads and the audit key's fingerprint (never the
    key); after a restore `luoshi audit verify` checks the chain and the anchors."""
    folder, key = demo_backup
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["audit_key"] and key not in (folder / "manifest.json").read_text(encoding="utf-8")
    last = json.loads((folder / "audit_anchor.log").read_text(encoding="utf-8").splitlines()[-1])
    assert last["seq"] == manifest["counts"]["audit.AuditEvent"]
    env = environment(tmp_path, key)
    assert restore_into(folder, env).returncode == 0
    verified = luoshi(env, "audit", "verify")
    assert verified.returncode == 0 and "外部锚点一致" in verified.stdout, verified.stdout + verified.stderr
    other = environment(tmp_path / "other", key) | {"LUOSHI_AUDIT_KEY": "not-the-key-of-the-backup"}
    refused = restore_into(folder, other)
    assert refused.returncode == 1 and "审计日志密钥" in refused.stderr


def test_the_data_folder_and_database_file_are_private(tmp_path) -> None:
    """Issue S-7: the SQLite file and the secret key are readable by the service alone (0600),
    the data folder is 0700, whatever the umask."""
    data = tmp_path / "fresh"
    env = environment(data, secrets.token_urlsafe(40))
    del env["LUOSHI_SECRET_KEY"]  # generated into the data folder
    result = subprocess.run(
        ["/bin/sh", "-c", f'umask 022 && exec "{sys.executable}" -m luoshi.cli manage migrate -v0'],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    mode = {p.name: oct(p.stat().st_mode & 0o777) for p in [data, *data.iterdir()]}
    assert mode["fresh"] == "0o700"
    assert mode["luoshi.sqlite3"] == "0o600" and mode["secret_key"] == "0o600"
    assert all(m == "0o600" for name, m in mode.items() if name.startswith("luoshi.sqlite3")), mode
