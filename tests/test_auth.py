"""Signing in and out, sessions, and the account services."""

from sqlalchemy import select

from app.auth import services
from app.extensions import db
from app.models import Membership, User
from tests.factories import PASSWORD


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in to Rollcall" in response.data


def test_sign_in_and_out(client, member):
    response = client.post("/login", data={"email": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_keeps_email_and_reveals_nothing(client, member):
    bad = client.post("/login", data={"email": member.email, "password": "wrong-password"})
    unknown = client.post("/login", data={"email": "nobody@example.police.uk", "password": "wrong-password"})
    assert bad.status_code == unknown.status_code == 422
    assert b"don&#39;t match an active account" in bad.data
    assert member.email.encode() in bad.data
    same = [
        bad.data.replace(member.email.encode(), b""),
        unknown.data.replace(b"nobody@example.police.uk", b""),
    ]
    assert same[0].decode().splitlines() == same[1].decode().splitlines()  # pytest shows the differing lines


def test_anonymous_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_sign_out_everywhere_ends_other_sessions(app, client, login, member):
    other = app.test_client()
    login(member, other)
    login(member)
    assert other.get("/").status_code == 200
    client.post("/account/sign-out-everywhere")
    assert other.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_validates_and_keeps_this_session(app, client, login, member):
    other = app.test_client()
    login(member, other)
    login(member)
    bad = client.post(
        "/account/security",
        data={"current_password": "nope", "new_password": "short", "confirm_password": "short"},
    )
    assert bad.status_code == 422
    assert b"isn&#39;t your current password" in bad.data and b"at least 10" in bad.data
    ok = client.post(
        "/account/security",
        data={
            "current_password": PASSWORD,
            "new_password": "a much longer one",
            "confirm_password": "a much longer one",
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert other.get("/").status_code == 302


def test_create_user_joins_all_staff(ctx, all_staff):
    user = services.create_user("New.Person@Example.police.uk", "New Person", PASSWORD)
    db.session.commit()
    assert user.email == "new.person@example.police.uk"
    assert db.session.get(Membership, (all_staff.id, user.id)) is not None


def test_deactivated_person_cannot_sign_in(ctx, client, member):
    user = db.session.get(User, member.id)
    from app.models import utcnow

    user.deactivated_at = utcnow()
    db.session.commit()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 422
    assert services.authenticate(member.email, PASSWORD) is None


def test_users_create_cli(runner, ctx):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "cli@example.police.uk",
            "--name",
            "Cli Person",
            "--role",
            "comms",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "cli@example.police.uk"))
    assert user.role == "comms"
