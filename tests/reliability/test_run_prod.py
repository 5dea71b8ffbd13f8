"""`make run-prod` (python -m deploy.stack): the whole stack from one command, a web process that
dies is restarted, and Ctrl-C (SIGINT) stops every part cleanly, leaving no process or port behind."""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from deploy.processes import free_port, port_free
from tests.reliability.infra import ROOT, wait_for


def healthy(url: str) -> bool:
    """Whether the URL answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def alive(pid: int) -> bool:
    """Whether a process exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_one_command_starts_everything_restarts_a_dead_process_and_ctrl_c_stops_all(tmp_path):
    port, redis_port = free_port(), free_port()
    env = {
        **os.environ,
        "INSTANCE_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rollcall.db'}",
        "SEARCH_INDEX_DIR": str(tmp_path),
        "SECRET_KEY": "run-prod-test",
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("SOCKETIO_MESSAGE_QUEUE", None)
    argv = [sys.executable, "-m", "deploy.stack", "--port", str(port), "--redis-port", str(redis_port)]
    launcher = subprocess.Popen(
        [*argv, "--processes", "2", "--no-seed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    pids_file = tmp_path / "stack" / "pids.json"
    try:

        def started() -> bool:
            if launcher.poll() is not None:
                raise AssertionError(f"run-prod exited ({launcher.returncode}):\n{launcher.stdout.read()}")
            return pids_file.exists() and healthy(f"http://127.0.0.1:{port}/healthz")

        wait_for(started, 120, "the stack to start")
        pids = json.loads(pids_file.read_text())
        assert set(pids) == {"redis", "web-1", "web-2", "jobs", "nginx"}

        os.killpg(pids["web-1"], signal.SIGKILL)  # a crash: the launcher restarts it, as systemd would
        wait_for(
            lambda: json.loads(pids_file.read_text())["web-1"] not in (None, pids["web-1"]),
            60,
            "web-1 restarted",
        )
        restarted = json.loads(pids_file.read_text())
        assert healthy(f"http://127.0.0.1:{port}/healthz")

        interrupted = time.monotonic()
        launcher.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = launcher.communicate(timeout=60)
        print(f"\nrun-prod: Ctrl-C stopped everything in {time.monotonic() - interrupted:.1f}s")
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.communicate()
        launcher.stdout.close()
    assert launcher.returncode == 0, output
    assert f"Rollcall production stack on http://127.0.0.1:{port}" in output
    assert "web-1 exited" in output and "restarting" in output and output.rstrip().endswith("Stopped.")
    assert not [name for name, pid in restarted.items() if alive(pid)]
    assert port_free(port) and port_free(redis_port)
