"""gunicorn settings for one Rollcall web process (`gunicorn -c deploy/gunicorn.conf.py -b ADDR wsgi:app`).

One worker per process, always: Flask-SocketIO keeps a client's long-polling session in the process
that opened it, so `-w 2` breaks polling (DESIGN.md). Scale with one process per core behind nginx
(Socket.IO sticky by client address) and the Redis message queue instead.

Threaded workers (gthread + simple-websocket), not gevent: the app talks to SQLite, PostgreSQL,
Redis, SMTP and the Whoosh index through ordinary blocking libraries. Under gevent any call that
blocks in C (an SQLite busy wait of up to 10 s, a Whoosh commit) would stall every client of the
process, and the whole stack would depend on monkey-patching being complete. The price: each open
WebSocket or long-poll holds one thread, so WEB_THREADS caps the live clients of a process (see
docs/deploy.md, "Sizing").
"""

import os
import signal
import threading

wsgi_app = "wsgi:app"
worker_class = "gthread"
workers = 1
threads = int(os.environ.get("WEB_THREADS", "100"))
# A request thread stuck this long means the process is wedged: the arbiter replaces the worker.
timeout = 60
# On SIGTERM: close the Socket.IO connections at once (see below), finish requests in flight.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "10"))
keepalive = 5
accesslog = os.environ.get("WEB_ACCESS_LOG") or None  # nginx keeps the access log
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
proc_name = "rollcall-web"
# gunicorn 24+ opens a control socket at one fixed path per user: several processes would collide.
control_socket_disable = True


def _close_live_connections() -> None:
    """Close every Socket.IO connection of this process; the clients reconnect to another one.

    An open WebSocket holds a worker thread for as long as the browser stays, and a stopping worker
    waits for its threads: without this every stop with a browser open would last the whole graceful
    timeout and end in SIGKILL. Never waits for a socket's queue to drain (its writer may be gone).
    """
    from app.extensions import socketio

    if socketio.server is None:
        return
    eio = socketio.server.eio
    for sock in list(eio.sockets.values()):
        sock.close(wait=False, reason=eio.reason.SERVER_DISCONNECT)


def _close_soon(wait: float = 0.0) -> None:
    # Off the signal handler: closing runs the disconnect handlers, which write to the database.
    closer = threading.Thread(target=_close_live_connections, daemon=True)
    closer.start()
    closer.join(wait)


def post_worker_init(worker) -> None:
    """Also close live connections when a graceful stop (SIGTERM) begins."""
    graceful = worker.handle_exit

    def handle_exit(sig, frame):
        graceful(sig, frame)
        _close_soon()

    signal.signal(signal.SIGTERM, handle_exit)


def worker_int(worker) -> None:
    """A quick stop (SIGINT, SIGQUIT): close live connections before the worker exits."""
    _close_soon(wait=3.0)
