"""The database going away: a clear 503 page or JSON error and a failing /healthz, never a traceback.

The app here points at a PostgreSQL port where nothing listens, so every query fails at connect as
it does during an outage (tests/reliability/test_outages.py stops a real server and starts it again).
"""

import pytest

from app import create_app
from app.extensions import db, socketio
from deploy.processes import free_port

SOCKETIO_STATE = ("server", "sockio_mw", "async_mode", "server_options")


@pytest.fixture(params=["testing", "production"])
def unreachable_app(request, app, tmp_path):
    """An app whose database refuses connections (in test mode and with production's handlers)."""
    saved = {name: getattr(socketio, name, None) for name in SOCKETIO_STATE}
    saved["server_options"] = dict(saved["server_options"] or {})
    broken = create_app(
        request.param,
        SECRET_KEY="unavailable-test",
        DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone",
        DATABASE_CONNECT_TIMEOUT=2,
        SEARCH_INDEX_DIR=str(tmp_path),
        RATELIMIT_ENABLED=False,
        WTF_CSRF_ENABLED=False,
    )
    yield broken
    for name, value in saved.items():  # the session's app keeps Socket.IO (as tests/browser/server.py does)
        setattr(socketio, name, value)
    with broken.app_context():
        db.dispose(broken)


def signed_in(app):
    """A browser whose session cookie names a person (the user loader will need the database)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
        session["rt_key"] = "k"
    return client


def test_pages_answer_a_clear_503_without_a_traceback(unreachable_app):
    response = signed_in(unreachable_app).get("/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "Temporarily unavailable" in page and "reach its database just now" in page
    assert "Traceback" not in page and "psycopg" not in page and "OperationalError" not in page
    assert "Content-Security-Policy" in response.headers


def test_the_sign_in_page_and_forms_answer_503_too(unreachable_app):
    client = unreachable_app.test_client()
    response = client.post("/login", data={"email": "a@example.police.uk", "password": "x"})
    assert response.status_code == 503
    assert "Temporarily unavailable" in response.get_data(as_text=True)


def test_the_api_answers_503_json(unreachable_app):
    response = unreachable_app.test_client().get(
        "/api/v1/me", headers={"Authorization": "Bearer rc_" + "a" * 43}
    )
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "database_unavailable"


def test_healthz_fails_with_json_even_for_a_signed_in_browser(unreachable_app):
    response = signed_in(unreachable_app).get("/healthz", headers={"Accept": "text/html"})
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "error"
    assert "search_index" in body  # the index is reported too (here: a fresh one, rebuilding)


def test_the_failure_is_logged_in_one_line(unreachable_app, caplog):
    signed_in(unreachable_app).get("/")
    lines = [r for r in caplog.records if r.getMessage().startswith("Database unavailable")]
    assert lines and all("\n" not in r.getMessage() and r.exc_info is None for r in lines)
