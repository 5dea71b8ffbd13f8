"""Account hardening: guessable passwords, lockout after repeated failures, idle sign-out, a fresh
session at sign-in and a generated development secret."""

import time

import pytest
from sqlalchemy import select

from app.auth.passwords import check_password, is_guessable
from app.auth.services import set_password
from app.extensions import db
from app.models import AuditEntry, User
from app.site_settings import set_setting
from tests.factories import PASSWORD


@pytest.mark.parametrize(
    "password", ["password123", "Qwertyuiop", "1234567890", "iloveyou123", "Northshire2026", "rollcall!!2026"]
)
def test_common_and_organisational_passwords_are_refused(app, password):
    with app.app_context():
        app.config["ORG_NAME"] = "Northshire Police"
        try:
            assert is_guessable(password)
            assert "attackers try first" in check_password(password)["password"]
        finally:
            app.config["ORG_NAME"] = "Rollcall"


@pytest.mark.parametrize("password", [PASSWORD, "tide clock harbour ferret", "7rT!x9#pLq2@"])
def test_unusual_passwords_are_accepted(app, password):
    with app.app_context():
        assert check_password(password) == {}


def test_a_password_made_of_the_persons_own_name_is_refused(ctx, member):
    user = db.session.get(User, member.id)
    from app.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        set_password(user, user.name.replace(" ", "").lower() + "99")
    assert "attackers try first" in caught.value.fields["password"]


def _fail(client, email, times):
    for _ in range(times):
        response = client.post("/login", data={"email": email, "password": "not the password"})
    return response


def test_repeated_failures_lock_the_address_with_an_audit_entry(app, client, member):
    threshold = app.config["LOCKOUT_THRESHOLD"]
    response = _fail(client, member.email, threshold)
    assert response.status_code == 422 and b"Too many failed sign-ins for this email" in response.data
    # Even the right password is refused while locked.
    locked = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert locked.status_code == 422 and b"Too many failed sign-ins" in locked.data
    with app.app_context():
        entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "auth.locked_out")))
        assert [(e.target_type, e.target_id, e.data["email"]) for e in entries] == [
            ("user", member.id, member.email)
        ]


def test_an_unknown_address_locks_the_same_way_revealing_nothing(app, client, member):
    threshold = app.config["LOCKOUT_THRESHOLD"]
    known = _fail(client, member.email, threshold).data.replace(member.email.encode(), b"EMAIL")
    unknown = _fail(client, "nobody@example.police.uk", threshold).data.replace(
        b"nobody@example.police.uk", b"EMAIL"
    )
    assert known.decode().splitlines() == unknown.decode().splitlines()  # pytest shows the differing lines


def test_a_password_reset_lifts_the_lockout(app, client, member):
    _fail(client, member.email, app.config["LOCKOUT_THRESHOLD"])
    with app.app_context():
        set_password(db.session.get(User, member.id), "a new and unusual passphrase")
        db.session.commit()
    ok = client.post("/login", data={"email": member.email, "password": "a new and unusual passphrase"})
    assert ok.status_code == 302


def test_failures_outside_the_window_start_counting_again(app, client, member, monkeypatch):
    from datetime import timedelta

    from app.auth import lockout

    threshold = app.config["LOCKOUT_THRESHOLD"]
    _fail(client, member.email, threshold - 1)
    later = lockout.utcnow() + app.config["LOCKOUT_WINDOW"] + timedelta(seconds=1)
    monkeypatch.setattr(lockout, "utcnow", lambda: later)
    _fail(client, member.email, threshold - 1)
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302


def test_sign_in_starts_a_fresh_session(client, member):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    client.post("/login", data={"email": member.email, "password": PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"] == member.get_id()


@pytest.fixture
def idle_limit(app):
    """Set the idle limit to 10 minutes."""
    with app.app_context():
        set_setting("session_idle_minutes", "10")
        db.session.commit()
    return 10


def test_an_idle_session_ends_with_a_message(client, login, member, idle_limit):
    login(member)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - idle_limit * 60 - 5
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "signed out after 10 minutes without activity" in page
    assert client.get("/").status_code == 302  # still signed out


def test_an_active_persons_requests_never_read_the_idle_setting(client, login, member, count_queries, app):
    login(member)
    client.get("/")
    with count_queries() as first:
        client.get("/notifications")
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 11 * 60  # longer than the shortest limit: it is read
    with count_queries() as after_a_gap:
        client.get("/notifications")
    assert after_a_gap() == first() + 1


def test_background_fetches_are_not_activity(client, login, member, idle_limit):
    login(member)
    client.get("/")
    with client.session_transaction() as session:
        session["seen_at"] = stale = int(time.time()) - 300
    client.get("/notifications", headers={"X-Requested-With": "fetch"})
    with client.session_transaction() as session:
        assert session["seen_at"] == stale
    client.get("/notifications")
    with client.session_transaction() as session:
        assert session["seen_at"] > stale


def test_an_idle_background_fetch_gets_401(client, login, member, idle_limit):
    login(member)
    client.get("/")
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - idle_limit * 60 - 5
    assert client.get("/notifications", headers={"X-Requested-With": "fetch"}).status_code == 401


@pytest.mark.parametrize("value", ["", "5", "2000", "ten", "١٢"])
def test_the_idle_setting_is_validated_beside_its_field(app, client, login, admin, value):
    login(admin)
    response = client.post("/admin/settings", data={"session_idle_minutes": value})
    assert response.status_code == 422
    assert "Enter a number of minutes from 10 to 1,440." in response.get_data(as_text=True)


def test_development_generates_its_own_secret_once(tmp_path):
    from app.security import local_secret_key

    first = local_secret_key(tmp_path / "instance")
    assert len(first) >= 48 and local_secret_key(tmp_path / "instance") == first
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600
