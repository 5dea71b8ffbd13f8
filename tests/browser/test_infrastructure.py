"""The browser test machinery itself: the live server, its CSP and the watcher that reports problems."""

import json

from app.extensions import socketio


def test_the_strict_csp_is_served_and_enforced(page, browser_watch):
    page.goto("/login")
    assert browser_watch.documents, "the watcher saw no page"
    response = page.request.get("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # An injected inline script must be refused by the browser, and the refusal must be reported.
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.inlineRan = true';
        document.body.appendChild(s);
    }""")
    assert page.evaluate("() => window.inlineRan === undefined")
    page.wait_for_timeout(100)  # the violation event is asynchronous
    problems = browser_watch.take()
    assert any("CSP violation: script-src" in p for p in problems), problems


def test_console_errors_are_reported(page, browser_watch):
    page.goto("/login")
    page.evaluate("() => console.error('something broke')")
    page.wait_for_timeout(50)
    assert any("something broke" in p for p in browser_watch.take())


def test_the_live_server_speaks_websocket_within_the_csp(page, live_server):
    assert socketio.server is live_server.app.extensions["socketio"].server  # emits reach this server
    page.goto("/login")
    first_packet = page.evaluate("""() => new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://${location.host}/socket.io/?EIO=4&transport=websocket`);
        ws.onmessage = (event) => { ws.close(); resolve(event.data); };
        ws.onerror = () => reject(new Error('WebSocket failed'));
    })""")
    assert first_packet.startswith("0")  # the Engine.IO "open" packet, over a real WebSocket
    assert "sid" in json.loads(first_packet[1:])
