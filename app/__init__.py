"""Rollcall: the application factory."""

import os
from importlib import import_module

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import CONFIGS, INSTANCE
from app.extensions import csrf, db, limiter, login_manager, socketio

# Feature packages and their views modules. Packages define only their blueprint, so importing a
# service never drags in views (and views may import any service without an import cycle).
BLUEPRINTS = (
    ("auth", ("routes",)),
    ("main", ("routes", "pages")),
    ("people", ("routes",)),
    ("communities", ("routes",)),
    ("posts", ("routes", "reply_routes")),
    ("feeds", ("routes",)),
    ("notifications", ("routes",)),
    ("admin", ("routes",)),
    ("learning", ("routes", "host_routes", "qa_routes", "calendar_routes")),
    ("links", ("routes", "manage_routes")),
    ("identity", ("routes",)),
    ("proposals", ("routes", "actions", "admin_routes")),
    ("objectives", ("routes",)),
    ("insights", ("routes",)),
    ("leadership", ("routes",)),
    ("search", ("routes",)),
    ("api", ()),
    # After the API: the policy gate runs once bearer authentication has decided who is asking.
    ("policy", ("routes",)),
    ("moderation", ("routes", "queue_routes", "admin_routes")),
    ("attachments", ("routes",)),
    ("digest", ("routes", "comms_routes")),
    # Last: its registry loads every earlier package's governance module (app/<package>/governance.py).
    ("governance", ("routes", "admin_routes")),
)


def create_app(config: str | type | None = None, **overrides) -> Flask:
    """Build the app: configure extensions, register blueprints, error handlers and CLI."""
    app = Flask(
        __name__, template_folder="../templates", static_folder="../static", instance_path=str(INSTANCE)
    )
    config = config or os.environ.get("ROLLCALL_CONFIG", "development")
    app.config.from_object(CONFIGS[config] if isinstance(config, str) else config)
    app.config.update(overrides)
    if not app.config["SECRET_KEY"] and app.config.get("GENERATE_SECRET_KEY"):
        from app.security import local_secret_key

        app.config["SECRET_KEY"] = local_secret_key(INSTANCE)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set (see README: Configuration)")
    from app.search.backend import check_setting

    check_setting(app.config)

    from app.forms import IdConverter
    from app.realtime.queue import queue_options

    app.url_map.converters["int"] = IdConverter
    if proxies := app.config["TRUSTED_PROXIES"]:  # behind nginx: the client's address and scheme come from it
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    socketio.init_app(app, cors_allowed_origins=[app.config["BASE_URL"]], **queue_options(app))

    from app import cli, events, mail, templating
    from app.auth import idle
    from app.errors import register_error_handlers
    from app.jobs import replay_pending
    from app.permissions import enforce_route_access
    from app.realtime import init_app as init_realtime
    from app.security import init_security_headers

    for package, views in BLUEPRINTS:
        for module in views:  # importing a views module attaches its routes to the package's blueprint
            import_module(f"app.{package}.{module}")
        app.register_blueprint(import_module(f"app.{package}").bp)
    templating.init_app(app)
    events.init_app(app)
    mail.init_app(app)
    init_realtime(app)
    register_error_handlers(app)
    enforce_route_access(app)
    idle.init_app(app)
    init_security_headers(app)
    cli.init_app(app)
    if not app.testing:
        replay_pending(app)  # events a crash left undispatched, now every subscriber is wired
    return app
