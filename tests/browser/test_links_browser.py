"""Curated links in Chromium: a comms officer shares one (its preview still pending), a member finds it
in the home feed with its own look, saves it and finds it on the Saved links page; axe-core on the
Curated, share and saved pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, axe_check, field, horizontal_overflow, sign_in

URL = "https://www.college.police.uk/article/engaging-online"


def test_a_comms_officer_curates_and_a_member_saves_it_for_later(new_context, live_server):
    comms = live_server.make_user(name="Casey Comms", role="comms")
    member = live_server.make_user(name="Morgan Member")

    officer = new_context().new_page()
    sign_in(officer, comms)
    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Curated").click()
    expect(officer).to_have_url(re.compile(r"/curated$"))
    officer.get_by_role("link", name="Share a link").first.click()
    field(officer, "Web address").fill(URL)
    with officer.expect_response(
        lambda r: r.url.endswith("/links/preview") and r.request.method == "POST"
    ) as asked:
        field(officer, "Web address").dispatch_event("change")
    assert asked.value.status == 200  # queued for the job runner (with the form's CSRF token)
    expect(officer.locator("#preview-status")).to_have_text("Fetching a preview in the background…")
    field(officer, "Why it matters for us").fill("Three ideas our neighbourhood teams can use this week.")
    field(officer, "Title").fill("Engaging online: what works")
    field(officer, "Topics").fill("#engagement")
    officer.get_by_role("button", name="Share link").click()
    expect(officer.get_by_text("Shared in All staff.")).to_be_visible()
    expect(officer.locator("article.post--link")).to_contain_text("Fetching a preview")

    page = new_context().new_page()
    sign_in(page, member)
    card = page.locator("article.post--link").first
    expect(card).to_contain_text("Curated link")
    expect(card).to_contain_text("Engaging online: what works")
    expect(card).to_contain_text("Why it matters for us")
    expect(card.get_by_role("link", name="Engaging online: what works")).to_have_attribute(
        "href", re.compile(r"^/links/\d+/go$")
    )
    # The distinct look: an accent edge the plain posts don't have.
    assert card.evaluate("(el) => getComputedStyle(el).borderLeftWidth") == "4px"
    card.get_by_role("button", name="Save for later").click()
    saved = page.locator("article.post--link").first.get_by_role("button", name="Remove from saved")
    expect(saved).to_be_focused()  # the card was swapped in place, focus kept on the button
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Curated").click()
    page.get_by_role("navigation", name="Curated links").get_by_role("link", name="Saved links").click()
    expect(page).to_have_url(re.compile(r"/bookmarks$"))
    expect(page.locator("article.post--link")).to_contain_text("Engaging online: what works")


def test_pasting_an_address_curated_before_says_so_and_links_the_earlier_share(page, live_server):
    comms = live_server.make_user(name="Casey Comms", role="comms")
    sign_in(page, comms)
    page.goto("/links/new")
    field(page, "Web address").fill(URL)
    field(page, "Why it matters for us").fill("First time.")
    page.get_by_role("button", name="Share link").click()
    page.goto("/links/new")
    expect(page.get_by_label("Share it again anyway")).to_be_hidden()
    field(page, "Web address").fill(URL + "?utm_source=newsletter")
    field(page, "Web address").dispatch_event("change")
    notice = page.locator("#earlier-shares")
    expect(notice).to_contain_text("Already curated")
    expect(notice.get_by_role("link", name=URL)).to_have_attribute("href", re.compile(r"^/links/\d+$"))
    page.get_by_label("Share it again anyway").check()
    field(page, "Why it matters for us").fill("Worth a second look now the guidance changed.")
    page.get_by_role("button", name="Share link").click()
    expect(page.get_by_text("Shared in All staff.")).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_curated_pages_pass_axe_core(page, live_server, scheme):
    comms = live_server.make_user(name="Casey Comms", role="comms")
    page.emulate_media(color_scheme=scheme)
    sign_in(page, comms)
    for path in ("/curated", "/links/new", "/bookmarks", "/curated/stats", "/curated/curators"):
        page.goto(path)
        axe_check(page, f"{path} empty ({scheme})")
    page.goto("/links/new")
    page.get_by_role("button", name="Share link").click()  # errors beside their fields
    expect(page.get_by_role("alert")).to_be_visible()
    axe_check(page, f"/links/new with errors ({scheme})")
    field(page, "Web address").fill(URL)
    field(page, "Why it matters for us").fill("Worth reading before Friday's briefing.")
    field(page, "Topics").fill("#engagement")
    page.get_by_role("button", name="Share link").click()
    page.locator("article.post--link form[data-link-save] button").click()
    expect(page.locator("article.post--link").get_by_role("button", name="Remove from saved")).to_be_visible()
    for path, content in (("/curated", "article.post--link"), ("/bookmarks", "article.post--link"),
                          ("/curated/stats", "table.link-stats")):  # fmt: skip
        page.goto(path)
        expect(page.locator(content).first).to_be_visible()
        axe_check(page, f"{path} with a link ({scheme})")


def test_the_curated_page_fits_a_phone(new_context, live_server):
    comms = live_server.make_user(name="Casey Comms", role="comms")
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    sign_in(page, comms)
    page.goto("/links/new")
    field(page, "Web address").fill(URL)
    field(page, "Why it matters for us").fill("Short and useful.")
    page.get_by_role("button", name="Share link").click()
    for path in ("/curated", "/links/new", "/bookmarks"):
        page.goto(path)
        assert horizontal_overflow(page) <= 0, path
