"""gunicorn settings for one Rollcall web process (`gunicorn -c deploy/gunicorn.conf.py -b ADDR wsgi:app`).

One worker per process, always: Flask-SocketIO keeps a client's long-polling session in the process
that opened it, so `-w 2` breaks polling (DESIGN.md). Scale with one process per core behind nginx
`ip_hash` and the Redis message queue instead.

Threaded workers (gthread + simple-websocket), not gevent: the app talks to SQLite, PostgreSQL,
Redis, SMTP and the Whoosh index through ordinary blocking libraries. Under gevent any call that
blocks in C (an SQLite busy wait of up to 10 s, a Whoosh commit) would stall every client of the
process, and the whole stack would depend on monkey-patching being complete. The price: each open
WebSocket or long-poll holds one thread, so WEB_THREADS caps the live clients of a process (see
docs/deploy.md, "Sizing").
"""

import os

wsgi_app = "wsgi:app"
worker_class = "gthread"
workers = 1
threads = int(os.environ.get("WEB_THREADS", "100"))
# A request thread stuck this long means the process is wedged: the arbiter replaces the worker.
timeout = 60
# On SIGTERM finish requests in flight, then close sockets; browsers reconnect to another process.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "10"))
keepalive = 5
accesslog = os.environ.get("WEB_ACCESS_LOG") or None  # nginx keeps the access log
errorlog = "-"
loglevel = os.environ.get("WEB_LOG_LEVEL", "info")
proc_name = "rollcall-web"
# gunicorn 24+ opens a control socket at one fixed path per user: several processes would collide.
control_socket_disable = True
