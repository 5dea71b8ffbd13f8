"""Signing in with OpenID Connect against a real provider on loopback: accounts created or matched by
verified email, the provider's subject kept, unit and job title from claims, and every check on the
provider's answer (audience, expiry, signature, issuer, nonce, state) refusing with nothing created."""

import time
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Invitation, SsoIdentity, Unit, User
from app.realtime.identity import SESSION_KEY
from tests import factories
from tests.oidc_helpers import query, sign_in_at_provider

DOMAIN = "northshire.police.uk"


def _person(sso, login: str = "sam", **claims) -> str:
    """An account at the provider with sensible claims (overridable); returns its username."""
    sso.add_account(
        login,
        **{
            "email": f"{login}@{DOMAIN}",
            "email_verified": True,
            "name": f"{login.title()} Patel",
            "department": "Response",
            "jobTitle": "Police Constable",
            **claims,
        },
    )
    return login


def sso_sign_in(app, client, login: str, next_url: str | None = None, tweak=None):
    """The whole redirect flow: our /login/sso, the provider's page, back to our callback."""
    start = client.get("/login/sso" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    back = sign_in_at_provider(
        start.headers["Location"], login, app.config["BASE_URL"] + "/login/sso/callback"
    )
    parts = urlsplit(tweak(back) if tweak else back)
    return client.get(f"{parts.path}?{parts.query}")


@pytest.fixture
def look(app):
    """Read the database in a context of its own (requests inside a test's app context would share its
    session and Flask-Login's cached user with it)."""

    def _look(fn, *args):
        with app.app_context():
            return fn(*args)

    return _look


def _counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(User)),
        db.session.scalar(select(func.count()).select_from(SsoIdentity)),
        db.session.scalar(select(func.count()).select_from(AuditEntry)),
    )


def _audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# --- the happy paths ----------------------------------------------------------------------------


def test_the_authorization_request_uses_state_nonce_and_pkce(client, sso):
    response = client.get("/login/sso")
    assert response.status_code == 302
    params = query(response.headers["Location"])
    assert response.headers["Location"].startswith(sso.issuer + "/auth?")
    assert params["response_type"] == "code" and "openid" in params["scope"].split()
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert len(params["state"]) >= 20 and len(params["nonce"]) >= 20
    assert params["redirect_uri"] == "http://127.0.0.1:5000/login/sso/callback"


def test_first_sign_in_creates_the_account_from_verified_claims(app, client, sso, look):
    look(lambda: (factories.make_unit("Response"), db.session.commit()))
    login = _person(sso)
    response = sso_sign_in(app, client, login, next_url="/people")
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    with app.app_context():
        user = _user(f"sam@{DOMAIN}")
        assert (
            user.name == "Sam Patel" and user.job_title == "Police Constable" and user.unit.name == "Response"
        )
        assert user.password_hash is None and user.is_active and user.role == "member"
        identity = db.session.scalar(select(SsoIdentity))
        assert (identity.user_id, identity.issuer, identity.subject) == (user.id, sso.issuer, login)
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sso.account_created"))
        assert entry.target_id == user.id and entry.data["subject"] == login
    assert client.get("/").status_code == 200  # signed in


def test_sign_in_starts_a_fresh_session_with_a_new_realtime_key(app, client, sso, look):
    login = _person(sso)
    with client.session_transaction() as session:
        session["planted"] = "from before"
        session[SESSION_KEY] = "old-key"
    sso_sign_in(app, client, login)
    user = look(_user, f"sam@{DOMAIN}")
    with client.session_transaction() as session:
        assert "planted" not in session and session[SESSION_KEY] != "old-key"
        assert session["_user_id"] == f"{user.id}:{user.session_version}"
        assert not any(key.startswith("_state_") for key in session)  # Authlib's state is used up


