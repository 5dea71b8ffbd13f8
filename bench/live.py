"""Realtime figures: a new post reaching another member's open socket and search, and fan-out to many.

Clients are python-socketio over WebSocket with API tokens (as scripts connect, README "Realtime").
Every time is measured from the moment the post's HTTP request is sent, so it includes the request.
Fan-out clients run in a few child processes so that the clients' own Python doesn't serialise
the deliveries it is timing.
"""

import multiprocessing as mp
import queue
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import engineio
import requests
import socketio

from bench.load import percentile


class _InlineEngineIO(engineio.Client):
    """Handles each message in the socket's reader thread. python-engineio's client starts a new
    thread for every message it receives: 500 thread starts a post, more CPU than the server spends
    sending it, on the same two cores (a browser handles messages in its event loop)."""

    def _trigger_event(self, event, *args, **kwargs):
        if event == "message":
            kwargs["run_async"] = False
        return super()._trigger_event(event, *args, **kwargs)


class BenchClient(socketio.Client):
    """python-socketio's client over _InlineEngineIO (event handlers must not block)."""

    def _engineio_client_class(self):
        return _InlineEngineIO


def loopback_source(index: int) -> str:
    """The index-th of distinct loopback addresses (127.0.1.1, 127.0.1.2 …): a staff member's own
    machine, so nginx's address hash spreads the fan-out's sockets as it would spread real staff."""
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def connect(base_url: str, token: str, source: str | None = None) -> socketio.Client:
    """A script's socket: WebSocket only, token auth; from the `source` address if given."""
    options = {}
    if source is not None:
        address = urlsplit(base_url)
        sock = socket.create_connection((address.hostname, address.port), 30, (source, 0))
        options["websocket_extra_options"] = {"socket": sock}
    client = BenchClient(reconnection=False, **options)
    client.connect(base_url, auth={"token": token}, transports=["websocket"], wait_timeout=30)
    return client


def make_post(base_url: str, token: str, community_id: int, text: str) -> int:
    """Post through the API; returns the new post's id."""
    answer = requests.post(
        f"{base_url}/api/v1/posts",
        json={"body": text, "community_id": community_id},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    answer.raise_for_status()
    return answer.json()["id"]


@dataclass
class Delivery:
    """Seconds from sending the post to its arrival in a socket, and until search finds it."""

    socket: list[float]
    search: list[float]
    missed: int


def to_socket_and_search(
    base_url: str, poster: str, viewer: str, community_id: int, samples: int
) -> Delivery:
    """Post `samples` times; time each until the viewer's open socket has it, then until search finds it."""
    arrived: dict[int, float] = {}
    signal = threading.Condition()
    client = connect(base_url, viewer)

    @client.on("post_created")
    def _created(data):
        with signal:
            arrived[data.get("post_id")] = time.perf_counter()
            signal.notify_all()

    socket_s, search_s, missed = [], [], 0
    web = requests.Session()
    web.headers["Authorization"] = f"Bearer {viewer}"
    try:
        for n in range(samples):
            word = f"benchzebra{int(time.time())}q{n}"
            started = time.perf_counter()
            post_id = make_post(base_url, poster, community_id, f"Benchmark check {word} at the depot")
            with signal:
                if not signal.wait_for(lambda pid=post_id: pid in arrived, timeout=10):
                    missed += 1
                    continue
            socket_s.append(arrived[post_id] - started)
            while time.perf_counter() - started < 30:
                found = web.get(f"{base_url}/api/v1/search", params={"q": word, "type": "posts"}, timeout=30)
                if found.ok and any(item.get("id") == post_id for item in found.json().get("items", [])):
                    search_s.append(time.perf_counter() - started)
                    break
                time.sleep(0.05)
            else:
                missed += 1
    finally:
        client.disconnect()
    return Delivery(socket=socket_s, search=search_s, missed=missed)


def _listen(base_url: str, tokens: list[tuple[int, str]], ready, out, stop) -> None:
    """A child process: hold these sockets open, each from its own loopback address; report
    (post id, arrival wall time) for every post."""
    clients = []
    for index, token in tokens:
        try:
            client = connect(base_url, token, loopback_source(index))
        except (socketio.exceptions.ConnectionError, OSError):
            ready.put(0)
            continue

        def _created(data, _out=out):
            _out.put((data.get("post_id"), time.time()))

        client.on("post_created", _created)
        clients.append(client)
        ready.put(1)
    stop.wait(600)
    for client in clients:
        client.disconnect()


@dataclass
class Fanout:
    """Per post: seconds until the last client had it; and how many clients were connected."""

    last: list[float]
    connected: int
    missed: int
    connect_seconds: float


class Listeners:
    """`len(tokens)` sockets held open by `procs` child processes."""

    def __init__(self, base_url: str, tokens: list[str], procs: int = 4) -> None:
        self.base_url = base_url
        ctx = mp.get_context("spawn")  # no inherited database connections or locks
        self.ready, self.out, self.stop = ctx.Queue(), ctx.Queue(), ctx.Event()
        numbered = list(enumerate(tokens))
        shares = [numbered[i::procs] for i in range(procs) if numbered[i::procs]]
        self.children = [
            ctx.Process(target=_listen, args=(base_url, share, self.ready, self.out, self.stop), daemon=True)
            for share in shares
        ]
        self.wanted = len(tokens)
        self.connected = 0

    def __enter__(self) -> "Listeners":
        started = time.perf_counter()
        for child in self.children:
            child.start()
        for _ in range(self.wanted):
            self.connected += self.ready.get(timeout=120)
        self.connect_seconds = time.perf_counter() - started
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        for child in self.children:
            child.join(30)
            if child.is_alive():
                child.terminate()

    def time_posts(self, poster: str, community_id: int, posts: int) -> Fanout:
        """Post `posts` times; for each, the seconds from sending it until the last socket had it."""
        last, missed = [], 0
        for n in range(posts):
            started = time.time()
            post_id = make_post(self.base_url, poster, community_id, f"Fan-out check {n} for the whole team")
            got, latest, deadline = 0, started, time.time() + 15
            while got < self.connected and time.time() < deadline:
                try:
                    seen, at = self.out.get(timeout=max(0.01, deadline - time.time()))
                except queue.Empty:
                    break
                if seen == post_id:
                    got, latest = got + 1, max(latest, at)
            missed += self.connected - got
            last.append(latest - started)
            time.sleep(0.2)  # let the sockets' writers settle between posts
        return Fanout(
            last=last, connected=self.connected, missed=missed, connect_seconds=self.connect_seconds
        )


def summary_ms(values: list[float]) -> dict[str, float]:
    """p50/p95/max in ms."""
    ordered = sorted(v * 1000 for v in values)
    return {
        "p50": percentile(ordered, 50),
        "p95": percentile(ordered, 95),
        "max": ordered[-1] if ordered else 0.0,
        "n": len(ordered),
    }
