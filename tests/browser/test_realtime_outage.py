"""The live-updates status in Chromium, on the production stack (nginx, two gunicorn processes, a
Redis of the test's own): Redis goes down, the page says "reconnecting" politely and keeps working,
and when Redis returns it says so, reconnects and shows what was posted meanwhile."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_check, field, screenshot
from tests.reliability.infra import Api, PrivateRedis, make_people, require_stack_tools, start_stack

pytestmark = [pytest.mark.stack, pytest.mark.slow]


@pytest.fixture(scope="module")
def outage_stack(tmp_path_factory):
    """Its own stack and Redis: the test stops that Redis."""
    require_stack_tools()
    state = tmp_path_factory.mktemp("outage_stack")
    queue = PrivateRedis().start()
    try:
        stack = start_stack(state, queue, f"sqlite:///{state / 'rollcall.db'}")
        try:
            yield stack, queue, make_people(stack, 2, "outage")
        finally:
            stack.stop()
    finally:
        queue.stop()


def test_redis_down_shows_reconnecting_then_catches_up(new_context, outage_stack):
    stack, queue, (reader, writer) = outage_stack
    page = new_context().new_page()  # absolute URLs: the context's base_url is the in-process live server
    page.goto(f"{stack.url}/login")
    field(page, "Work email").fill(reader["email"])
    field(page, "Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_function(
        "() => window.Rollcall && window.Rollcall.socket && window.Rollcall.socket.connected"
    )
    assert page.evaluate("() => window.Rollcall.socket.io.engine.transport.name") == "websocket"
    status = page.locator("#live-status")
    expect(status).to_be_hidden()

    queue.stop()
    expect(status).to_have_text("Live updates paused — reconnecting…", timeout=15_000)
    expect(status).to_have_attribute("role", "status")  # announced politely, not an alert
    axe_check(page, "home with the reconnecting status")
    screenshot(page, "live-status-reconnecting")
    with Api(stack.web_ports[1], writer["token"]) as api:  # posting still works meanwhile
        status_code, post = api.request(
            "POST", "/api/v1/posts", {"body": "Posted while live updates were paused"}
        )
    assert status_code == 201
    page.reload()  # pages are served throughout
    expect(page.locator(f"#post-{post['id']}")).to_contain_text("while live updates were paused")

    with Api(stack.web_ports[0], writer["token"]) as api:
        _status, missed = api.request("POST", "/api/v1/posts", {"body": "Posted after the reload"})
    queue.start()
    expect(status).to_have_text("Live updates are back.", timeout=30_000)
    expect(page.locator("#new-posts-bar")).to_have_text("1 new post — show")  # caught up by seq
    page.locator("#new-posts-bar").click()
    expect(page.locator(f"#post-{missed['id']}")).to_contain_text("Posted after the reload")
    expect(status).to_be_hidden(timeout=10_000)
