"""SSO only: password sign-in, registration and reset off for staff (the pages say so), admins' passwords
kept as the break-glass way in, and the admin setting that turns it on only when it is safe."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.auth.services import request_password_reset
from app.extensions import db
from app.models import AuditEntry, Invitation, User
from app.site_settings import get_setting, set_setting
from app.tokens import make_token
from tests.factories import PASSWORD

LABEL = "Sign in with Microsoft"


@pytest.fixture
def configured(app, monkeypatch):
    """Single sign-on configured (no provider needed: these pages only link to it)."""
    for key, value in {
        "OIDC_ISSUER": "https://login.example/tenant/v2.0",
        "OIDC_CLIENT_ID": "rollcall",
        "OIDC_CLIENT_SECRET": "s3cret",
        "OIDC_BUTTON_LABEL": LABEL,
    }.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def sso_only(app, configured):
    """SSO only turned on by an admin."""
    with app.app_context():
        set_setting("sso_only", "1")
        db.session.commit()


def _outbox(app) -> set[Path]:
    outbox = Path(app.config["OUTBOX_DIR"])
    return set(outbox.glob("*.eml")) if outbox.exists() else set()


def _user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


# --- the sign-in page ----------------------------------------------------------------------------


def test_the_sign_in_page_says_passwords_are_off_and_offers_the_admin_way_in(client, sso_only):
    page = client.get("/login").get_data(as_text=True)
    assert LABEL in page and "passwords are turned off here" in page
    assert 'name="password"' not in page and "Admin sign-in with a password" in page
    assert "/register" not in page
    admin_page = client.get("/login?password=1").get_data(as_text=True)
    assert 'name="password"' in admin_page and "Password sign-in is for admins only" in admin_page
    assert "Admin password forgotten?" in admin_page


def test_staff_cannot_sign_in_with_a_right_password(client, sso_only, member):
    response = client.post("/login?password=1", data={"email": member.email, "password": PASSWORD})
    assert response.status_code == 422
    assert "match an admin account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_wrong_password_gets_the_same_answer(client, sso_only, member):
    right = client.post("/login", data={"email": member.email, "password": PASSWORD}).get_data(as_text=True)
    wrong = client.post("/login", data={"email": member.email, "password": "nope nope nope"}).get_data(
        as_text=True
    )
    assert "match an admin account" in right and "match an admin account" in wrong


def test_admins_still_sign_in_with_a_password(client, sso_only, admin):
    response = client.post("/login?password=1", data={"email": admin.email, "password": PASSWORD})
    assert response.status_code == 302 and client.get("/").status_code == 200


def test_without_the_provider_configured_passwords_come_back(app, client, sso_only, member, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "")
    with app.app_context():
        assert get_setting("sso_only") == "1"
    assert 'name="password"' in client.get("/login").get_data(as_text=True)
    assert client.post("/login", data={"email": member.email, "password": PASSWORD}).status_code == 302


# --- registration, reset, invitations, the password page ------------------------------------------


def test_registration_is_off_and_says_so(app, client, sso_only, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOWED_EMAIL_DOMAINS", ["example.police.uk"])
    page = client.get("/register")
    assert page.status_code == 200 and "Self-registration is turned off" in page.get_data(as_text=True)
    before = _user_count(app)
    response = client.post(
        "/register",
        data={"email": "new@example.police.uk", "name": "New Person", "password": "a long passphrase"},
    )
    assert response.status_code == 403 and _user_count(app) == before


def test_password_reset_is_for_admins_only(app, client, sso_only, member, admin):
    page = client.get("/forgot-password").get_data(as_text=True)
    assert "Passwords are turned off here" in page and "Only admins keep a password" in page
    before = _outbox(app)
    assert client.post("/forgot-password", data={"email": member.email}).status_code == 200
    assert _outbox(app) == before  # the same "check your email" answer, and no mail
    client.post("/forgot-password", data={"email": admin.email})
    assert len(_outbox(app) - before) == 1


def test_a_reset_link_issued_before_sso_only_stops_working_for_staff(app, client, configured, member):
    with app.app_context():
        user = db.session.get(User, member.id)
        token = make_token("reset", {"user": user.id, "h": user.password_hash[-16:]})
        set_setting("sso_only", "1")
        db.session.commit()
    assert client.get(f"/reset-password/{token}").status_code == 410


def test_request_password_reset_sends_nothing_to_staff(app, sso_only, member):
    before = _outbox(app)
    with app.app_context():
        request_password_reset(member.email)
    assert _outbox(app) == before


def test_an_invitation_is_accepted_by_signing_in_with_the_provider(app, client, sso_only, admin):
    with app.app_context():
        invitation = Invitation(
            email="new.starter@example.police.uk", name="New Starter", invited_by_id=admin.id
        )
        db.session.add(invitation)
        db.session.commit()
        token = make_token("invite", {"invitation": invitation.id, "email": invitation.email})
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert LABEL in page and "Passwords aren't used here" in page and 'name="password"' not in page
    before = _user_count(app)
    response = client.post(
        f"/invitation/{token}", data={"name": "New Starter", "password": "a long passphrase"}
    )
    assert response.status_code == 403 and _user_count(app) == before


def test_staff_have_no_password_to_change(client, login, sso_only, member):
    login(member)
    page = client.get("/account/security").get_data(as_text=True)
    assert "Change your password" not in page and LABEL in page
    response = client.post(
        "/account/security",
        data={"current_password": PASSWORD, "new_password": "another passphrase", "confirm_password": "x"},
    )
    assert response.status_code == 403


def test_an_sso_account_without_a_password_is_told_why(app, client, login, configured):
    from app.auth.services import create_user

    with app.app_context():
        user = create_user("sso.person@example.police.uk", "Sso Person", None)
        db.session.commit()
        db.session.expunge(user)
    login(user)
    page = client.get("/account/security").get_data(as_text=True)
    assert f"You sign in with “{LABEL}”" in page and "Forgotten your password?" in page


# --- the admin setting ---------------------------------------------------------------------------


def _save(client, **extra):
    return client.post("/admin/settings", data={"session_idle_minutes": "480", **extra})


def test_sso_only_cannot_be_turned_on_without_single_sign_on(app, client, login, admin):
    login(admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "Single sign-on isn't set up on this server" in page and 'name="sso_only"' not in page
    response = _save(client, sso_only="1")
    assert response.status_code == 422 and "isn&#39;t configured" in response.get_data(as_text=True)
    with app.app_context():
        assert get_setting("sso_only") == "0"


def test_sso_only_needs_an_admin_with_a_password(app, client, login, configured, admin):
    with app.app_context():
        db.session.get(User, admin.id).password_hash = None
        db.session.commit()
    login(admin)
    response = _save(client, sso_only="1")
    assert response.status_code == 422 and "At least one admin needs a password" in response.get_data(
        as_text=True
    )


def test_an_admin_turns_sso_only_on_and_off_audited(app, client, login, configured, admin):
    login(admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert f"SSO only: everyone signs in with “{LABEL}”" in page
    assert _save(client, sso_only="1").status_code == 302
    with app.app_context():
        assert get_setting("sso_only") == "1"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "settings.updated")).first()
        assert entry.data["sso_only"] is True
    assert 'name="sso_only" value="1" aria-describedby' in client.get("/admin/settings").get_data(
        as_text=True
    )
    assert _save(client).status_code == 302
    with app.app_context():
        assert get_setting("sso_only") == "0"