def test_a_signed_in_sso_browser_gets_live_updates_and_loses_them_at_sign_out(app, client, sso):
    from tests.realtime_helpers import SocketPool

    sso_sign_in(app, client, _person(sso))
    pool = SocketPool(app)
    try:
        socket = pool.connect(client)
        assert socket.is_connected()
        assert client.post("/logout").status_code == 302
        assert not socket.is_connected()
    finally:
        pool.close_all()


def test_an_existing_account_is_matched_by_verified_email_then_by_subject(app, client, sso, look, member):
    login = _person(sso, "morgan", email=member.email.upper(), department="Nowhere Unit")
    assert sso_sign_in(app, client, login).status_code == 302
    assert look(_audit_actions) == ["sso.account_linked"]
    with app.app_context():
        assert db.session.scalar(select(SsoIdentity.user_id)) == member.id
        assert db.session.get(User, member.id).password_hash  # the password stays
    # The address changes at the provider: the subject still finds the account, which follows it.
    _person(sso, "morgan", email=f"morgan.member@{DOMAIN}")
    assert sso_sign_in(app, app.test_client(), login).status_code == 302
    with app.app_context():
        assert db.session.get(User, member.id).email == f"morgan.member@{DOMAIN}"
        assert (
            db.session.scalar(select(func.count()).select_from(User).where(User.email.like("morgan%"))) == 1
        )
        assert _audit_actions()[-1] == "sso.account_updated"


def test_an_unknown_unit_is_not_invented(app, client, sso, look):
    sso_sign_in(app, client, _person(sso, department="Made-up Directorate"))
    with app.app_context():
        assert _user(f"sam@{DOMAIN}").unit is None
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sso.account_created"))
        assert entry.data["unknown_unit"] == "Made-up Directorate"


