"""Real processes for the reliability tests: a private redis-server and PostgreSQL on free ports, the
production stack (deploy/stack.py) over them, and small clients for its API and Socket.IO.

Nothing here touches the machine's own services (PostgreSQL on 5432, Redis on 6379): every server is
started by the tests, on a port of their own, and stopped by them. Sizes are small by default (CI);
SOAK=1 (`make soak`) runs the full sizes the issue names.
"""

import http.client
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import socketio

from deploy.processes import free_port, port_open
from deploy.stack import Stack, StackConfig, find_nginx

ROOT = Path(__file__).resolve().parents[2]
SOAK = os.environ.get("SOAK") == "1"
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Sizes:
    """How much load: CI's small run, or the full soak."""

    items: int  # posts and replies written in the load test
    writers: int
    readers: int


SIZES = Sizes(items=2000, writers=8, readers=2) if SOAK else Sizes(items=240, writers=8, readers=2)


def require(what: str, found: bool, install: str) -> None:
    """Skip (saying what is missing) or, with REQUIRE_STACK=1 as in CI, fail."""
    if found:
        return
    message = f"{what} not found (install it with: {install})"
    if os.environ.get("REQUIRE_STACK") == "1":
        pytest.fail(f"REQUIRE_STACK=1 but {message}", pytrace=False)
    pytest.skip(f"stack tests skipped: {message}; CI sets REQUIRE_STACK=1 to fail instead")


def require_stack_tools() -> None:
    """nginx and redis-server must be installed for the stack tests."""
    require("nginx", find_nginx() is not None, "apt-get install nginx")
    require("redis-server", shutil.which("redis-server") is not None, "apt-get install redis-server")


