"""The benchmark scripts run end to end at a tiny scale for a second per figure (nothing is timed here)."""

import os
import shutil

import pytest

from bench import load
from bench.generate import build
from bench.server import Server

pytestmark = pytest.mark.slow


def _need(binary: str) -> None:
    if shutil.which(binary) is None:
        if os.environ.get("REQUIRE_STACK") == "1":
            pytest.fail(f"{binary} is required (REQUIRE_STACK=1)")
        pytest.skip(f"{binary} is not installed")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A 60-person, 500-post benchmark organisation."""
    path = tmp_path_factory.mktemp("bench") / "bench.db"
    build(f"sqlite:///{path}", scale=0.005, seed=3)
    return f"sqlite:///{path}"


@pytest.mark.parametrize("client", ["python", "wrk"])
def test_each_load_client_counts_requests_and_statuses(client, tmp_path, monkeypatch):
    if client == "wrk":
        _need("wrk")
    monkeypatch.setenv("BENCH_CLIENT", client)
    server = Server("sqlite:///unused.db", tmp_path, ceiling=True, threads=8).start()
    try:
        ok = load.run(load.Load(f"{server.url}/"), 2, 1, warmup=0)
        missing = load.run(load.Load(f"{server.url}/", paths=["/nowhere", "/"]), 1, 1, warmup=0)
    finally:
        server.stop()
    assert ok.tool == client and ok.requests > 10 and ok.rps > 10
    assert ok.status_4xx == ok.status_5xx == ok.errors == 0
    assert 0 < ok.p50 <= ok.p95 <= ok.p99
    assert 0 < missing.status_4xx < missing.requests  # half the paths are 404s


def test_the_http_benchmark_runs_every_figure(tiny, tmp_path, capsys, monkeypatch):
    _need("redis-server")
    from bench.run import main

    monkeypatch.setenv("BENCH_CLIENT", "python")  # wrk's shortest run is a second; this can be shorter
    main(
        [
            "--database-url",
            tiny,
            "--state-dir",
            str(tmp_path / "state"),
            "--duration",
            "0.5",
            "--warmup",
            "0.2",
            "--clients",
            "6",
            "--listener-procs",
            "2",
            "--fanout-posts",
            "2",
            "--samples",
            "1",
            "--deep-pages",
            "3",
            "--no-results",
        ]
    )
    out = capsys.readouterr().out
    for figure in (
        "Ceiling: one-route Flask app, concurrency 8",
        "Home feed page (HTML), concurrency 1",
        "Home feed page, 3 pages down, concurrency 8",
        "Feed API, 3 pages down, concurrency 1",
        "Search API",
        "Post creation, HTML form (CSRF), concurrency 1",
        "Post creation, API (token), concurrency 8",
        "New post → another member's open socket (1 posts)",
        "New post → findable in search (1 posts)",
        "Fan-out: 6 sockets",
        "Server memory per open socket",
        "Peak RSS, web worker",
    ):
        assert figure in out
    assert "5xx" not in out and "4xx" not in out and "socket errors" not in out
    assert "0 missed" in out


def test_the_search_benchmark_runs(tiny, tmp_path, capsys):
    from bench.search import run

    run(tiny, tmp_path / "index", per_bucket=3, seed=1, procs=1, findable=1, reuse=False)
    out = capsys.readouterr().out
    assert "Reindex" in out and "New post findable (1 posts" in out and "SQLite FTS5 query, 3 words" in out
