"""The worker as users run it: `luoshi worker` and `luoshi serve` as real processes, on the
test database and the test data folder's huey file."""

from __future__ import annotations

import io
import os
import queue as stdqueue
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from luoshi.conftest import login
from luoshi.jobs.choices import JobStatus
from luoshi.jobs.models import Job
from luoshi.jobs.queue import HUEY
from luoshi.work.choices import OccurrenceStatus
from luoshi.work.models import Occurrence

pytestmark = pytest.mark.django_db(transaction=True)


def child_env() -> dict[str, str]:
    """The environment of a luoshi process that shares this test's database, data folder
    and queue."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "luoshi.settings",
        "LUOSHI_DATA_DIR": str(settings.DATA_DIR),
    }
    env["LUOSHI_MEDIA_DIR"] = str(settings.MEDIA_ROOT)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["LUOSHI_DATABASE_URL"] = ""
        env["LUOSHI_SQLITE_PATH"] = str(db["NAME"])
    else:
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        env["LUOSHI_DATABASE_URL"] = (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env.pop("LUOSHI_REDIS_URL", None)
    return env


class Process:
    """A luoshi command in the background whose output lines can be waited for."""

    def __init__(self, *args: str) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "luoshi.cli", *args],
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: stdqueue.Queue[str] = stdqueue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        for line in self.output:
            if text in line:
                return line
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except stdqueue.Empty:
                if self.popen.poll() is not None and self.lines.empty():
                    break
                continue
            self.output.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout} s; output: {''.join(self.output)}")

    def rest(self) -> str:
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return "".join(self.output)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()


@contextmanager
def started(*args: str) -> Iterator[Process]:
    process = Process(*args)
    try:
        yield process
    finally:
        process.stop()


def gone(pid: int) -> bool:
    """The process has exited (a zombie nobody has reaped yet counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def eventually(check: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout} s")


def worker_pid(line: str) -> int:
    return int(line.split("进程 ", 1)[1].split("，", 1)[0])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_export_queued_while_no_worker_runs_is_built_when_one_starts(demo, monkeypatch) -> None:
    """A large export survives a restart: the server queues it and may stop; the job is
    built whenever a worker runs next, and a worker that dies mid-job leaves it to the next."""
    from luoshi.tasks import views

    HUEY.flush()
    monkeypatch.setattr(views, "INLINE_EXPORT_LIMIT", 10)
    plan_id = Occurrence.objects.order_by("id").values_list("duty__task__plan", flat=True).first()
    late = Occurrence.objects.filter(duty__task__plan=plan_id).order_by("id").first()
    Occurrence.objects.filter(pk=late.pk).update(
        status=OccurrenceStatus.NOT_STARTED, due_date=timezone.localdate() - timezone.timedelta(days=1)
    )
    client = login(Client(), "jgdw")
    url = client.get(f"/tasks/ledger/?plan={plan_id}&export=occurrences").url
    job = Job.objects.get(pk=int(url.strip("/").rsplit("/", 1)[1]))
    assert job.status == JobStatus.QUEUED and HUEY.pending_count() == 1

    with started("worker") as worker:
        first = worker_pid(worker.wait_for("后台任务已启动"))
        eventually(lambda: Job.objects.get(pk=job.pk).status == JobStatus.DONE)
        eventually(lambda: Occurrence.objects.get(pk=late.pk).status == OccurrenceStatus.OVERDUE)
        download = client.get(f"/jobs/{job.pk}/download/")
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
        assert sheet.max_row - 3 == Occurrence.objects.filter(duty__task__plan=plan_id).count()
        worker.popen.kill()  # dies without a word, as on a crash or a power cut
        worker.popen.wait()

    # As if the dead worker had taken a second export from the queue and was building it.
    again = Job.objects.create(
        requested_by=job.requested_by,
        kind="occurrences",
        query=job.query,
        total=job.total,
        file_name=job.file_name,
        status=JobStatus.RUNNING,
        attempts=1,
        worker=f"{socket.gethostname()}:{first}:0000",
        heartbeat_at=timezone.now(),
    )
    with started("worker") as worker:
        worker.wait_for("后台任务已启动")
        eventually(lambda: Job.objects.get(pk=again.pk).status == JobStatus.DONE)
        assert Job.objects.get(pk=again.pk).attempts == 2
        worker.popen.send_signal(signal.SIGINT)  # Ctrl+C
        assert worker.popen.wait(30) == 0
        assert "后台任务已停止" in worker.rest()
    HUEY.flush()


def test_serve_runs_the_worker_beside_it_and_ctrl_c_stops_both(demo) -> None:
    port = free_port()
    with started("serve", "--port", str(port)) as server:
        pid = worker_pid(server.wait_for("后台任务已启动"))
        server.wait_for("落实已启动")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10) as page:  # noqa: S310
            assert page.status == 200
        # A second server on the same port refuses in Chinese and starts no worker.
        with started("serve", "--port", str(port)) as second:
            assert second.popen.wait(60) == 1
            assert "端口可能已被占用" in second.rest() and "后台任务已启动" not in second.rest()
        server.popen.send_signal(signal.SIGINT)
        assert server.popen.wait(30) == 0
        assert gone(pid)


def test_a_worker_started_by_serve_stops_when_serve_is_killed(demo) -> None:
    with started("serve", "--port", str(free_port())) as server:
        pid = worker_pid(server.wait_for("后台任务已启动"))
        server.popen.kill()
        server.popen.wait()
        eventually(lambda: gone(pid), timeout=20)


def test_serve_without_worker_starts_none(demo) -> None:
    with started("serve", "--port", str(free_port()), "--no-worker") as server:
        server.wait_for("落实已启动")
        time.sleep(1)
        server.popen.send_signal(signal.SIGINT)
        assert server.popen.wait(30) == 0
        assert "后台任务已启动" not in server.rest() and "另行运行 luoshi worker" in server.rest()


def test_serve_says_so_when_its_worker_dies(demo) -> None:
    with started("serve", "--port", str(free_port())) as server:
        pid = worker_pid(server.wait_for("后台任务已启动"))
        os.kill(pid, signal.SIGKILL)
        server.wait_for("后台任务已意外退出")
        server.popen.send_signal(signal.SIGINT)
        assert server.popen.wait(30) == 0
