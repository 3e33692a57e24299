"""Load on loopback (issue S-9, SECURITY.md row 27): simulated users over the demo for a
bounded time against a real `luoshi serve` on 127.0.0.1, with its own data folder.

A small threaded client of our own (standard library only, nothing to pin): each user is
one thread with its own connection and a think time of 0.5–2 s between actions —
browsing pages (home, 我的待办, the ledger, an occurrence), reading the API, reporting
with an evidence file, reviewing (accept or return, so that returned work is reported
again), and exporting the ledger. Figures: p95 per kind and overall, the error rate
(server errors and failed connections; 429s from the rate limits and clean refusals of
a race — "already reviewed" — are counted apart), and the server process's resident
memory sampled every 5 s.

`make bench` runs the full test (50 users, 5 minutes); `python -m bench.bench_load
--quick` a short one (20 users, 60 s). Results go to bench/results/load-<time>.json and .md.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import ROOT, report

HOST = "127.0.0.1"
PASSWORD = "Load-pass-2022"
BROWSERS = ["jgdw", "jijian", "lingdao", "dangyuan1", "zhibu1", "zhibu2"]
REPORTERS = ["zhibu1", "zhibu2"]
REVIEWERS = ["jgdw"]
EXPORTERS = ["jgdw", "jijian", "lingdao", "zhibu1", "zhibu2"]
# Of every 10 simulated users: 4 browse, 3 report, 2 review, 1 exports.
MIX = ["browse"] * 4 + ["report"] * 3 + ["review"] * 2 + ["export"]
P95_LIMIT = 1.0
ERROR_LIMIT = 0.001


@dataclass
class Results:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    failures: list[str] = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values, default=0.0)


class User:
    """One simulated person: a connection, a session cookie for pages, a token for the API."""

    def __init__(self, port: int, results: Results, cookie: str, token: str, rng: random.Random) -> None:
        self.port, self.results, self.cookie, self.token, self.rng = port, results, cookie, token, rng
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self,
        kind: str,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        api: bool = False,
        refusals: tuple[int, ...] = (),
    ) -> tuple[int, bytes]:
        headers = dict(headers or {})
        if api:
            headers["Authorization"] = f"Bearer {self.token}"
        else:
            headers["Cookie"] = self.cookie
        start = time.perf_counter()
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            if self.conn is not None:
                self.conn.close()
            self.conn = None
            status, data = 0, b""
            with self.results.lock:
                self.results.failures.append(f"{method} {path}: {error!r}"[:200])
        elapsed = time.perf_counter() - start
        # A clean refusal of a race (somebody reviewed first) is its own column: kind + "·拒绝".
        self.results.add(kind if status not in refusals else f"{kind}·拒绝", status, elapsed)
        return status, data

    def api_json(self, kind: str, path: str) -> Any:
        status, data = self.request(kind, "GET", path, api=True)
        return json.loads(data) if status == 200 else None

    # --- what people do -------------------------------------------------------------

    def browse(self) -> None:
        choice = self.rng.random()
        if choice < 0.25:
            self.request("页面", "GET", "/")
        elif choice < 0.45:
            self.request("页面", "GET", "/work/my/")
        elif choice < 0.65:
            self.request("页面", "GET", "/tasks/ledger/")
        elif choice < 0.85:
            page = self.api_json("列表API", f"/api/occurrences?limit=50&offset={self.rng.randint(0, 100)}")
            if page and page["items"]:
                occ = self.rng.choice(page["items"])
                self.request("页面", "GET", f"/work/occurrences/{occ['id']}/")
        else:
            self.api_json("列表API", "/api/occurrences/counts")

    def report(self) -> None:
        page = self.api_json("列表API", "/api/occurrences?mine=1&status=not_started&limit=100")
        if not page or not page["items"]:
            page = self.api_json("列表API", "/api/occurrences?mine=1&status=returned&limit=100")
        if not page or not page["items"]:
            return self.browse()
        occ = self.rng.choice(page["items"])
        body, content_type = multipart(
            {"text": f"已按要求完成，召开会议{self.rng.randint(1, 5)}次。", "count": "1"},
            ("files", "会议照片.png", PNG),
        )
        self.request(
            "报送",
            "POST",
            f"/api/occurrences/{occ['id']}/reports",
            body,
            {"Content-Type": content_type},
            api=True,
            refusals=(400, 409),
        )

    def review(self) -> None:
        queue = self.api_json("列表API", "/api/reviews?limit=20")
        if not queue or not queue["items"]:
            return self.browse()
        occ = self.api_json("列表API", f"/api/occurrences/{self.rng.choice(queue['items'])['id']}")
        waiting = [r for r in (occ or {}).get("reports", []) if r["status"] == "submitted"]
        if not waiting:
            return None
        accept = self.rng.random() < 0.6
        payload = {"decision": "accept"} if accept else {"decision": "return", "comment": "请补充会议记录。"}
        self.request(
            "审核",
            "POST",
            f"/api/reports/{waiting[0]['id']}/review",
            json.dumps(payload).encode(),
            {"Content-Type": "application/json"},
            api=True,
            refusals=(400, 409),
        )
        return None

    def export(self) -> None:
        which = self.rng.choice(["xlsx", "occurrences"])
        self.request("导出", "GET", f"/tasks/ledger/?export={which}")

    def run(self, role: str, until: float) -> None:
        action = getattr(self, role)
        think = (4.0, 8.0) if role == "export" else (0.5, 2.0)
        time.sleep(self.rng.uniform(0, 3))  # not all at the same instant
        while time.monotonic() < until:
            action()
            time.sleep(self.rng.uniform(*think))
        if self.conn is not None:
            self.conn.close()


def multipart(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    name, filename, data = file
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        f"Content-Type: image/png\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _png() -> bytes:
    sys.path.insert(0, str(ROOT))
    from luoshi.core.samplefiles import png_bytes

    return png_bytes(64, 48)


PNG = _png()


def login(port: int, username: str) -> str:
    """A page session, through the login page as a browser does (CSRF token included)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", "/accounts/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf_cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf_cookie and token, "login page without a CSRF token"
    body = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={token.group(1)}"
    conn.request(
        "POST",
        "/accounts/login/",
        body=body.encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.group(1)}",
            "Referer": f"http://{HOST}:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies = response.getheader("Set-Cookie") or ""
    session = re.search(r"(luoshi_session|sessionid)=([^;]+)", cookies)
    assert response.status == 302 and session, f"{username} could not log in ({response.status})"
    conn.close()
    return f"csrftoken={csrf_cookie.group(1)}; {session.group(1)}={session.group(2)}"


