"""Child processes of the local stack: started in their own process group, logged to a file, stopped
politely and then firmly."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


class StackError(RuntimeError):
    """A part of the stack could not start (the message says which, and where its log is)."""


@dataclass
class Child:
    """One long-running process: its command, environment, log file and how it likes to be stopped."""

    name: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path
    stop_signal: int = signal.SIGTERM
    ready: Callable[[], bool] | None = None
    popen: subprocess.Popen | None = field(default=None, repr=False)
    restarts: int = 0

    @property
    def pid(self) -> int | None:
        """The process id while it runs."""
        return self.popen.pid if self.popen is not None and self.popen.poll() is None else None

    def start(self) -> None:
        """Start it in its own process group (Ctrl-C reaches only the launcher, which stops us in order)."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                process_group=0,
            )

    def alive(self) -> bool:
        """Whether it is still running."""
        return self.popen is not None and self.popen.poll() is None

    def wait_ready(self, timeout: float = 60.0) -> None:
        """Block until its readiness check passes; raise StackError if it dies or takes too long."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise StackError(
                    f"{self.name} exited with {self.popen.returncode}; see {self.log}\n{self.tail()}"
                )
            if self.ready is None or self.ready():
                return
            time.sleep(0.1)
        raise StackError(f"{self.name} was not ready within {timeout:.0f}s; see {self.log}\n{self.tail()}")

    def signal(self, sig: int) -> None:
        """Send a signal to the process (gunicorn's arbiter passes it on to its worker)."""
        if self.alive():
            try:
                os.kill(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 15.0) -> None:
        """Ask it to stop; kill it if it has not within the timeout."""
        if self.popen is None:
            return
        self.signal(self.stop_signal)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self._reap_group()

    def kill(self) -> None:
        """kill -9 the whole process group (gunicorn's arbiter and worker alike), as a crash would."""
        if self.popen is None:
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(10)
        self._reap_group()

    def _reap_group(self) -> None:
        # A grandchild (gunicorn's worker) may outlive its parent for a moment: wait for the group.
        if self.popen is None:
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                os.killpg(self.popen.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def tail(self, lines: int = 30) -> str:
        """The end of its log, for error messages."""
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def http_ok(url: str) -> Callable[[], bool]:
    """A readiness check: the URL answers 200."""

    def check() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    return check


def port_open(port: int) -> Callable[[], bool]:
    """A readiness check: something accepts connections on 127.0.0.1:port."""

    def check() -> bool:
        with socket.socket() as s:
            s.settimeout(0.5)
            return s.connect_ex(("127.0.0.1", port)) == 0

    return check


def port_free(port: int) -> bool:
    """Whether 127.0.0.1:port can be listened on."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
