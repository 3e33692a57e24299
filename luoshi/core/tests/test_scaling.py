"""Past one machine, each one setting away (issue T-4, docs/scaling.md), tested against
real engines on this machine: a PostgreSQL hot standby for reads, psycopg's connection pool,
and Redis for the cache and sessions. Each test says why when its engine is not configured;
`make test` runs the replica leg when the standby of `.ci/standby` answers on 127.0.0.1:5433.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext

from luoshi.conftest import login

REPLICA = "replica" in settings.DATABASES
needs_replica = pytest.mark.skipif(
    not REPLICA,
    reason="跳过只读副本测试：未设置 LUOSHI_DATABASE_REPLICA_URL（make test 在热备库 127.0.0.1:5433 应答时设置）",
)
POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_replica_is_a_standby_that_receives_the_primarys_writes(demo) -> None:
    from luoshi.orgs.models import Organization

    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    org = Organization.objects.using("default").order_by("pk").first()
    Organization.objects.using("default").filter(pk=org.pk).update(duty_keywords="副本同步检查")
    for _ in range(50):
        if Organization.objects.using("replica").get(pk=org.pk).duty_keywords == "副本同步检查":
            break
        time.sleep(0.1)
    assert Organization.objects.using("replica").get(pk=org.pk).duty_keywords == "副本同步检查"


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_writer_reads_its_report_back_at_once_and_other_pages_read_the_replica(demo) -> None:
    from django.test import Client

    from luoshi.work.models import Occurrence, OccurrenceStatus

    occ = (
        Occurrence.objects.filter(org__name="办公室党支部", status=OccurrenceStatus.NOT_STARTED)
        .order_by("due_date")
        .first()
    )
    writer = login(Client(), "zhibu1")
    writer.cookies.pop("luoshi_primary", None)  # the login itself wrote

    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert writer.get("/work/my/").status_code == 200
    assert len(on_replica) > 0  # a page that wrote nothing reads the standby

    posted = writer.post(
        f"/work/occurrences/{occ.pk}/report/", {"text": "副本读写一致性检查：已完成。", "count": ""}
    )
    assert posted.status_code == 302
    assert "luoshi_primary" in posted.cookies  # the browser is pinned to the primary for a while
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        page = writer.get(posted["Location"])
    assert "副本读写一致性检查" in page.content.decode()
    assert len(on_replica) == 0


@needs_replica
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_transactions_accounts_and_audit_never_read_the_replica(demo) -> None:
    from django.db import router

    from luoshi.accounts.models import User
    from luoshi.audit.models import AuditEvent
    from luoshi.core.dbrouter import reset_pin
    from luoshi.orgs.models import Organization

    token = reset_pin()
    try:
        assert router.db_for_read(Organization) == "replica"
        assert router.db_for_read(User) == "default"
        assert router.db_for_read(AuditEvent) == "default"
        with transaction.atomic():
            assert router.db_for_read(Organization) == "default"
        Organization.objects.filter(pk=0).update(order=0)  # a write pins what follows
        assert router.db_for_read(Organization) == "default"
    finally:
        token.var.reset(token)


def _test_database_env() -> dict[str, str]:
    """What a second process needs to open the test database that exists now."""
    db = connections["default"].settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return {"LUOSHI_DATABASE_URL": "", "LUOSHI_SQLITE_PATH": str(db["NAME"])}
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {"LUOSHI_DATABASE_URL": url, "LUOSHI_DATABASE_REPLICA_URL": ""}


def _in_subprocess(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings_test", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(
    not POSTGRES, reason="跳过连接池测试：连接池只用于 PostgreSQL（make test 的 PostgreSQL 一轮）"
)
@pytest.mark.django_db
def test_a_pool_of_two_serves_eight_threads_with_two_server_connections() -> None:
    """LUOSHI_DB_POOL=2: eight threads querying at once share two PostgreSQL backends."""
    code = """
import django, threading
django.setup()
from django.db import connection
pids, errors = set(), []
def work():
  try:
    for _ in range(10):
        with connection.cursor() as c:
            c.execute("SELECT pg_backend_pid(), pg_sleep(0.01)")
            pids.add(c.fetchone()[0])
        connection.close()  # back to the pool
  except Exception as error:
    errors.append(repr(error))
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
assert not errors, errors
print(len(pids), connection.settings_dict["OPTIONS"]["pool"]["max_size"])
"""
    done = _in_subprocess(code, LUOSHI_DB_POOL="2", **_test_database_env())
    assert done.returncode == 0, done.stderr[-2000:]
    backends, size = map(int, done.stdout.split())
    assert size == 2 and 1 <= backends <= 2


def _redis_url() -> str:
    import redis

    url = os.environ.get("LUOSHI_TEST_CACHE_URL", "redis://127.0.0.1:6379/6")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"跳过 Redis 缓存测试：{url} 无响应（{type(error).__name__}）")
    return url


@pytest.mark.django_db(transaction=True)
def test_with_a_cache_url_two_servers_share_rate_limits_and_sessions() -> None:
    """LUOSHI_CACHE_URL: what one app server counts and stores, another one sees — a login
    rate-limit window and a session, written in one process and read in another."""
    url = _redis_url()
    write = """
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from django.contrib.sessions.backends.cached_db import SessionStore
assert settings.SESSION_ENGINE.endswith("cached_db")
cache.clear()
cache.set("luoshi-shared-window", 7, 60)
s = SessionStore(); s["who"] = "zhibu1"; s.create(); print(s.session_key)
"""
    read = """
import django, sys
django.setup()
from django.core.cache import cache
from django.contrib.sessions.backends.cached_db import KEY_PREFIX
# Straight from Redis, not through the database behind cached_db.
print(cache.get("luoshi-shared-window"), cache.get(KEY_PREFIX + sys.argv[1]).get("who"))
"""
    first = _in_subprocess(write, LUOSHI_CACHE_URL=url, **_test_database_env())
    assert first.returncode == 0, first.stderr[-2000:]
    key = first.stdout.strip()
    second = subprocess.run(  # noqa: S603
        [sys.executable, "-c", read, key],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "luoshi.settings_test",
            "LUOSHI_CACHE_URL": url,
            **_test_database_env(),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout.split() == ["7", "zhibu1"]