def test_an_open_invitation_sets_the_role_and_is_taken_up(app, client, sso, admin, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_ACCOUNTS", False)
    with app.app_context():
        db.session.add(Invitation(email=f"sam@{DOMAIN}", role="comms", invited_by_id=admin.id))
        db.session.commit()
    assert sso_sign_in(app, client, _person(sso)).status_code == 302
    with app.app_context():
        assert _user(f"sam@{DOMAIN}").role == "comms"
        assert db.session.scalar(select(Invitation)).accepted_at is not None


# --- refusals: a clear page, nothing created ------------------------------------------------------


def _refused(response, status: int, text: str) -> None:
    body = response.get_data(as_text=True)
    assert response.status_code == status, body
    assert "We couldn't sign you in" in body and text in body


def test_without_accounts_from_sign_in_an_unknown_person_is_refused(app, client, sso, look, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_CREATE_ACCOUNTS", False)
    _refused(sso_sign_in(app, client, _person(sso)), 403, "Ask an admin to invite you")
    assert look(_counts) == (0, 0, 0)


@pytest.mark.parametrize(
    ("claims", "allowed", "message"),
    [
        ({"email_verified": False}, [], "hasn&#39;t verified"),
        ({"email_verified": "false"}, [], "hasn&#39;t verified"),
        ({"email": "sam@gmail.com"}, [DOMAIN], "Accounts here are for northshire.police.uk addresses"),
        ({"email": "not an email"}, [], "didn&#39;t share a work email"),
    ],
)
def test_unverified_or_disallowed_email_is_refused(
    app, client, sso, look, monkeypatch, claims, allowed, message
):
    monkeypatch.setitem(app.config, "ALLOWED_EMAIL_DOMAINS", allowed)
    _refused(sso_sign_in(app, client, _person(sso, **claims)), 403, message)
    assert look(_counts) == (0, 0, 0)
    assert client.get("/").status_code == 302  # still signed out


def test_entra_style_verification_claim_is_configurable(app, client, sso, look, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_EMAIL_VERIFIED_CLAIM", "family_name")  # stands in for xms_edov
    assert sso_sign_in(app, client, _person(sso, email_verified=False, family_name="true")).status_code == 302
    assert look(_user, f"sam@{DOMAIN}") is not None


def test_a_deactivated_account_is_refused_by_email_and_by_subject(app, client, sso, look, admin, member):
    from app.admin.services import deactivate

    login = _person(sso, "morgan", email=member.email)
    assert sso_sign_in(app, client, login).status_code == 302
    with app.app_context():
        deactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
    before = look(_counts)
    _refused(sso_sign_in(app, app.test_client(), login), 403, "has been deactivated")
    with app.app_context():
        db.session.execute(SsoIdentity.__table__.delete())
        db.session.commit()
    _refused(sso_sign_in(app, app.test_client(), login), 403, "has been deactivated")
    assert look(_counts)[0] == before[0]


def test_a_reused_address_is_not_handed_to_a_new_person(app, client, sso, look, member):
    assert sso_sign_in(app, client, _person(sso, "morgan", email=member.email)).status_code == 302
    before = look(_counts)
    newcomer = _person(sso, "morgan2", email=member.email)  # a different subject, the same mailbox
    _refused(sso_sign_in(app, app.test_client(), newcomer), 403, "linked to a different person")
    assert look(_counts) == before


def test_someone_disabled_at_the_provider_never_gets_back_here(app, client, sso, look):
    login = _person(sso, disabled=True)
    start = client.get("/login/sso")
    with pytest.raises(AssertionError, match="stopped at 200"):
        sign_in_at_provider(start.headers["Location"], login, app.config["BASE_URL"] + "/login/sso/callback")
    assert look(_counts) == (0, 0, 0)


@pytest.mark.parametrize(
    "tampering",
    [
        pytest.param({"claims": {"aud": "someone-else"}}, id="wrong-audience"),
        pytest.param(
            {"claims": {"exp": int(time.time()) - 600, "iat": int(time.time()) - 1200}}, id="expired"
        ),
        pytest.param({"claims": {"nonce": "not-the-nonce-we-sent"}}, id="nonce-mismatch"),
        pytest.param({"claims": {"iss": "https://evil.example"}}, id="wrong-issuer"),
        pytest.param({"wrong_key": True}, id="bad-signature"),
    ],
)
def test_an_id_token_failing_any_check_is_refused(app, client, sso, look, tampering):
    login = _person(sso)
    sso.tamper(**tampering)
    _refused(sso_sign_in(app, client, login), 400, "couldn&#39;t verify the answer")
    assert look(_counts) == (0, 0, 0)
    assert client.get("/").status_code == 302


def test_a_state_that_is_not_this_browsers_is_refused(app, client, sso, look):
    login = _person(sso)

    def forge_state(url: str) -> str:
        return url.replace("state=", "state=forged")

    _refused(sso_sign_in(app, client, login, tweak=forge_state), 400, "started in another browser")
    assert look(_counts) == (0, 0, 0)


def test_a_callback_in_another_browser_is_refused(app, client, sso, look):
    login = _person(sso)
    start = client.get("/login/sso")
    back = sign_in_at_provider(
        start.headers["Location"], login, app.config["BASE_URL"] + "/login/sso/callback"
    )
    parts = urlsplit(back)
    _refused(app.test_client().get(f"{parts.path}?{parts.query}"), 400, "started in another browser")
    assert look(_counts) == (0, 0, 0)


def test_a_mixed_up_issuer_parameter_is_refused(app, client, sso, look):
    login = _person(sso)

    def other_issuer(url: str) -> str:
        return url.replace("iss=", "iss=https%3A%2F%2Fevil.example&x=")

    _refused(sso_sign_in(app, client, login, tweak=other_issuer), 400, "couldn&#39;t verify")
    assert look(_counts) == (0, 0, 0)


def test_a_cancelled_sign_in_is_explained(client, sso):
    start = client.get("/login/sso")
    state = query(start.headers["Location"])["state"]
    response = client.get(
        f"/login/sso/callback?error=access_denied&error_description=User+cancelled&state={state}"
    )
    _refused(response, 400, "didn&#39;t complete the sign-in")


@pytest.mark.parametrize(
    "path",
    ["/login/sso/callback", "/login/sso/callback?code=x&state=y", "/login/sso/callback?code=" + "x" * 5000],
)
def test_junk_at_the_callback_is_a_clear_400(client, sso, path):
    _refused(client.get(path), 400, "started in another browser")


def test_an_unreachable_provider_is_a_clear_502(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", "http://127.0.0.1:9")  # the discard port: nothing listens
    monkeypatch.setitem(app.config, "OIDC_CLIENT_ID", "rollcall")
    monkeypatch.setitem(app.config, "OIDC_CLIENT_SECRET", "secret")
    _refused(client.get("/login/sso"), 502, "couldn&#39;t reach the sign-in service")


def test_a_discovery_document_for_another_issuer_is_refused(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_ISSUER", sso.issuer.replace("127.0.0.1", "localhost"))
    _refused(client.get("/login/sso"), 502, "misconfigured")


def test_without_configuration_there_is_no_single_sign_on(client):
    assert client.get("/login/sso").status_code == 404
    assert client.get("/login/sso/callback?code=x&state=y").status_code == 404
    assert "/login/sso" not in client.get("/login").get_data(as_text=True)


def test_the_sign_in_page_offers_the_provider(app, client, sso, monkeypatch):
    monkeypatch.setitem(app.config, "OIDC_BUTTON_LABEL", "Sign in with Keycloak")
    page = client.get("/login?next=/people").get_data(as_text=True)
    assert 'href="/login/sso?next=/people"' in page and "Sign in with Keycloak" in page
    assert 'name="password"' in page  # passwords still work until an admin chooses SSO only


def test_a_huge_next_is_not_kept_across_the_trip(app, client, sso):
    response = client.get("/login/sso?next=/" + "x" * 5000)
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session["sso_next"] == "/"


def test_a_first_sign_in_racing_itself_is_retried_not_a_500(app, client, sso, look, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from app.identity import routes

    real, calls = routes.services.sign_in_with_provider, []

    def loses_the_race_once(issuer, claims):
        calls.append(issuer)
        if len(calls) == 1:
            raise IntegrityError("INSERT INTO sso_identities", {}, Exception("duplicate key"))
        return real(issuer, claims)

    monkeypatch.setattr(routes.services, "sign_in_with_provider", loses_the_race_once)
    assert sso_sign_in(app, client, _person(sso)).status_code == 302
    assert len(calls) == 2 and look(_counts)[:2] == (1, 1)


def test_control_characters_in_claims_are_dropped(app, client, sso, look):
    login = _person(sso, email=f"sam\x00@{DOMAIN}", name="Sam\x07 Patel", jobTitle="PC\x00 " + "x" * 500)
    assert sso_sign_in(app, client, login).status_code == 302
    user = look(_user, f"sam@{DOMAIN}")
    assert user.name == "Sam Patel" and user.job_title.startswith("PC x") and len(user.job_title) == 120


def test_a_self_registration_waiting_for_confirmation_is_confirmed_by_the_provider(app, client, sso, look):
    from app.auth.services import create_user

    look(
        lambda: (
            create_user(f"sam@{DOMAIN}", "Sam Patel", factories.PASSWORD, confirmed=False),
            db.session.commit(),
        )
    )
    assert not look(_user, f"sam@{DOMAIN}").is_active
    assert sso_sign_in(app, client, _person(sso)).status_code == 302
    assert look(_user, f"sam@{DOMAIN}").is_active and look(_audit_actions) == ["sso.account_linked"]


@pytest.mark.parametrize("extra", ["", "&code=", "&code=not-a-real-code", "&code=" + "x" * 3000])
def test_a_bad_code_with_this_browsers_state_is_a_clear_400(client, sso, extra):
    start = client.get("/login/sso")
    state = query(start.headers["Location"])["state"]
    _refused(client.get(f"/login/sso/callback?state={state}{extra}"), 400, "didn&#39;t complete the sign-in")
