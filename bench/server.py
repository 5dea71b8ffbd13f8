"""The measured server: the production stack the README documents, over the benchmark database.

deploy/stack.py's Stack, as `make run-prod` runs it: nginx (deploy/nginx-site.conf) in front of one
single-worker gunicorn process per core (deploy/gunicorn.conf.py, gthread), the Redis message
queue and rate-limit storage, and `flask jobs run`, over a working copy of the benchmark database
(SQLite: copied afresh each run, so every run starts from the same data). The ceiling is a
trivial Flask app behind the same nginx and gunicorn processes.
"""

import secrets
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from deploy.processes import Child, StackError, free_port
from deploy.stack import Stack, StackConfig

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
    """The production stack (deploy/stack.py) over the benchmark database: nginx, `processes`
    single-worker gunicorn processes, Redis and the jobs worker; or, as `ceiling`, the same nginx
    and gunicorn processes serving bench/ceiling.py."""

    database_url: str
    state: Path
    threads: int = 100
    processes: int = 2
    ceiling: bool = False
    jobs_interval: float = JOBS_INTERVAL
    search_index: Path | None = None  # default: beside the database (see index_for)
    stack: Stack | None = None

    @property
    def url(self) -> str:
        """Where nginx answers."""
        return self.stack.url

    def _config(self) -> StackConfig:
        env = {
            "SECRET_KEY": secrets.token_urlsafe(32),
            "DATABASE_URL": self.database_url,
            "SEARCH_INDEX_DIR": str(self.index_dir()),
            "MEDIA_DIR": str(self.state / "media"),
            "OUTBOX_DIR": str(self.state / "outbox"),
            # The limits still count in Redis on every call; only their ceilings are lifted, so
            # the benchmark measures the app rather than its 429s.
            "API_RATE_LIMIT": "10000000 per minute",
            "LOGIN_RATE_LIMIT": "10000 per minute",
        }
        # The migration's app start creates an empty index marked for rebuilding; build it before
        # serving rather than let the jobs worker rebuild it while we measure.
        reindex = [["search", "reindex", "--procs", "2"]] if self._index_stale() else []
        return StackConfig(
            port=free_port(),
            web_ports=[free_port() for _ in range(self.processes)],
            redis_port=free_port(),
            database_url=self.database_url,
            state_dir=self.state,
            threads=self.threads,
            jobs_interval=self.jobs_interval,
            seed_demo=False,
            env=env,
            app="bench.ceiling:app" if self.ceiling else "wsgi:app",
            backing=not self.ceiling,
            prepare=[] if self.ceiling else reindex,
        )

    def start(self) -> "Server":
        """Start everything and wait until nginx answers /healthz."""
        self.state.mkdir(parents=True, exist_ok=True)
        self.stack = Stack(self._config()).start()
        return self

    def index_dir(self) -> Path:
        """Where the search index lives."""
        return self.search_index or index_for(self.database_url, self.state)

    def _index_stale(self) -> bool:
        index = self.index_dir()
        version = index / ".schema-version"
        return not version.exists() or (index / ".rebuild-needed").exists()

    def web_children(self) -> list[Child]:
        """The gunicorn arbiters, one per process."""
        return [child for name, child in self.stack.children.items() if name.startswith("web-")]

    def memory(self) -> dict[str, dict[str, int]]:
        """Resident memory (now and peak, kB) of every process we run (nginx's aside)."""
        out = {}
        webs = self.web_children()
        for index, child in enumerate(webs, 1):
            suffix = f" {index}" if len(webs) > 1 else ""
            out[f"web worker{suffix}"] = rss_kb(worker_pid(child.pid))
            out[f"gunicorn arbiter{suffix}"] = rss_kb(child.pid)
        for name in ("jobs", "redis"):
            child = self.stack.children.get(name)
            if child is not None and child.pid:
                out[name] = rss_kb(child.pid)
        return out

    def web_rss_kb(self) -> int:
        """The web workers' resident memory together, now."""
        return sum(v["VmRSS"] for k, v in self.memory().items() if k.startswith("web worker"))

    def stop(self) -> None:
        """Stop nginx, the web processes and the worker, then Redis."""
        if self.stack is not None:
            self.stack.stop()


def worker_pid(arbiter: int) -> int:
    """The gunicorn worker that serves requests (the arbiter's child)."""
    for _ in range(50):
        pids = children_of(arbiter)
        if pids:
            return pids[0]
        time.sleep(0.1)
    raise StackError("gunicorn has no worker")


def clean_state(state: Path) -> None:
    """Remove a previous run's logs and media (the index and the base database stay)."""
    for name in ("logs", "media", "outbox"):
        shutil.rmtree(state / name, ignore_errors=True)
