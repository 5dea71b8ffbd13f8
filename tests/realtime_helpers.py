"""Helpers for the realtime tests: real sign-ins, sockets that are always closed, and writes through
the services (committed, so events dispatch as they do in production)."""

from flask import Flask
from flask.testing import FlaskClient
from flask_socketio.test_client import SocketIOTestClient
from sqlalchemy import func, select

from app.extensions import db, socketio
from app.models import Community, Event, Post, SocketConnection, User
from tests.factories import PASSWORD


def sign_in(app: Flask, user: User) -> FlaskClient:
    """A new browser signed in through the real login form (so the sign-in hooks run)."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    return client


class SocketPool:
    """Opens Socket.IO test clients and closes every one of them at the end of a test."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.clients: list[SocketIOTestClient] = []

    def connect(self, client: FlaskClient | None = None, **kwargs) -> SocketIOTestClient:
        """A socket sharing the browser's cookies (client), or a bare one (scripts)."""
        sio = socketio.test_client(self.app, flask_test_client=client, **kwargs)
        self.clients.append(sio)
        return sio

    def close_all(self) -> None:
        """Disconnect and forget every socket this pool opened."""
        for sio in self.clients:
            if sio.is_connected():
                sio.disconnect()
            SocketIOTestClient.clients.pop(sio.eio_sid, None)
            socketio.server.environ.pop(sio.eio_sid, None)


def received(sio: SocketIOTestClient, name: str | None = None) -> list[dict]:
    """Payloads that arrived since the last call (of one event name, or all, each with its name)."""
    messages, sio.queue = sio.queue, []
    payloads = [{**m["args"][0], "_event": m["name"]} for m in messages if m["args"]]
    return [p for p in payloads if name is None or p["_event"] == name]


def names(sio: SocketIOTestClient) -> list[str]:
    """Event names that arrived since the last call."""
    return [p["_event"] for p in received(sio)]


def post(app: Flask, author: User, body: str = "Hello", community_id: int | None = None) -> int:
    """Write a post through the service and commit; returns its id."""
    from app.posts.services import create_post

    with app.app_context():
        community = db.session.get(Community, community_id) if community_id else None
        new = create_post(db.session.get(User, author.id), body, community)
        db.session.commit()
        return new.id


def with_post(app: Flask, post_id: int, action, user: User, *args):
    """Run a service on a post as a person (reply, react, edit, delete) and commit."""
    with app.app_context():
        result = action(db.session.get(User, user.id), db.session.get(Post, post_id), *args)
        db.session.commit()
        return getattr(result, "id", result)


def last_seq(app: Flask) -> int:
    """The newest event id."""
    with app.app_context():
        return db.session.scalar(select(func.max(Event.id))) or 0


def live_sockets(app: Flask, user: User) -> int:
    """How many registered sockets the person has."""
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(SocketConnection).where(SocketConnection.user_id == user.id)
        )
