"""Posting in the browser: write a post and see it, and two people watching each other live. (Hostile
markup: tests/browser/test_xss_corpus.py.)"""

from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_check, sign_in

COMPOSER = "Share an update, ask a question or say thanks"


def start_realtime(page: Page) -> None:
    """Wait until realtime.js is connected over WebSocket."""
    page.wait_for_function(
        "() => window.Rollcall && window.Rollcall.socket && window.Rollcall.socket.connected"
    )


def write_post(page: Page, text: str) -> None:
    """Post through the home composer."""
    page.get_by_label(COMPOSER).fill(text)
    page.get_by_role("button", name="Post", exact=True).click()


def test_write_a_post_and_see_it_in_the_feed(page, live_server):
    sign_in(page, live_server.make_user(name="Pat Poster"))
    write_post(page, "Road closure on the **A61** from 22:00 tonight. #traffic")
    card = page.locator("article.post").first
    expect(card).to_contain_text("Road closure on the A61 from 22:00 tonight.")
    expect(card.locator("strong")).to_have_text("A61")
    expect(card.get_by_role("link", name="#traffic")).to_be_visible()
    page.reload()
    expect(page.locator("article.post").first).to_contain_text("Road closure on the A61")
    axe_check(page, "home feed with a post")


def test_an_empty_post_shows_the_message_and_keeps_nothing(page, live_server):
    sign_in(page, live_server.make_user())
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_text("Write something before posting.", exact=False)).to_be_visible()
    expect(page.locator("article.post")).to_have_count(0)


def test_a_second_person_sees_a_post_reply_and_reaction_arrive_live(live_server, new_context):
    alice, bob = live_server.make_user(name="Alice Author"), live_server.make_user(name="Bob Reader")
    a, b = new_context().new_page(), new_context().new_page()
    sign_in(a, alice)
    sign_in(b, bob)
    start_realtime(b)

    write_post(a, "Briefing moved to 07:30 tomorrow")
    bar = b.locator("#new-posts-bar")
    expect(bar).to_have_text("1 new post — show")
    bar.click()
    card = b.locator("article.post").first
    expect(card).to_contain_text("Briefing moved to 07:30 tomorrow")
    post_id = card.get_attribute("data-post-id")

    a.locator(f"#post-{post_id}").get_by_role("button", name="Like").click()
    expect(card.locator(".reaction__count")).to_have_text("1")

    b.goto(f"/posts/{post_id}")
    start_realtime(b)
    a.goto(f"/posts/{post_id}")
    a.get_by_label("Your reply").fill("Thanks, I'll tell the relief")
    a.get_by_role("button", name="Reply").click()
    expect(b.locator(f"#replies-{post_id}")).to_contain_text("Thanks, I'll tell the relief")
    expect(b.locator(f'[data-reply-count="{post_id}"]').first).to_have_text("1 reply")
