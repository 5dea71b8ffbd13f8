"""The ceiling: a one-route Flask app, served by the same gunicorn config and hit by the same client."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    """The least a Flask view can do."""
    return "Hello, Rollcall"


@app.route("/healthz")
def healthz():
    """Readiness, for the launcher."""
    return {"status": "ok"}
