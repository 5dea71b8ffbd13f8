"""static/js/realtime.js in Chromium, over a real WebSocket to the live server: the new-posts bar,
cards that follow reactions, edits and removals, replies arriving in a thread, and the bell."""

from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Post, User
from app.posts.replies import create_reply, react
from app.posts.services import create_post, delete_post, edit_post
from tests.browser.helpers import sign_in


def start_realtime(page: Page) -> None:
    """Wait until the page's realtime.js is connected, over WebSocket (not long-polling)."""
    page.wait_for_function(
        "() => window.Rollcall && window.Rollcall.socket && window.Rollcall.socket.connected"
    )
    assert page.evaluate("() => window.Rollcall.socket.io.engine.transport.name") == "websocket"


def write(live_server, fn, *args):
    """Run a service in the live app (as its own request would) and commit; returns the result's id."""
    # As a writer (BEGIN IMMEDIATE), as the app's own POST requests are: a socket registering at the
    # same moment would otherwise make this read-then-write transaction fail with "database is locked".
    with live_server.writing():
        result = fn(*args)
        db.session.commit()
        return getattr(result, "id", result)


def as_user(user: User) -> User:
    return db.session.get(User, user.id)


def test_new_posts_wait_behind_a_bar_then_arrive_focused(page, live_server):
    reader, author = live_server.make_user(name="Rita Reader"), live_server.make_user(name="Arun Author")
    sign_in(page, reader)
    start_realtime(page)
    post_id = write(live_server, lambda: create_post(as_user(author), "Fresh from the socket"))
    bar = page.locator("#new-posts-bar")
    expect(bar).to_have_text("1 new post — show")
    expect(page.locator("#live-region")).to_have_text("1 new post")
    expect(page.locator(f"#post-{post_id}")).to_have_count(0)  # nothing moves under the reader
    bar.click()
    card = page.locator(f"#post-{post_id}")
    expect(card).to_contain_text("Fresh from the socket")
    expect(card).to_be_focused()
    expect(bar).to_be_hidden()


def test_cards_follow_reactions_edits_and_removal(page, live_server):
    reader, author = live_server.make_user(name="Rita Reader"), live_server.make_user(name="Arun Author")
    post_id = write(live_server, lambda: create_post(as_user(author), "Version one"))
    sign_in(page, reader)
    start_realtime(page)
    card = page.locator(f"#post-{post_id}")
    expect(card).to_contain_text("Version one")

    write(live_server, lambda: react(as_user(author), db.session.get(Post, post_id), "like"))
    expect(card.locator(".reaction__count")).to_have_text("1")
    write(live_server, lambda: edit_post(as_user(author), db.session.get(Post, post_id), "Version two"))
    expect(card).to_contain_text("Version two")
    write(live_server, lambda: delete_post(as_user(author), db.session.get(Post, post_id)))
    expect(card).to_contain_text("This post was removed.")


def test_a_thread_gets_new_replies_and_the_bell_counts_them(page, live_server):
    reader, author = live_server.make_user(name="Rita Reader"), live_server.make_user(name="Arun Author")
    post_id = write(live_server, lambda: create_post(as_user(reader), "Who has the rota?"))
    sign_in(page, reader)
    page.goto(f"/posts/{post_id}")
    start_realtime(page)
    reply_id = write(
        live_server, lambda: create_reply(as_user(author), db.session.get(Post, post_id), "I do")
    )
    expect(page.locator(f"#replies-{post_id} #reply-{reply_id}")).to_contain_text("I do")
    expect(page.locator(f'[data-reply-count="{post_id}"]').first).to_have_text("1 reply")
    expect(page.locator(".notif-link [data-unread-count]")).to_have_text("1")
    expect(page.locator(".notif-link")).to_have_attribute("aria-label", "Notifications, 1 unread")


def test_a_reconnect_catches_up_with_what_was_missed(page, live_server):
    reader, author = live_server.make_user(name="Rita Reader"), live_server.make_user(name="Arun Author")
    sign_in(page, reader)
    start_realtime(page)
    page.evaluate("() => window.Rollcall.socket.disconnect()")
    missed = write(live_server, lambda: create_post(as_user(author), "Posted while I was offline"))
    page.evaluate("() => window.Rollcall.socket.connect()")  # auth() sends the newest seq it saw
    expect(page.locator("#new-posts-bar")).to_have_text("1 new post — show")
    page.locator("#new-posts-bar").click()
    expect(page.locator(f"#post-{missed}")).to_contain_text("Posted while I was offline")