class PrivateRedis:
    """A redis-server of our own on a free port, which a test may stop and start again."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "PrivateRedis":
        """Start it (again, on the same port) and wait for PONG."""
        argv = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        self.proc = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, process_group=0
        )
        wait_for(lambda: self.ping(), 10, "private redis-server to answer")
        return self

    def ping(self) -> bool:
        """Whether it answers."""
        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Stop it, as an outage would (SIGKILL: no goodbye to the clients)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def _pg_bindir() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True).stdout.strip()
        if out and (Path(out) / "initdb").exists():
            return Path(out)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on a free port (as the postgres user when we are root)."""

    def __init__(self) -> None:
        self.bindir = _pg_bindir()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="rollcall-pg-"))  # not under pytest's root-only tmp
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root

    def _run(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        done = subprocess.run([*prefix, *argv], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr

    def init(self) -> "PrivatePostgres":
        """initdb (fsync off: a test cluster), then start."""
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"
        )
        return self.start()

    def start(self) -> "PrivatePostgres":
        """Start the cluster and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-o",
            options,
            "-w",
            "start",
        )
        return self

    def stop(self) -> None:
        """Stop it at once (connections are cut, as in an outage)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def running(self) -> bool:
        """Whether the server accepts connections."""
        return port_open(self.port)()

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        """Stop it if running and delete its files."""
        if self.running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def upstreams_for(stack: Stack, marker: str) -> set[str]:
    """Which gunicorn addresses nginx sent the logged requests containing `marker` to ("-": none)."""
    log = (stack.state / "logs" / "nginx-access.log").read_text()
    return set(re.findall(rf"{re.escape(marker)}.*upstream=(\S+)", log))


def process_for_loopback(stack: Stack) -> str:
    """The web process (web-1, web-2 …) nginx gives Socket.IO clients on 127.0.0.1, such as a
    Listener's WebSocket (nginx logs a WebSocket only when it closes, so ask with a probe: an
    Engine.IO polling handshake, routed by the same address hash; the session it opens expires)."""
    probe = f"probe={time.monotonic_ns()}"
    url = f"{stack.url}/socket.io/?EIO=4&transport=polling&{probe}"
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
    # nginx writes the log line just after answering: wait for it.
    [address] = wait_for(lambda: upstreams_for(stack, probe), 5, "nginx to log the probe")
    return f"web-{stack.web_ports.index(int(address.rsplit(':', 1)[1])) + 1}"


def wait_for(check, timeout: float, what: str, interval: float = 0.1):
    """Poll until check() is truthy; returns its value or fails saying what never happened."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def start_stack(state: Path, queue: PrivateRedis, database_url: str, processes: int = 2, **env: str) -> Stack:
    """The production stack on free ports over our own Redis and the given database."""
    state.mkdir(parents=True, exist_ok=True)
    (state / "index").mkdir(exist_ok=True)
    port = free_port()
    config = StackConfig(
        port=port,
        web_ports=[free_port() for _ in range(processes)],
        database_url=database_url,
        message_queue=queue.url,
        state_dir=state,
        threads=40,
        jobs_interval=0.5,
        seed_demo=False,
        env={
            "SECRET_KEY": "reliability-tests",
            "INSTANCE_DIR": str(state),
            "SEARCH_INDEX_DIR": str(state / "index"),
            "OUTBOX_DIR": str(state / "outbox"),
            "MEDIA_DIR": str(state / "media"),
            "API_RATE_LIMIT": "100000 per minute",  # the load test writes as fast as it can
            "SOCKETIO_QUEUE_CHECK_SECONDS": "0.5",
            "PYTHONWARNINGS": "ignore",
            **env,
        },
    )
    return Stack(config).start()


PEOPLE_SCRIPT = """
import json, sys
from app import create_app
from app.api.tokens import create_token
from app.auth.services import create_user
from app.db import writing
from app.extensions import db
app = create_app()
out = []
with app.app_context(), writing():
    for i in range(int(sys.argv[1])):
        user = create_user(f"{sys.argv[2]}{i}@example.police.uk", f"Person {i}", sys.argv[3])
        db.session.flush()
        _token, plaintext = create_token(user, "reliability", "write")
        out.append({"id": user.id, "email": user.email, "token": plaintext})
    db.session.commit()
print(json.dumps(out))
"""


def make_people(stack: Stack, count: int, prefix: str) -> list[dict]:
    """Create people with write tokens in the stack's database (one process, not one per person)."""
    done = subprocess.run(
        [sys.executable, "-c", PEOPLE_SCRIPT, str(count), prefix, PASSWORD],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


class Api:
    """A keep-alive JSON client for one person, optionally from its own loopback address.

    Pages and the API go to the least busy process whatever the address; Socket.IO is hashed on it.
    """

    def __init__(self, port: int, token: str, source: str | None = None) -> None:
        self.port, self.token, self.source = port, token, source
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """One request; (status, JSON body). A dropped connection is status 0 (the test decides)."""
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        for _attempt in range(2):
            if self.conn is None:
                source = (self.source, 0) if self.source else None
                self.conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=30, source_address=source
                )
            try:
                self.conn.request(method, path, json.dumps(body) if body is not None else None, headers)
                response = self.conn.getresponse()
                raw = response.read()
            except (ConnectionError, http.client.HTTPException, TimeoutError):
                self.close()
                if method != "GET":
                    return 0, {}  # a write in flight when the connection died: outcome unknown
                continue
            try:
                data = json.loads(raw) if raw else {}
            except ValueError:
                data = {"raw": raw.decode(errors="replace")[:200]}
            return response.status, data
        return 0, {}

    def close(self) -> None:
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def __enter__(self) -> "Api":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def all_pages(self, path: str) -> list[dict]:
        """Every item of a cursor-paginated list."""
        items, cursor = [], None
        while True:
            sep = "&" if "?" in path else "?"
            status, page = self.request(
                "GET", f"{path}{sep}limit=100" + (f"&cursor={cursor}" if cursor else "")
            )
            assert status == 200, (status, page)
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


class Browser:
    """A cookie-keeping HTTP client that fills in the CSRF token like a browser submitting a form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str]:
        """(status, body) of a GET, errors included."""
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))

    def submit(self, form_path: str, data: dict, action: str | None = None) -> tuple[int, str]:
        """Load the form's page, then post `data` with the page's CSRF token."""
        status, page = self.get(form_path)
        assert status == 200, (status, page[:300])
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrf_token": token}).encode()
        return self._open(urllib.request.Request(self.base + (action or form_path), data=body))

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        """Sign in through /login."""
        status, page = self.submit("/login", {"email": email, "password": password})
        assert status == 200 and 'name="password"' not in page, (status, page[:300])  # left the form

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as exc:
            with exc:
                return exc.code, exc.read().decode(errors="replace")


def newest_seq(api: "Api") -> int:
    """The newest seq this person may see (what a freshly rendered page would start from)."""
    status, body = api.request("GET", "/api/v1/events?after=0&limit=1")
    assert status == 200, body
    after = body["last_seq"]
    while body.get("has_more"):
        status, body = api.request("GET", f"/api/v1/events?after={after}&limit=100")
        after = body["last_seq"]
    return after


class Listener:
    """A python-socketio client that remembers every event by seq and resumes from the last one.

    Over long-polling, python-engineio's client refuses a response carrying more than 16 packets,
    so a polling client must not start with a long catch-up (browsers use WebSocket only).
    """

    def __init__(self, url: str, token: str, transport: str = "websocket", after: int = 0) -> None:
        self.url, self.token, self.transport, self.after = url, token, transport, after
        self.events: dict[int, tuple[str, dict]] = {}
        self.connects = 0
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.refusals: list = []
        self.client.on("*", self._on_event)
        self.client.on("connect", self._on_connect)
        self.client.on("connect_error", self.refusals.append)

    def _on_connect(self) -> None:
        self.connects += 1

    def _on_event(self, name: str, data) -> None:
        if isinstance(data, dict) and isinstance(data.get("seq"), int):
            with self.lock:
                self.events[data["seq"]] = (name, data)

    def _auth(self) -> dict:
        # Called at every (re)connect: the server replays what this client missed since then (a page
        # would send the seq it was rendered at; a listener that heard nothing yet starts from `after`).
        with self.lock:
            return {"token": self.token, "last_seq": max(self.events, default=self.after)}

    def connect(self) -> "Listener":
        """Connect (through nginx) over the chosen transport."""
        self.client.connect(self.url, auth=self._auth, transports=[self.transport], wait_timeout=15)
        return self

    def connect_when_accepted(self, timeout: float) -> None:
        """Keep trying to connect, as realtime.js does after a refusal with {retry: true}."""

        def attempt() -> bool:
            try:
                self.connect()
            except (socketio.exceptions.ConnectionError, ValueError):  # refused, or still closing
                return False
            return True

        wait_for(attempt, timeout, "the server to accept live connections again", interval=0.5)

    def post_ids(self) -> set[int]:
        """Ids of every post_created heard."""
        with self.lock:
            return {data["post_id"] for name, data in self.events.values() if name == "post_created"}

    def close(self) -> None:
        """Disconnect for good, reconnection attempts included."""
        self.client.shutdown()
