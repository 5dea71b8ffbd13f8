"""The deployment files: the nginx site, gunicorn settings, systemd units and what docs/deploy.md shows.

docs/deploy.md quotes these files; the tests fail when a file and its quote drift apart.
"""

import os
import runpy
import subprocess
from pathlib import Path

import pytest

from deploy.nginx import render_main, render_site
from deploy.stack import Stack, StackConfig, find_nginx
from tests.reliability.infra import require

ROOT = Path(__file__).resolve().parent.parent
DOCS = (ROOT / "docs" / "deploy.md").read_text()
DOCUMENTED_SITE = render_site(
    [8001, 8002],
    server_name="rollcall.northshire.police.uk",
    static_dir=Path("/srv/rollcall/static"),
    tls={"certificate": "/etc/ssl/certs/rollcall.pem", "key": "/etc/ssl/private/rollcall.key"},
)


def _upstream(site: str, name: str) -> list[str]:
    return site.split(f"upstream {name} {{")[1].split("}")[0].strip().splitlines()


def test_pages_go_to_the_least_busy_process_and_socketio_is_sticky():
    site = render_site([8101, 8102, 8103], listen="127.0.0.1:8100")
    ports = ["127.0.0.1:8101", "127.0.0.1:8102", "127.0.0.1:8103"]
    pages, sockets = _upstream(site, "rollcall"), _upstream(site, "rollcall_socketio")
    # No stickiness for pages: a building behind one proxy address spreads over every process.
    assert "least_conn;" in pages and not any("hash" in line for line in pages)
    # Long-polling needs it, on the whole address (ip_hash would pool a /24 on one process).
    assert sockets[0].strip() == "hash $remote_addr consistent;" and "ip_hash;" not in site
    for upstream in (pages, sockets):
        assert [line.split()[1] for line in upstream if line.strip().startswith("server ")] == ports
    socket_block = site.split("location /socket.io/")[1].split("}")[0]
    assert "proxy_pass http://rollcall_socketio;" in socket_block
    for directive in (
        "proxy_set_header Upgrade $http_upgrade;",
        "proxy_set_header Connection $connection_upgrade;",
        "proxy_buffering off;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header Host $http_host;",
    ):
        assert directive in socket_block
    assert "proxy_pass http://rollcall;" in site.split("location / {")[1]
    assert "listen 127.0.0.1:8100;" in site and "ssl" not in site


def test_docs_show_the_files_as_they_are():
    assert DOCUMENTED_SITE in DOCS, "docs/deploy.md's nginx site differs from deploy/nginx-site.conf"
    for path in [ROOT / "deploy" / "rollcall.env.example", *sorted((ROOT / "deploy" / "systemd").iterdir())]:
        assert path.read_text() in DOCS, f"docs/deploy.md doesn't show {path.relative_to(ROOT)} as it is"


def test_gunicorn_runs_one_threaded_worker_per_process():
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert (settings["workers"], settings["worker_class"], settings["wsgi_app"]) == (1, "gthread", "wsgi:app")
    assert settings["threads"] == int(os.environ.get("WEB_THREADS", "100"))
    assert settings["control_socket_disable"] is True  # several processes would share one socket path


def test_every_unit_runs_as_the_service_user_with_the_environment_file():
    for unit in (ROOT / "deploy" / "systemd").glob("*.service"):
        text = unit.read_text()
        assert "User=rollcall" in text and "EnvironmentFile=/etc/rollcall/rollcall.env" in text
        assert "Restart=always" in text
    assert "-w " not in (ROOT / "deploy" / "systemd" / "rollcall-web@.service").read_text()


def test_nginx_accepts_the_generated_configuration(tmp_path):
    binary = find_nginx()
    require("nginx", binary is not None, "apt-get install nginx")
    (tmp_path / "nginx-temp").mkdir()
    (tmp_path / "logs").mkdir()
    site = tmp_path / "site.conf"
    site.write_text(render_site([8001, 8002], listen="127.0.0.1:8000"))
    main = tmp_path / "nginx.conf"
    main.write_text(render_main(tmp_path, site))
    done = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def test_the_stack_configures_every_process_alike(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    config = StackConfig(port=9100, processes=3, redis_port=9190, state_dir=tmp_path)
    stack = Stack(config)
    assert stack.web_ports == [9101, 9102, 9103]
    env = stack.env
    assert env["ROLLCALL_CONFIG"] == "production" and env["TRUSTED_PROXIES"] == "1"
    assert env["BASE_URL"] == "http://127.0.0.1:9100"  # the only origin Socket.IO accepts
    assert env["SOCKETIO_MESSAGE_QUEUE"] == env["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:9190/0"
    key = tmp_path / "secret_key"
    assert env["SECRET_KEY"] == key.read_text() and oct(key.stat().st_mode & 0o777) == "0o600"
    assert Stack(config).env["SECRET_KEY"] == env["SECRET_KEY"]  # kept: sessions survive a restart
    # As the systemd units get it from the environment file.
    example = (ROOT / "deploy" / "rollcall.env.example").read_text()
    assert "MALLOC_ARENA_MAX=2" in example.splitlines() and env["MALLOC_ARENA_MAX"] == "2"


@pytest.mark.parametrize("url", ["postgresql+psycopg://rollcall:s3cret@db/rollcall"])
def test_the_summary_never_prints_a_password(tmp_path, url):
    stack = Stack(StackConfig(state_dir=tmp_path, database_url=url, env={"SECRET_KEY": "x"}))
    assert "s3cret" not in stack.summary() and "rollcall:***@db/rollcall" in stack.summary()