def rss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) if match else 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def run(users: int, seconds: int) -> dict[str, Any]:
    port = int(os.environ.get("LUOSHI_BENCH_PORT") or free_port())
    data_dir = Path(tempfile.mkdtemp(prefix="luoshi-load-"))
    env = os.environ | {"LUOSHI_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "luoshi.settings"}
    env.pop("LUOSHI_DATABASE_URL", None)  # its own SQLite file, never somebody's database
    env.pop("LUOSHI_REDIS_URL", None)  # and its own queue file
    if os.environ.get("LUOSHI_BENCH_DATABASE_URL"):
        env["LUOSHI_DATABASE_URL"] = os.environ["LUOSHI_BENCH_DATABASE_URL"]
    roles = [MIX[i % len(MIX)] for i in range(users)]
    pools = {"browse": BROWSERS, "report": REPORTERS, "review": REVIEWERS, "export": EXPORTERS}
    # The n-th user of a role is the n-th account of its pool, round robin within the role.
    people = [pools[role][roles[:i].count(role) % len(pools[role])] for i, role in enumerate(roles)]
    wanted = {name: people.count(name) for name in set(people)}
    print(f"  准备数据（{data_dir}）…", flush=True)
    setup = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "bench.load_setup", PASSWORD, json.dumps(wanted)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    tokens: dict[str, list[str]] = json.loads(setup.stdout.strip().splitlines()[-1])["tokens"]
    luoshi = str(Path(sys.executable).parent / "luoshi")
    # The server's output goes to a file: a pipe nobody reads fills up and stops the server.
    server_log = (data_dir / "serve.log").open("w")
    server = subprocess.Popen(  # noqa: S603 - our own command
        [luoshi, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection((HOST, port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("服务未能启动") from None
                time.sleep(0.5)
        cookies = {name: login(port, name) for name in sorted(set(people))}
        results = Results()
        load_before = os.getloadavg()
        memory: list[tuple[float, int]] = []
        started = time.monotonic()
        until = started + seconds
        threads = []
        for i, (role, name) in enumerate(zip(roles, people, strict=True)):
            user = User(port, results, cookies[name], tokens[name].pop(), random.Random(i))
            threads.append(threading.Thread(target=user.run, args=(role, until), daemon=True))
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            memory.append((round(time.monotonic() - started, 1), rss_kib(server.pid)))
            time.sleep(5)
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    server_log.close()
    summary = summarise(results, memory, users, seconds)
    lines = (data_dir / "serve.log").read_text(errors="replace").splitlines()
    summary["server_log_lines"] = len(lines)
    summary["server_log_tail"] = lines[-15:]
    summary["host"] = (
        f"{os.cpu_count()} CPU；开始时负载 {load_before[0]:.1f}，结束时 {os.getloadavg()[0]:.1f}（1 分钟平均）"
    )
    return summary


def summarise(results: Results, memory: list[tuple[float, int]], users: int, seconds: int) -> dict[str, Any]:
    all_ok: list[float] = []
    kinds = {}
    total = errors = throttled = refused = 0
    for kind, values in sorted(results.latencies.items()):
        statuses = dict(results.statuses[kind])
        n = sum(statuses.values())
        total += n
        kind_errors = sum(c for s, c in statuses.items() if s == 0 or s >= 500)
        kind_throttled = statuses.get(429, 0)
        if kind.endswith("·拒绝"):
            refused += n
        else:
            errors += kind_errors + sum(
                c for s, c in statuses.items() if 400 <= s < 500 and s != 429
            )  # any other 4xx of an ordinary action is an error too
            throttled += kind_throttled
            all_ok.extend(values)
        kinds[kind] = {
            "requests": n,
            "p50_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(p95(values) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
            "statuses": {str(s): c for s, c in sorted(statuses.items())},
        }
    counted = total - throttled - refused
    steady = [kib for at, kib in memory if at >= min(60, seconds / 3)]
    return {
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "users": users,
        "seconds": seconds,
        "requests": total,
        "throughput_per_s": round(total / seconds, 1),
        "p95_ms": round(p95(all_ok) * 1000, 1),
        "errors": errors,
        "error_rate": round(errors / counted, 5) if counted else 0.0,
        "throttled_429": throttled,
        "refused_races": refused,
        "kinds": kinds,
        "memory_kib": memory,
        "memory_first_kib": steady[0] if steady else 0,
        "memory_last_kib": steady[-1] if steady else 0,
        "memory_max_kib": max((k for _, k in memory), default=0),
        "failures": results.failures[:20],
    }


def write(summary: dict[str, Any]) -> Path:
    folder = ROOT / "bench" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = summary["at"].replace(":", "").replace("-", "")[:15]
    path = folder / f"load-{stamp}-{summary['users']}u-{summary['seconds']}s.json"
    path.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    lines = [
        f"# 负载测试 {summary['at']}：{summary['users']} 个模拟用户，{summary['seconds']} 秒",
        "",
        f"机器：{summary['host']}（与其他工程师共用）",
        "",
        f"- 请求 {summary['requests']} 个（{summary['throughput_per_s']}/s），p95 {summary['p95_ms']} ms",
        f"- 错误 {summary['errors']} 个（{summary['error_rate']:.3%}），429 另计 {summary['throttled_429']} 个，"
        f"竞争下的正常拒绝 {summary['refused_races']} 个",
        f"- 服务进程内存（稳定后）{summary['memory_first_kib'] // 1024} → {summary['memory_last_kib'] // 1024} MiB，"
        f"峰值 {summary['memory_max_kib'] // 1024} MiB",
        "",
        "| 类别 | 请求 | p50 ms | p95 ms | 最大 ms | 状态码 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, k in summary["kinds"].items():
        lines.append(
            f"| {kind} | {k['requests']} | {k['p50_ms']} | {k['p95_ms']} | {k['max_ms']} | {k['statuses']} |"
        )
    path.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv or os.environ.get("LUOSHI_BENCH_QUICK") == "1"
    users, seconds = (20, 60) if quick else (50, 300)
    users = int(os.environ.get("LUOSHI_BENCH_USERS") or users)
    seconds = int(os.environ.get("LUOSHI_BENCH_SECONDS") or seconds)
    summary = run(users, seconds)
    path = write(summary)
    print(f"  {users} 个模拟用户 {seconds} 秒：{summary['requests']} 个请求，结果见 {path.relative_to(ROOT)}")
    report("p95（全部请求，429 与竞争拒绝除外）", summary["p95_ms"] / 1000, "s", P95_LIMIT)
    for kind in ("页面", "报送"):
        if kind in summary["kinds"]:
            report(f"p95（{kind}）", summary["kinds"][kind]["p95_ms"] / 1000, "s", P95_LIMIT)
    report("错误率", summary["error_rate"] * 100, "%", ERROR_LIMIT * 100)
    print(
        f"  429（限流）{summary['throttled_429']} 个另计；内存 {summary['memory_first_kib'] // 1024} → "
        f"{summary['memory_last_kib'] // 1024} MiB（峰值 {summary['memory_max_kib'] // 1024} MiB）",
        flush=True,
    )


if __name__ == "__main__":
    main()
