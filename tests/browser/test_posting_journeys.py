"""Posting in the browser: write a post and see it, two people watching each other live, and hostile
markup that must render as inert text even with the Content-Security-Policy switched off."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import Page, expect

from tests.browser.helpers import axe_check, sign_in

COMPOSER = "Share an update, ask a question or say thanks"
# Each payload tries to run script by setting window.__xss (or by opening a dialog).
XSS_PAYLOADS = [
    "<script>window.__xss = 1; alert(1)</script>",
    '<img src="x" onerror="window.__xss = 2; alert(2)">',
    '<svg onload="window.__xss = 3; alert(3)"></svg>',
    "[click me](javascript:window.__xss=4;alert(4))",
    '<a href="javascript:window.__xss=5">link</a>',
    '<iframe src="javascript:parent.__xss=6"></iframe>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:window.__xss=8)">styled</div>',
    '"><script>window.__xss = 9</script>',
    '<details open ontoggle="window.__xss = 10">x</details>',
    '![img](x" onerror="window.__xss=11)',
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__xss=12">',
]


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


def test_hostile_markup_renders_as_inert_text_without_the_csp(live_server, new_context):
    author = live_server.make_user(name="Mal Formed")
    writer = new_context().new_page()
    sign_in(writer, author)
    for count, payload in enumerate(XSS_PAYLOADS, start=1):
        write_post(writer, payload)
        writer.wait_for_load_state()
        if urlsplit(writer.url).path != "/":  # posts.js fell back to a plain submit (a slow or failed fetch)
            writer.goto("/")
        expect(writer.locator("article.post")).to_have_count(count)  # accepted before the next one

    # bypass_csp: the sanitiser, not the Content-Security-Policy, is what stops these.
    reader = new_context(bypass_csp=True).new_page()
    dialogs: list[str] = []
    reader.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(reader, live_server.make_user(name="Rae Reader"))
    expect(reader.locator("article.post")).to_have_count(len(XSS_PAYLOADS))
    hrefs = reader.locator("article.post .post__body a").evaluate_all("(links) => links.map((a) => a.href)")
    assert not [h for h in hrefs if re.match(r"\s*(javascript|data|vbscript):", h, re.I)]
    reader.wait_for_timeout(300)  # give any onerror/onload a chance to fire
    assert reader.evaluate("() => window.__xss") is None
    assert dialogs == []
    assert reader.locator("article.post .post__body script, article.post .post__body iframe").count() == 0
    assert (
        reader.locator("article.post .post__body [onerror], article.post .post__body [onload]").count() == 0
    )
    expect(reader.locator("article.post").first).to_be_visible()
