"""`luoshi worker`: the huey consumer with the periodic work; and the child process that
`luoshi serve` starts beside the web server, so that `make run` is one command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from django.conf import settings


def queue_description() -> str:
    from huey.contrib.djhuey import HUEY

    filename = getattr(HUEY.storage, "filename", None)
    if filename:
        return f"SQLite {filename}"
    pool = getattr(getattr(HUEY.storage, "conn", None), "connection_pool", None)
    where = pool.connection_kwargs if pool is not None else {}
    return (
        f"Redis {where.get('host', '?')}:{where.get('port', '?')}/{where.get('db', 0)}"  # never the password
    )


def run_once() -> int:
    """The periodic work once, here and now (cron, tests, an operator after a long stop)."""
    from luoshi.jobs.queue import PERIODIC

    for job in PERIODIC:
        if summary := job.task.call_local():
            print(summary, flush=True)
    return 0


def _exit_with(parent: int) -> None:
    """A worker started by `luoshi serve` stops when the server is gone, even one killed
    with SIGKILL that could not stop it: no stray worker outlives `make run`."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGINT)  # the consumer's graceful stop, as Ctrl+C

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_consumer(workers: int | None = None, parent: int | None = None) -> int:
    """Runs until SIGINT (graceful: running jobs get 10 s to finish, then go back into the
    queue) or SIGTERM (at once; running jobs go back into the queue)."""
    from huey.contrib.djhuey import HUEY

    from luoshi.jobs.queue import PERIODIC

    options = dict(settings.HUEY.get("consumer", {}))
    if workers:
        options["workers"] = workers
    consumer = HUEY.create_consumer(
        workers=options.get("workers", 2),
        worker_type=options.get("worker_type", "thread"),
        periodic=True,
        check_worker_health=True,
        shutdown_timeout=10,
    )
    for job in PERIODIC:  # statuses are brought up to date now, not at the next full hour
        job.task()
    if parent:
        _exit_with(parent)
    print(
        f"后台任务已启动（进程 {os.getpid()}，{consumer.workers} 个工作线程，队列：{queue_description()}）",
        flush=True,
    )
    consumer.run()
    print("后台任务已停止。", flush=True)
    return 0


def spawn() -> subprocess.Popen[bytes]:
    """`luoshi worker` as a child of this process, in its own session: Ctrl+C reaches the
    server, which then stops the worker itself (stop), so both end together."""
    return subprocess.Popen(  # noqa: S603 - our own command line
        [sys.executable, "-m", "luoshi.cli", "worker", "--parent", str(os.getpid())],
        start_new_session=True,
    )


def report_exit(child: subprocess.Popen[bytes]) -> threading.Event:
    """Says in the server's terminal if the worker ends on its own (a crash, a database
    that does not answer), so that nobody waits for exports that will not come. Set the
    returned event before stopping the worker on purpose."""
    stopping = threading.Event()

    def watch() -> None:
        code = child.wait()
        if not stopping.is_set():
            print(
                f"后台任务已意外退出（退出码 {code}）：导出和逾期标记暂停，请查看上方日志后重新启动。",
                file=sys.stderr,
                flush=True,
            )

    threading.Thread(target=watch, name="worker-watch", daemon=True).start()
    return stopping


def stop(child: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if child.poll() is not None:
        return
    child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
