"""Several processes on a Redis message queue: an event committed in one server process reaches a
socket held by another, and deactivation in a third process (a script) cuts that socket at once.

The Socket.IO test client can't use a message queue (DESIGN.md), so this runs real processes:
two `python wsgi.py` servers and the flask CLI, over a raw WebSocket. Set TEST_REDIS_URL to run it.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import simple_websocket

pytestmark = [pytest.mark.redis, pytest.mark.slow]
REDIS_URL = os.environ.get("TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
DEACTIVATE = """
from app import create_app
from app.admin.services import deactivate
from app.auth.services import user_by_email
from app.db import writing
from app.extensions import db
app = create_app()
with app.app_context(), writing():
    deactivate(user_by_email("ada@example.police.uk"), user_by_email("sam@example.police.uk"))
    db.session.commit()
"""


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env: dict, *args: str) -> str:
    """Run a command in the project, failing loudly; returns its stdout."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def wait_healthy(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert server.poll() is None, "a server process died while starting"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"server on {port} never became healthy")


def next_event(ws: simple_websocket.Client, timeout: float = 10) -> tuple[str, dict] | None:
    """The next Socket.IO event (answering Engine.IO pings); None when the server disconnects us."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            packet = ws.receive(timeout=0.5)
        except simple_websocket.ConnectionClosed:
            return None
        if packet is None:
            continue
        if packet == "2":
            ws.send("3")
        elif packet.startswith("41"):
            return None
        elif packet.startswith("42"):
            name, payload = json.loads(packet[2:])
            return name, payload
    raise AssertionError("no Socket.IO packet arrived in time")


@pytest.fixture
def cluster(tmp_path):
    """A migrated database, two people, and two server processes sharing a Redis message queue."""
    if not REDIS_URL:
        pytest.skip("TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    (tmp_path / "index").mkdir()
    env = {
        **os.environ,
        "ROLLCALL_CONFIG": "development",
        "SECRET_KEY": "redis-test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rollcall.db'}",
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SEARCH_INDEX_DIR": str(tmp_path / "index"),
        "INSTANCE_DIR": str(tmp_path),
        "MEDIA_DIR": str(tmp_path / "media"),
        "OUTBOX_DIR": str(tmp_path / "outbox"),
        "FLASK_APP": "wsgi",
        "RATELIMIT_STORAGE_URI": "memory://",
        "PYTHONWARNINGS": "ignore",
    }
    flask = [sys.executable, "-m", "flask"]
    run(env, *flask, "db", "upgrade")
    run(
        env,
        *flask,
        "users",
        "create",
        "ada@example.police.uk",
        "--name",
        "Ada",
        "--role",
        "admin",
        "--password",
        PASSWORD,
    )
    run(env, *flask, "users", "create", "sam@example.police.uk", "--name", "Sam", "--password", PASSWORD)
    token = run(env, *flask, "users", "token", "sam@example.police.uk", "--scope", "write").strip()
    ports, servers = [free_port(), free_port()], []
    try:
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [sys.executable, "wsgi.py"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port)},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for port, server in zip(ports, servers, strict=True):
            wait_healthy(port, server)
        yield {"env": env, "ports": ports, "token": token}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_events_cross_processes_and_cuts_reach_the_owning_process(cluster):
    port_a, port_b = cluster["ports"]
    ws = simple_websocket.Client.connect(f"ws://127.0.0.1:{port_a}/socket.io/?EIO=4&transport=websocket")
    try:
        assert ws.receive(timeout=20).startswith("0")  # Engine.IO open (generous: CI runs two passes at once)
        ws.send("40" + json.dumps({"token": cluster["token"]}))
        assert ws.receive(timeout=20).startswith("40{")  # Socket.IO connected on server A

        request = urllib.request.Request(
            f"http://127.0.0.1:{port_b}/api/v1/posts",
            method="POST",
            data=json.dumps({"body": "Written on server B"}).encode(),
            headers={"Authorization": f"Bearer {cluster['token']}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
            post_id = json.loads(response.read())["id"]
        name, payload = next_event(ws)
        while name != "post_created":
            name, payload = next_event(ws)
        assert payload["post_id"] == post_id and "Written" not in json.dumps(payload)

        run(cluster["env"], sys.executable, "-c", DEACTIVATE)  # a third process: the admin's script
        while (event := next_event(ws)) is not None:
            assert event[0] != "post_created", event
    finally:
        ws.close()
