"""Entry point: `flask --app wsgi ...`, gunicorn `wsgi:app`, or `python wsgi.py` to serve with Socket.IO."""

import os

from dotenv import load_dotenv

load_dotenv()

from app import create_app  # noqa: E402
from app.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    from app.search.indexer import start_background_indexer

    # One process serves everything here, so it indexes too (gunicorn deployments run `flask jobs run`).
    start_background_indexer(app)
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5000")),
                 allow_unsafe_werkzeug=True)
