"""The measured server: production settings, one single-worker gunicorn process, its Redis and jobs worker.

Exactly what deploy/systemd runs per core (`gunicorn -c deploy/gunicorn.conf.py`, gthread, one
worker), with the Redis message queue and rate-limit storage and `flask jobs run` beside it, over
a working copy of the benchmark database (SQLite: copied afresh each run, so every run starts from
the same data). The ceiling is a trivial Flask app under the same gunicorn config.
"""

import os
import secrets
import shutil
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from deploy.processes import Child, StackError, free_port, http_ok
from deploy.stack import ROOT

GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
# The jobs worker's pass interval in deploy/systemd/rollcall-jobs.service.
JOBS_INTERVAL = 5.0


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases)."""
    parsed = make_url(url)
    return Path(parsed.database) if parsed.get_backend_name() == "sqlite" and parsed.database else None


def working_copy(url: str, state: Path) -> str:
    """A fresh copy of a SQLite benchmark database under `state` (other databases are used as they are)."""
    source = sqlite_path(url)
    if source is None:
        return url
    if not source.exists():
        raise StackError(f"{source} does not exist: build it first (make bench-data)")
    target = state / "bench-run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)  # consistent even if a WAL is left beside the source
    dst.close()
    src.close()
    return f"sqlite:///{target}"


def index_for(database_url: str, state: Path) -> Path:
    """The search index of a benchmark database: kept beside a SQLite file, so runs reuse it."""
    source = sqlite_path(database_url)
    return Path(f"{source}.search-index") if source else state / "search-index"


def signature(database_url: str) -> str:
    """What the search index was built from: the newest post and reply ids and the people count."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT (SELECT max(id) FROM posts), (SELECT max(id) FROM replies), (SELECT count(*) FROM users)"
                )
            ).one()
    finally:
        engine.dispose()
    return " ".join(str(v) for v in row)


def drop_stale_index(database_url: str, index: Path) -> None:
    """Remove the index if it was built from another organisation (bench.generate --force)."""
    source = index / ".bench-source"
    if source.exists() and source.read_text().strip() != signature(database_url):
        shutil.rmtree(index)


def mark_index(database_url: str, index: Path) -> None:
    """Note what the index was built from (see drop_stale_index)."""
    if index.exists() and not (index / ".bench-source").exists():
        (index / ".bench-source").write_text(signature(database_url))


def rss_kb(pid: int) -> dict[str, int]:
    """Resident memory of a process in kB: now (VmRSS = RssAnon + RssFile + shared) and peak (VmHWM).

    RssFile is mapped files (Whoosh maps its index segments): page cache the kernel can reclaim.
    """
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            values[key] = int(rest.split()[0])
    return values


