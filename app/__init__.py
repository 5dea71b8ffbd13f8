"""Rollcall: the application factory."""

import os

from flask import Flask

from app.config import CONFIGS, INSTANCE
from app.extensions import csrf, db, limiter, login_manager, socketio


def create_app(config: str | type | None = None, **overrides) -> Flask:
    """Build the app: configure extensions, register blueprints, error handlers and CLI."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(INSTANCE))
    config = config or os.environ.get("ROLLCALL_CONFIG", "development")
    app.config.from_object(CONFIGS[config] if isinstance(config, str) else config)
    app.config.update(overrides)
    if not app.config["SECRET_KEY"]:
        raise RuntimeError("SECRET_KEY must be set (see README: Configuration)")

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    socketio.init_app(app, message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
                      cors_allowed_origins=[app.config["BASE_URL"]])

    from app import admin, auth, cli, communities, main, notifications, people, templating
    from app.errors import register_error_handlers
    from app.permissions import enforce_route_access
    from app.security import init_security_headers

    for module in (auth, main, people, communities, notifications, admin):
        app.register_blueprint(module.bp)
    templating.init_app(app)
    register_error_handlers(app)
    enforce_route_access(app)
    init_security_headers(app)
    cli.init_app(app)
    return app
