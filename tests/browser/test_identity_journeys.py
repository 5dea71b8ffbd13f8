"""Single sign-on in Chromium against the real OpenID Connect provider on loopback: the button, the
provider's own page on another port, and back signed in with live updates; SSO only's sign-in page
with the admins' way in; the error page; axe-core on each (light and dark)."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.site_settings import set_setting
from tests.browser.helpers import PHONE, axe_check, field, horizontal_overflow, screenshot
from tests.browser.test_realtime_browser import start_realtime
from tests.factories import PASSWORD

LABEL = "Sign in with Keycloak"
SETTINGS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_BUTTON_LABEL")


@pytest.fixture
def live_sso(live_server, oidc_provider):
    """The live app configured for the loopback provider, with a client registered for its address."""
    config = live_server.app.config
    saved = {key: config[key] for key in SETTINGS}
    client_id, secret = oidc_provider.register_client(live_server.url + "/login/sso/callback")
    config.update(
        OIDC_ISSUER=oidc_provider.issuer,
        OIDC_CLIENT_ID=client_id,
        OIDC_CLIENT_SECRET=secret,
        OIDC_BUTTON_LABEL=LABEL,
    )
    yield oidc_provider
    config.update(saved)
    oidc_provider.reset()


def _at_the_provider(page, live_sso, login: str) -> None:
    expect(page).to_have_url(re.compile("^" + re.escape(live_sso.issuer) + "/interaction/"))
    page.get_by_label("Username").fill(login)
    page.get_by_role("button", name="Continue").click()


def test_signing_in_with_the_provider_creates_the_account_and_goes_live(page, live_server, live_sso):
    live_server.make_unit("Response")
    live_sso.add_account(
        "hannah",
        email="hannah.lewis@northshire.police.uk",
        email_verified=True,
        name="Hannah Lewis",
        department="Response",
        jobTitle="Detective Constable",
    )
    page.goto("/people")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_role("link", name=LABEL).click()
    _at_the_provider(page, live_sso, "hannah")
    expect(page).to_have_url(re.compile(r"/people$"))
    start_realtime(page)  # the SSO session keeps the realtime contract: a socket over WebSocket
    page.get_by_label("Your account").click()
    expect(page.get_by_text("hannah.lewis@northshire.police.uk")).to_be_visible()
    page.goto("/people")
    expect(page.get_by_text("Detective Constable").first).to_be_visible()
    # Signing out and in again finds the same account by the provider's subject.
    page.get_by_label("Your account").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name=LABEL).click()  # the provider remembers the session: straight back
    expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))


def test_a_refused_sign_in_explains_itself(page, live_server, live_sso):
    live_sso.add_account("unverified", email="kim@northshire.police.uk", email_verified=False, name="Kim")
    page.goto("/login")
    page.get_by_role("link", name=LABEL).click()
    _at_the_provider(page, live_sso, "unverified")
    expect(page.get_by_role("heading", name="We couldn't sign you in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("hasn't verified kim@northshire.police.uk")
    axe_check(page, "the single sign-on error page")
    page.get_by_role("link", name="Back to sign in").click()
    expect(page).to_have_url(re.compile(r"/login$"))


@pytest.fixture
def sso_only(live_server, live_sso):
    """SSO only, turned on as an admin would, and off again afterwards."""
    live_server.write(set_setting, "sso_only", "1")
    yield live_sso
    live_server.write(set_setting, "sso_only", "0")


def test_sso_only_keeps_a_password_way_in_for_admins(page, live_server, sso_only):
    admin = live_server.make_user(name="Ada Admin", role="admin")
    page.goto("/login")
    expect(page.get_by_text("passwords are turned off here")).to_be_visible()
    expect(field(page, "Password")).to_have_count(0)
    page.get_by_role("link", name="Admin sign-in with a password").click()
    expect(page.get_by_role("note")).to_contain_text("Password sign-in is for admins only")
    sign_in_url = page.url
    field(page, "Work email").fill(admin.email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(sign_in_url)
    page.goto("/admin/settings")
    expect(page.get_by_label(f"SSO only: everyone signs in with “{LABEL}”")).to_be_checked()


def test_sso_only_turns_staff_passwords_away(page, live_server, sso_only):
    member = live_server.make_user()
    page.goto("/login?password=1")
    field(page, "Work email").fill(member.email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Password sign-in is for admins only here")
    page.goto("/register")
    expect(page.get_by_role("note")).to_contain_text("Self-registration is turned off")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_sign_in_pages_pass_axe_core(page, live_server, live_sso, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto("/login")
    axe_check(page, f"/login with single sign-on ({scheme})")
    if scheme == "light":
        screenshot(page, "login-sso")
    with live_server.writing():
        set_setting("sso_only", "1")
        db.session.commit()
    try:
        for path in ("/login", "/login?password=1", "/register", "/forgot-password"):
            page.goto(path)
            axe_check(page, f"{path} in SSO-only mode ({scheme})")
            if scheme == "light" and path == "/login":
                screenshot(page, "login-sso-only")
        admin = live_server.make_user(role="admin")
        page.goto("/login?password=1")
        field(page, "Work email").fill(admin.email)
        field(page, "Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).to_have_url(re.compile(r"^https?://[^/]+/$"))
        for path in ("/admin/settings", "/account/security"):
            page.goto(path)
            axe_check(page, f"{path} in SSO-only mode ({scheme})")
            if scheme == "light" and path == "/login":
                screenshot(page, "login-sso-only")
    finally:
        live_server.write(set_setting, "sso_only", "0")


def test_the_sso_sign_in_page_fits_a_phone(new_context, live_server, live_sso):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    page.goto("/login")
    expect(page.get_by_role("link", name=LABEL)).to_be_visible()
    assert horizontal_overflow(page) <= 0