def children_of(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's worker under its arbiter)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(p) for p in text]
    return found


@dataclass
class Server:
    """A running web process (and, unless `ceiling`, its Redis and jobs worker)."""

    database_url: str
    state: Path
    threads: int = 100
    ceiling: bool = False
    jobs_interval: float = JOBS_INTERVAL
    search_index: Path | None = None  # default: beside the database (see index_for)
    port: int = field(default_factory=free_port)
    children: dict[str, Child] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Where it answers."""
        return f"http://127.0.0.1:{self.port}"

    def _env(self, redis_port: int, index_dir: Path) -> dict[str, str]:
        queue = f"redis://127.0.0.1:{redis_port}/0"
        return {
            **os.environ,
            "ROLLCALL_CONFIG": "production",
            "SECRET_KEY": secrets.token_urlsafe(32),
            "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
            "BASE_URL": self.url,
            "DATABASE_URL": self.database_url,
            "SEARCH_INDEX_DIR": str(index_dir),
            "MEDIA_DIR": str(self.state / "media"),
            "OUTBOX_DIR": str(self.state / "outbox"),
            "SOCKETIO_MESSAGE_QUEUE": queue,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/1",
            # The limits still count in Redis on every call; only their ceilings are lifted, so
            # the benchmark measures the app rather than its 429s.
            "API_RATE_LIMIT": "10000000 per minute",
            "LOGIN_RATE_LIMIT": "10000 per minute",
            "WEB_THREADS": str(self.threads),
            "FLASK_APP": "wsgi",
            "PYTHONUNBUFFERED": "1",
        }

    def _child(self, name: str, argv: list[str], **kwargs) -> Child:
        child = Child(name, argv, self.env, ROOT, self.state / "logs" / f"{name}.log", **kwargs)
        self.children[name] = child
        return child

    def _gunicorn(self, app: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(GUNICORN_CONF),
            "-b",
            f"127.0.0.1:{self.port}",
            app,
        ]

    def _run_once(self, name: str, argv: list[str], timeout: float = 900) -> None:
        child = Child(name, argv, self.env, ROOT, self.state / "logs" / f"{name}.log")
        child.start()
        if child.popen.wait(timeout) != 0:
            raise StackError(f"{' '.join(argv[:5])} failed; see {child.log}\n{child.tail()}")

    def start(self) -> "Server":
        """Start everything and wait until the web process answers /healthz."""
        self.state.mkdir(parents=True, exist_ok=True)
        try:
            if self.ceiling:
                self.env = {**os.environ, "WEB_THREADS": str(self.threads), "PYTHONUNBUFFERED": "1"}
                self._child(
                    "ceiling", self._gunicorn("bench.ceiling:app"), ready=http_ok(f"{self.url}/healthz")
                )
                self._launch("ceiling")
                return self
            redis_port = free_port()
            self.env = self._env(redis_port, self.index_dir())
            self._child(
                "redis",
                [
                    "redis-server",
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                ready=lambda: _pings(redis_port),
            )
            self._launch("redis")
            flask = [sys.executable, "-m", "flask"]
            self._run_once("migrate", [*flask, "db", "upgrade"])
            if self._index_stale():
                self._run_once("reindex", [*flask, "search", "reindex", "--procs", "2"])
            self._child("web", self._gunicorn("wsgi:app"), ready=http_ok(f"{self.url}/healthz"))
            self._launch("web")
            self._child("jobs", [*flask, "jobs", "run", "--interval", str(self.jobs_interval)])
            self._launch("jobs")
        except BaseException:
            self.stop()
            raise
        return self

    def index_dir(self) -> Path:
        """Where the search index lives."""
        return self.search_index or index_for(self.database_url, self.state)

    def _index_stale(self) -> bool:
        # The migration's app start creates an empty index marked for rebuilding; build it here,
        # before serving, rather than let the jobs worker rebuild it while we measure.
        index = self.index_dir()
        version = index / ".schema-version"
        return not version.exists() or (index / ".rebuild-needed").exists()

    def _launch(self, name: str) -> None:
        self.children[name].start()
        self.children[name].wait_ready(timeout=120)

    def worker_pid(self) -> int:
        """The gunicorn worker that serves requests (the arbiter's child)."""
        name = "ceiling" if self.ceiling else "web"
        arbiter = self.children[name].pid
        for _ in range(50):
            pids = children_of(arbiter)
            if pids:
                return pids[0]
            time.sleep(0.1)
        raise StackError("gunicorn has no worker")

    def memory(self) -> dict[str, dict[str, int]]:
        """Resident memory (now and peak, kB) of every process we run."""
        out = {"web worker": rss_kb(self.worker_pid())}
        for name, child in self.children.items():
            if child.pid:
                out[{"web": "gunicorn arbiter", "ceiling": "gunicorn arbiter"}.get(name, name)] = rss_kb(
                    child.pid
                )
        return out

    def stop(self) -> None:
        """Stop the web process and the worker, then Redis."""
        for name in ("ceiling", "web", "jobs", "redis"):
            if name in self.children:
                self.children[name].stop()


def _pings(port: int) -> bool:
    try:
        return bool(redis.Redis(port=port, socket_timeout=0.5).ping())
    except redis.RedisError:
        return False


def clean_state(state: Path) -> None:
    """Remove a previous run's logs and media (the index and the base database stay)."""
    for name in ("logs", "media", "outbox"):
        shutil.rmtree(state / name, ignore_errors=True)
