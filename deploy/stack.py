"""The production stack on one machine, on loopback: `make run-prod` (or `python -m deploy.stack`).

nginx (least_conn, Socket.IO sticky by address, static files) in front of N single-worker gunicorn processes,
a Redis message queue for Socket.IO and the rate limits, and the `flask jobs run` worker, over
PostgreSQL when DATABASE_URL says so (else SQLite in WAL mode, fine for one host). Each part runs
as a child with its log under instance/stack/logs/; a web process or the worker that dies is
restarted (as systemd would); Ctrl-C stops everything in order. The reliability tests drive the
same Stack class.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import redis
from sqlalchemy.engine import make_url

from deploy.nginx import ROOT, render_main, render_site
from deploy.processes import Child, StackError, http_ok, port_free

INSTANCE = Path(os.environ.get("INSTANCE_DIR", ROOT / "instance"))
NGINX_CANDIDATES = ("nginx", "/usr/sbin/nginx")


def default_processes() -> int:
    """One web process per core (at least two, so cross-process delivery is always exercised)."""
    return min(max(os.cpu_count() or 2, 2), 8)


def find_nginx() -> str | None:
    """The nginx binary (Debian installs it in /usr/sbin, which a user's PATH may lack)."""
    for candidate in NGINX_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


@dataclass
class StackConfig:
    """What to run where. Unset database_url/message_queue: SQLite under instance/, our own Redis."""

    port: int = 8000
    processes: int = field(default_factory=default_processes)
    web_ports: list[int] | None = None
    redis_port: int = 6390
    database_url: str | None = None
    message_queue: str | None = None
    state_dir: Path = INSTANCE / "stack"
    threads: int = 100
    jobs_interval: float = 2.0
    seed_demo: bool = True
    env: dict[str, str] = field(default_factory=dict)
    app: str = "wsgi:app"  # what each web process serves (the benchmark's ceiling serves another)
    # Redis, migrations and the jobs worker; False runs only the web processes behind nginx (the
    # benchmark's ceiling, a one-route app that needs none of them).
    backing: bool = True
    # Flask commands run after migrating, before the web processes start (the benchmark's reindex).
    prepare: list[list[str]] = field(default_factory=list)


class Stack:
    """The running stack: start() brings every part up in order, stop() takes it down in reverse."""

    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.state = config.state_dir.resolve()  # nginx reads paths relative to its prefix
        self.web_ports = config.web_ports or [config.port + 1 + i for i in range(config.processes)]
        self.queue_url = config.message_queue or f"redis://127.0.0.1:{config.redis_port}/0"
        self.url = f"http://127.0.0.1:{config.port}"
        self.env = self._environment()
        self.children: dict[str, Child] = {}
        self._lock = threading.Lock()

    # ---- configuration --------------------------------------------------------------------------
    def _secret_key(self) -> str:
        if os.environ.get("SECRET_KEY") or "SECRET_KEY" in self.config.env:
            return self.config.env.get("SECRET_KEY") or os.environ["SECRET_KEY"]
        path = self.state / "secret_key"  # kept, so sessions survive a restart of the stack
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        return path.read_text().strip()

    def _environment(self) -> dict[str, str]:
        env = {**os.environ}
        env.update(
            {
                "ROLLCALL_CONFIG": "production",
                "SESSION_COOKIE_SECURE": os.environ.get(
                    "SESSION_COOKIE_SECURE", "0"
                ),  # plain http on loopback
                "BASE_URL": self.url,
                "TRUSTED_PROXIES": "1",
                "SOCKETIO_MESSAGE_QUEUE": self.queue_url,
                "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", self.queue_url),
                "WEB_THREADS": str(self.config.threads),
                # As deploy/rollcall.env.example sets it for the systemd units (it says why).
                "MALLOC_ARENA_MAX": os.environ.get("MALLOC_ARENA_MAX") or "2",
                "FLASK_APP": "wsgi",
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.config.database_url:
            env["DATABASE_URL"] = self.config.database_url
        env.update(self.config.env)
        env["SECRET_KEY"] = self._secret_key()
        return env

    def database_label(self) -> str:
        """The database URL with any password hidden."""
        url = self.env.get("DATABASE_URL") or f"sqlite:///{INSTANCE / 'rollcall.db'} (WAL)"
        return url if url.startswith("sqlite") else make_url(url).render_as_string(hide_password=True)

    # ---- the parts ------------------------------------------------------------------------------
    def _child(self, name: str, argv: list[str], **kwargs) -> Child:
        child = Child(name, argv, self.env, ROOT, self.state / "logs" / f"{name}.log", **kwargs)
        self.children[name] = child
        return child

    def _redis(self) -> Child:
        port = self.config.redis_port
        (self.state / "redis").mkdir(parents=True, exist_ok=True)
        argv = [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ]
        argv += ["--dir", str(self.state / "redis")]

        def ready() -> bool:
            try:
                return redis.Redis(port=port, socket_timeout=0.5).ping()
            except redis.RedisError:
                return False

        return self._child("redis", argv, ready=ready)

    def _web(self, index: int, port: int) -> Child:
        argv = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
        argv += ["-b", f"127.0.0.1:{port}", "--name", f"rollcall-web-{index}", self.config.app]
        # Stopped with SIGTERM, as systemd does: gunicorn.conf.py closes the sockets, requests finish.
        return self._child(f"web-{index}", argv, ready=http_ok(f"http://127.0.0.1:{port}/healthz"))

    def _jobs(self) -> Child:
        argv = [sys.executable, "-m", "flask", "jobs", "run", "--interval", str(self.config.jobs_interval)]
        return self._child("jobs", argv)

    def _nginx(self) -> Child:
        binary = find_nginx()
        if binary is None:
            raise StackError("nginx is not installed (Debian: apt-get install nginx)")
        site = self.state / "nginx-site.conf"
        site.write_text(render_site(self.web_ports, listen=f"127.0.0.1:{self.config.port}"))
        main = self.state / "nginx.conf"
        main.write_text(render_main(self.state, site))
        for folder in ("logs", "nginx-temp"):  # nginx makes the temp folders inside, not the parents
            (self.state / folder).mkdir(parents=True, exist_ok=True)
        argv = [binary, "-p", str(self.state), "-c", str(main), "-g", "daemon off;"]
        self.run_once("nginx-check", [binary, "-t", "-q", "-p", str(self.state), "-c", str(main)])
        # SIGTERM is nginx's fast shutdown; its graceful one (SIGQUIT) would wait for every WebSocket.
        return self._child("nginx", argv, ready=http_ok(f"{self.url}/healthz"))

    def run_once(self, name: str, argv: list[str], timeout: float = 120) -> None:
        """Run a command to completion (migrations, the demo seed, a config check); fail loudly."""
        child = Child(name, argv, self.env, ROOT, self.state / "logs" / f"{name}.log")
        child.start()
        try:
            code = child.popen.wait(timeout)
        except Exception:
            child.kill()
            raise
        if code != 0:
            raise StackError(f"{' '.join(argv[:4])} … failed ({code}); see {child.log}\n{child.tail()}")

    # ---- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "Stack":
        """Bring up Redis, the schema, the web processes, the worker and nginx; stop all on failure."""
        own_redis = self.config.backing and not self.config.message_queue
        wanted = [self.config.port, *self.web_ports] + ([self.config.redis_port] if own_redis else [])
        busy = [port for port in wanted if not port_free(port)]
        if busy:
            raise StackError(
                f"port(s) {', '.join(map(str, busy))} on 127.0.0.1 are in use (PORT=... to move)"
            )
        try:
            if self.config.backing:
                self._prepare()
            webs = [self._web(i + 1, port) for i, port in enumerate(self.web_ports)]
            for child in webs:
                child.start()
            for child in webs:
                child.wait_ready()
            if self.config.backing:
                self._launch(self._jobs())
            self._launch(self._nginx())
        except BaseException:
            self.stop()
            raise
        self.write_pids()
        return self

    def _prepare(self) -> None:
        if not self.config.message_queue:
            self._launch(self._redis())
        flask = [sys.executable, "-m", "flask"]
        self.run_once("migrate", [*flask, "db", "upgrade"])
        if self.config.seed_demo:
            self.run_once("seed", [*flask, "demo", "seed", "--if-empty"])
        for command in self.config.prepare:
            self.run_once(command[0], [*flask, *command], timeout=900)

    def write_pids(self) -> None:
        """Record which process is which in state_dir/pids.json (for operators, and the tests)."""
        pids = {name: child.pid for name, child in self.children.items()}
        (self.state / "pids.json").write_text(json.dumps(pids, indent=2))

    @staticmethod
    def _launch(child: Child) -> None:
        child.start()
        child.wait_ready()

    def stop(self) -> None:
        """Stop nginx first (no new requests), then the web processes and the worker together, Redis last."""
        with self._lock:
            first = [c for n, c in self.children.items() if n == "nginx"]
            last = [c for n, c in self.children.items() if n == "redis"]
            middle = [c for c in self.children.values() if c not in first and c not in last]
            for phase in (first, middle, last):
                for child in phase:
                    child.signal(child.stop_signal)
                for child in phase:
                    child.stop()

    def kill(self, name: str) -> None:
        """kill -9 one part (the crash tests)."""
        self.children[name].kill()

    def restart(self, name: str) -> None:
        """Start a part that stopped or was killed, and wait until it answers."""
        child = self.children[name]
        if child.alive():
            child.stop()
        child.restarts += 1
        self._launch(child)
        self.write_pids()

    def supervise(self, stop: threading.Event, poll: float = 1.0) -> None:
        """Until `stop` is set, restart web processes and the worker that die; Redis or nginx dying ends it."""
        while not stop.wait(poll):
            for name, child in list(self.children.items()):
                if child.alive():
                    continue
                if name in ("redis", "nginx"):
                    raise StackError(
                        f"{name} exited ({child.popen.returncode}); see {child.log}\n{child.tail()}"
                    )
                print(f"  {name} exited ({child.popen.returncode}); restarting", flush=True)
                with self._lock:
                    if not stop.is_set():
                        self.restart(name)

    def summary(self) -> str:
        """What runs where, for the terminal."""
        ports = " ".join(f":{port}" for port in self.web_ports)
        queue = (
            self.queue_url
            if self.config.message_queue
            else f":{self.config.redis_port} (our own redis-server)"
        )
        return "\n".join(
            [
                f"Rollcall production stack on {self.url}  (Ctrl-C stops everything)",
                f"  nginx     :{self.config.port}  least_conn over {len(self.web_ports)} processes (Socket.IO sticky)",
                f"  gunicorn  {ports}  1 worker x {self.config.threads} threads each",
                f"  redis     {queue}  Socket.IO message queue and rate limits",
                f"  jobs      flask jobs run --interval {self.config.jobs_interval:g}",
                f"  database  {self.database_label()}",
                f"  logs      {self.state / 'logs'}/",
            ]
        )


def main(argv: list[str] | None = None) -> int:
    """`make run-prod`: start the stack, keep it running, stop it cleanly on Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m deploy.stack", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="nginx port")
    parser.add_argument(
        "--processes", type=int, default=int(os.environ.get("WEB_PROCESSES", default_processes()))
    )
    parser.add_argument("--redis-port", type=int, default=int(os.environ.get("REDIS_PORT", "6390")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "100")))
    parser.add_argument("--no-seed", action="store_true", help="don't seed the demo organisation")
    args = parser.parse_args(argv)
    config = StackConfig(
        port=args.port,
        processes=max(args.processes, 1),
        redis_port=args.redis_port,
        threads=args.threads,
        database_url=os.environ.get("DATABASE_URL") or None,
        message_queue=os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        seed_demo=not args.no_seed,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    stack = Stack(config)
    try:
        stack.start()
        print(stack.summary(), flush=True)
        stack.supervise(stop)
    except StackError as exc:
        print(f"run-prod: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        print("Stopping…", flush=True)
        stack.stop()
    print("Stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
