"""Communities and leavers in the browser: join a public community, ask to join a private one and
be approved, and an admin deactivating a person who then cannot sign in."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import axe_check, field, sign_in


def test_joining_a_public_community(page, live_server):
    owner, joiner = live_server.make_user(name="Olive Owner"), live_server.make_user(name="Jo Joiner")
    community = live_server.make_community(owner, name="Cycle Commuters", description="Bikes and showers.")
    sign_in(page, joiner)
    page.get_by_role("link", name="Communities").first.click()
    page.get_by_role("link", name="Cycle Commuters").click()
    axe_check(page, "public community, not a member")
    page.get_by_role("button", name="Join community").click()
    expect(page.get_by_role("button", name="Leave community")).to_be_visible()
    expect(page.get_by_label("Share an update, ask a question or say thanks")).to_be_visible()
    page.goto("/")
    expect(page.get_by_role("complementary").get_by_role("link", name="Cycle Commuters")).to_be_visible()
    assert community.slug in page.content()


def test_asking_to_join_a_private_community_and_being_approved(browser, live_server, new_context):
    owner = live_server.make_user(name="Olive Owner", role="comms")  # comms may create private ones
    asker = live_server.make_user(name="Asa Asker")
    live_server.make_community(owner, visibility="private", name="Custody Sergeants")

    asking = new_context().new_page()
    sign_in(asking, asker)
    asking.goto("/communities")
    asking.get_by_role("link", name="Custody Sergeants").click()
    expect(
        asking.get_by_text("Only members read the posts in Custody Sergeants", exact=False)
    ).to_be_visible()
    field(asking, "Message to the owners (optional)").fill("I cover custody on nights from January.")
    asking.get_by_role("button", name="Ask to join").click()
    expect(asking.get_by_role("button", name="Withdraw my request")).to_be_visible()

    approving = new_context().new_page()
    sign_in(approving, owner)
    expect(approving.locator(".notif-link")).to_have_attribute("aria-label", re.compile("1 unread"))
    approving.goto("/notifications")
    approving.get_by_role("link", name="Custody Sergeants").click()
    expect(approving.get_by_role("heading", name="Requests to join Custody Sergeants")).to_be_visible()
    expect(approving.get_by_text("I cover custody on nights from January.")).to_be_visible()
    axe_check(approving, "join requests")
    approving.get_by_role("button", name="Approve Asa Asker").click()
    expect(approving.get_by_text("Asa Asker is now a member", exact=False)).to_be_visible()

    asking.goto("/notifications")
    expect(asking.get_by_text("Your request to join Custody Sergeants was approved.")).to_be_visible()
    asking.get_by_role("link", name="Custody Sergeants").click()
    expect(asking.get_by_role("button", name="Leave community")).to_be_visible()


@pytest.mark.parametrize("path", ["/communities", "/communities/new", "/people", "/admin/people"])
def test_community_people_and_admin_pages_pass_axe_core(page, live_server, path):
    admin = live_server.make_user(name="Ada Admin", role="admin")
    live_server.make_community(admin, name="Pages Check")
    sign_in(page, admin)
    page.goto(path)
    axe_check(page, path)


def test_a_deactivated_leaver_cannot_sign_in(page, live_server, new_context):
    admin = live_server.make_user(name="Ada Admin", role="admin")
    leaver = live_server.make_user(name="Lee Leaver")

    theirs = new_context().new_page()
    sign_in(theirs, leaver)

    sign_in(page, admin)
    page.goto("/admin/people")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Deactivate Lee Leaver").click()
    expect(page.get_by_text("Lee Leaver has been deactivated and signed out everywhere.")).to_be_visible()

    theirs.reload()  # their open session ended with the deactivation
    expect(theirs).to_have_url(re.compile(r"/login"))
    field(theirs, "Work email").fill(leaver.email)
    field(theirs, "Password").fill("correct horse battery")
    theirs.get_by_role("button", name="Sign in").click()
    expect(theirs.get_by_role("alert")).to_have_text("That email and password don't match an active account.")


# Every page of the foundation, on the demo organisation's real content, in both colour schemes.
DEMO_PAGES = [
    "/",
    "/communities/",
    "/communities/social-media-champions",
    "/communities/social-media-champions/members",
    "/communities/social-media-champions/requests",
    "/communities/social-media-champions/settings",
    "/communities/new",
    "/people",
    "/profile/edit",
    "/account/security",
    "/account/tokens",
    "/notifications",
    "/notifications/settings",
    "/topics/socialmedia",
    "/posts/new",
    "/admin",
    "/admin/people",
    "/admin/invitations",
    "/admin/units",
    "/admin/settings",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_foundation_page_passes_axe_core_on_demo_content(page, live_server, scheme):
    seeded = live_server.seed_demo()
    admin_email = next(email for email, role in seeded["logins"] if role == "admin")
    page.emulate_media(color_scheme=scheme)
    page.goto("/login")
    field(page, "Work email").fill(admin_email)
    field(page, "Password").fill(seeded["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("article.post").first).to_be_visible()
    first_post = page.locator("article.post").first.get_attribute("data-post-id")
    me = page.locator(".menu__panel a", has_text="Your profile").get_attribute("href")
    for path in [*DEMO_PAGES, me, f"{me}/posts", f"/posts/{first_post}", f"/posts/{first_post}/reactions"]:
        page.goto(path)
        axe_check(page, f"{path} ({scheme})")
