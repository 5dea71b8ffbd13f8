"""The load client: wrk when it is installed (Debian: apt-get install wrk), else a threaded Python client.

Both keep connections alive, run `concurrency` requests at a time for a warm-up and then for the
measured duration, and report requests/s, p50/p95/p99 latency and how many answers were 4xx/5xx.
A body template's "{n}" becomes a number unique to each request (posts that differ).
"""

import http.client
import json
import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class Load:
    """One kind of request to repeat."""

    url: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    paths: list[str] = field(default_factory=list)  # taken in turn instead of the URL's own path


@dataclass
class Result:
    """What a run measured (latencies in ms)."""

    rps: float
    p50: float
    p95: float
    p99: float
    requests: int
    status_4xx: int
    status_5xx: int
    errors: int
    tool: str
    concurrency: int


def tool_name() -> str:
    """wrk if present (unless BENCH_CLIENT=python), else the Python client."""
    wanted = os.environ.get("BENCH_CLIENT", "")
    if wanted == "python" or (wanted != "wrk" and shutil.which("wrk") is None):
        return "python"
    return "wrk"


def run(load: Load, concurrency: int, duration: float, warmup: float = 3.0) -> Result:
    """Warm up, then measure for `duration` seconds."""
    go = _wrk if tool_name() == "wrk" else _python
    if warmup > 0:
        go(load, concurrency, warmup)
    return go(load, concurrency, duration)


def _wrk(load: Load, concurrency: int, duration: float) -> Result:
    argv = ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{max(duration, 1):.0f}s"]
    argv += ["--timeout", "10s", "-s", str(LUA)]
    for name, value in load.headers.items():
        argv += ["-H", f"{name}: {value}"]
    env = {
        **os.environ,
        "BENCH_METHOD": load.method,
        "BENCH_BODY": load.body or "",
        "BENCH_PATHS": "\n".join(load.paths),
    }
    done = subprocess.run(
        [*argv, load.url], capture_output=True, text=True, env=env, check=True, timeout=duration + 60
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    return Result(
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        requests=data["requests"],
        status_4xx=data["status_4xx"],
        status_5xx=data["status_5xx"],
        errors=data["socket_errors"],
        tool="wrk",
        concurrency=concurrency,
    )


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of sorted values (nearest rank)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def _python(load: Load, concurrency: int, duration: float) -> Result:
    parts = urlsplit(load.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    statuses: list[list[int]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    deadline = time.perf_counter() + duration

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            body = load.body.replace("{n}", f"{i}x{n}").encode() if load.body else None
            target = load.paths[(n + i) % len(load.paths)] if load.paths else path
            started = time.perf_counter()
            try:
                conn.request(load.method, target, body=body, headers=load.headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
                continue
            latencies[i].append(time.perf_counter() - started)
            statuses[i].append(response.status)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(x * 1000 for per in latencies for x in per)
    codes = [s for per in statuses for s in per]
    return Result(
        rps=len(ordered) / elapsed,
        p50=percentile(ordered, 50),
        p95=percentile(ordered, 95),
        p99=percentile(ordered, 99),
        requests=len(ordered),
        status_4xx=sum(1 for s in codes if 400 <= s < 500),
        status_5xx=sum(1 for s in codes if s >= 500),
        errors=sum(errors),
        tool="python",
        concurrency=concurrency,
    )
