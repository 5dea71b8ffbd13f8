"""Signing in, failing to, resetting a password; accessibility and phone layout of those pages."""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, axe_check, field, horizontal_overflow, link_in, screenshot, sign_in

NEW_PASSWORD = "a brand new passphrase"


def test_sign_in_with_the_real_form_lands_on_home(page, live_server):
    user = live_server.make_user(name="Hannah Lewis")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$|/login\?next=/$"))
    sign_in(page, user)
    expect(page).to_have_title(re.compile(r"^Home\b"))
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    page.get_by_label("Your account").click()
    expect(page.get_by_text(user.email)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_wrong_password_shows_the_message_beside_the_form_and_keeps_the_email(page, live_server):
    user = live_server.make_user()
    page.goto("/login")
    field(page, "Work email").fill(user.email)
    field(page, "Password").fill("not my password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("That email and password don't match an active account.")
    expect(field(page, "Work email")).to_have_value(user.email)
    expect(field(page, "Password")).to_have_value("")
    # The message sits with the form it is about, before the fields.
    assert alert.evaluate("(el) => el.nextElementSibling.tagName") == "FORM"


def test_forgotten_password_email_link_sets_a_new_password(page, live_server):
    user = live_server.make_user()
    page.goto("/login")
    page.get_by_role("link", name="Forgotten your password?").click()
    field(page, "Work email").fill(user.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    messages = live_server.emails_to(user.email)
    assert len(messages) == 1 and "Reset your Rollcall password" in messages[0]["Subject"]
    page.goto(link_in(messages[0], live_server.url))
    expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    field(page, "New password").fill(NEW_PASSWORD)
    field(page, "New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()

    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Your password has been changed")).to_be_visible()
    sign_in(page, user, NEW_PASSWORD)
    # The link is single-use: the password it was issued for has gone.
    page.goto(link_in(messages[0], live_server.url))
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Choose a new password")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pages_pass_axe_core(page, live_server, scheme):
    page.emulate_media(color_scheme=scheme)
    for path in ("/login", "/register", "/forgot-password"):
        page.goto(path)
        axe_check(page, f"{path} ({scheme})")
    sign_in(page, live_server.make_user())
    for path in ("/", "/account/security", "/notifications"):
        page.goto(path)
        axe_check(page, f"{path} ({scheme})")


def test_phone_width_has_no_horizontal_scroll(new_context, live_server):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2).new_page()
    page.goto("/login")
    assert horizontal_overflow(page) <= 0
    screenshot(page, "login-phone", viewport=PHONE)
    sign_in(page, live_server.make_user(name="Jordan Ellis"))
    assert horizontal_overflow(page) <= 0


def test_screenshots_for_the_readme(page, live_server):
    page.goto("/login")
    screenshot(page, "login")
    seeded = live_server.seed_demo()
    chief = next(email for email, role in seeded["logins"] if role == "leader")
    sign_in(page, SimpleNamespace(email=chief), seeded["password"])
    expect(
        page.get_by_role("complementary").get_by_role("link", name="Senior Leadership Team")
    ).to_be_visible()
    expect(page.locator("article.post").first).to_be_visible()
    screenshot(page, "home")
    page.get_by_role("complementary").get_by_role("link", name="Social Media Champions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social Media Champions")
    screenshot(page, "community")
    # The newest posts there may be a curated link or a session without replies yet: open a conversation.
    page.locator("article.post").get_by_role("link", name=re.compile(r"^\d+ repl")).first.click()
    expect(page.get_by_role("heading", name="Replies")).to_be_visible()
    screenshot(page, "thread")
    page.goto("/people")
    screenshot(page, "people")
