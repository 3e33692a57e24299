"""LUOSHI_REDIS_URL puts the queue in Redis (production, several machines): checked
against the Redis at 127.0.0.1:6379, database 5, and skipped when it does not answer."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("LUOSHI_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")

# A process configured by the environment alone: which huey it builds, and one periodic
# job enqueued through it.
PROBE = """
import django
django.setup()
from huey.contrib.djhuey import HUEY
from luoshi.jobs.queue import PERIODIC
HUEY.flush()
next(job for job in PERIODIC if job.name == "work.mark_overdue").task()
from luoshi.jobs.worker import queue_description
print(type(HUEY).__name__, HUEY.name, queue_description())
"""


def redis_or_skip() -> object:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"跳过 Redis 测试：{REDIS_URL} 无响应（{type(error).__name__}）")
    return client


def test_the_queue_is_in_redis_when_luoshi_redis_url_is_set() -> None:
    redis_or_skip()
    from huey import RedisHuey

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "luoshi.settings", "LUOSHI_REDIS_URL": REDIS_URL}
    env.pop("LUOSHI_DATABASE_URL", None)  # the probe touches no database
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    where = urlsplit(REDIS_URL)
    assert result.stdout.split() == [
        "RedisHuey",
        "luoshi",
        "Redis",
        f"{where.hostname}:{where.port}{where.path}",
    ]
    # Another process (a worker on another machine) sees the job waiting in Redis.
    other = RedisHuey("luoshi", url=REDIS_URL)
    try:
        assert other.pending_count() == 1
        from luoshi.jobs.queue import HUEY  # this process's registry reads the message

        task = HUEY.deserialize_task(other.storage.dequeue())
        assert task.name == "work.mark_overdue"
    finally:
        other.flush()
