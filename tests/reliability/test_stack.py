"""The production stack: nginx in front of two gunicorn processes and a Redis queue.

A post handled by either process reaches a socket held by the other, through nginx, over WebSocket
and over long-polling; polling stays on one process (sticky) while pages from one address spread
over both; static files come from nginx; the rate limits count across processes.
"""

import time
import urllib.request

import pytest

from tests.reliability.infra import PASSWORD, Api, Browser, Listener, newest_seq, upstreams_for, wait_for


@pytest.fixture(scope="module")
def people(shared_stack):
    """A writer and a reader with write tokens."""
    return shared_stack.take(2)


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_post_on_either_process_reaches_a_socket_held_by_the_other(shared_stack, people, transport):
    stack = shared_stack.stack
    writer, reader = people
    with Api(stack.config.port, reader["token"]) as api:
        start = newest_seq(api)  # as a page would: catch up from now, not from the first post
    listener = Listener(stack.url, reader["token"], transport, after=start).connect()
    try:
        assert listener.client.transport() == transport
        latencies = []
        # Straight to each process: whichever holds the socket, the other one's post crosses Redis.
        for port in stack.web_ports:
            started = time.monotonic()
            with Api(port, writer["token"]) as api:
                status, post = api.request("POST", "/api/v1/posts", {"body": f"From :{port}"})
            assert status == 201, post
            wait_for(lambda pid=post["id"]: pid in listener.post_ids(), 10, f"post_created from :{port}")
            latencies.append(time.monotonic() - started)
        print(
            f"\n{transport}: post → event through Redis and nginx in {max(latencies) * 1000:.0f} ms (worst of 2)"
        )
    finally:
        listener.close()


def test_long_polling_stays_with_one_process(shared_stack, people):
    stack = shared_stack.stack
    with Api(stack.config.port, people[1]["token"]) as api:
        start = newest_seq(api)
    listener = Listener(stack.url, people[1]["token"], "polling", after=start).connect()
    try:
        time.sleep(0.5)  # a few polls
        sid = listener.client.eio.sid
    finally:
        listener.close()
    # Every request of that Engine.IO session went to the same gunicorn process: the address hash.
    assert len(wait_for(lambda: upstreams_for(stack, f"sid={sid}"), 5, "nginx's log of the polls")) == 1


def test_pages_from_one_address_spread_over_the_processes(shared_stack):
    stack = shared_stack.stack
    marker = f"spread={time.monotonic_ns()}"
    for _ in range(3 * len(stack.web_ports)):
        with urllib.request.urlopen(f"{stack.url}/healthz?{marker}", timeout=5) as response:
            assert response.status == 200
    # least_conn, not a hash of the address: a whole building behind one proxy is not one process.
    served = wait_for(lambda: upstreams_for(stack, marker), 5, "nginx's log of the requests")
    assert len(served) == len(stack.web_ports)


def test_nginx_serves_static_files_and_pages(shared_stack):
    stack = shared_stack.stack
    with urllib.request.urlopen(f"{stack.url}/static/js/realtime.js", timeout=5) as response:
        assert response.status == 200
        assert "javascript" in response.headers["Content-Type"]
    with urllib.request.urlopen(f"{stack.url}/login", timeout=5) as response:
        assert response.status == 200 and b"Sign in" in response.read()
        assert "Content-Security-Policy" in response.headers
    served_by = wait_for(lambda: upstreams_for(stack, "GET /static/js/realtime.js"), 5, "nginx's log line")
    assert served_by == {"-"}  # never reached gunicorn


def test_rate_limits_count_across_processes(shared_stack, people):
    stack = shared_stack.stack
    email = people[0]["email"]
    ports = stack.web_ports
    browsers = {port: Browser(f"http://127.0.0.1:{port}") for port in ports}
    # Five failed sign-ins a minute per account, spread over both processes: the sixth is refused
    # wherever it lands, because the count lives in Redis (in-memory limits would allow ten).
    wrong = {"email": email, "password": "wrong " + PASSWORD}
    statuses = [browsers[ports[n % 2]].submit("/login", wrong)[0] for n in range(6)]
    assert statuses[:5] == [422] * 5, statuses
    assert statuses[5] == 429, statuses
