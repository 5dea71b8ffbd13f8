"""The post card cache (app/posts/cards.py): the same HTML as drawing afresh, per viewer, after every change."""

import re

import pytest
from flask import render_template_string

from app.communities.services import update_community
from app.extensions import db
from app.feeds.queries import Page
from app.models import Community, Post, User
from app.moderation.cases import Target
from app.moderation.items import hide
from app.posts import replies, services
from app.posts.cards import CardPage, CardViewer, cache_for
from tests.factories import make_community, make_user

CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _fresh_cache(app):
    cache_for(app).clear()
    yield
    cache_for(app).clear()


def _post(app, author, body="Shift swap on Friday", community_id=None) -> int:
    with app.app_context():
        community = db.session.get(Community, community_id) if community_id else None
        post = services.create_post(db.session.get(User, author.id), body, community)
        db.session.commit()
        return post.id


def _card(html: str, post_id: int) -> str:
    """One card's HTML out of a page."""
    found = re.search(rf'<article [^>]*id="post-{post_id}".*?</article>', html, re.S)
    return found.group(0) if found else ""


def _home(client) -> str:
    return client.get("/").get_data(as_text=True)


def _tokenless(html: str) -> str:
    """The page with its CSRF token (timestamped, so it changes by the second) taken out."""
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    return html.replace(token, "TOKEN")


def _uncached(app, client) -> str:
    """The page drawn with the cache switched off."""
    cache = cache_for(app)
    size, cache.size = cache.size, 0
    try:
        return _home(client)
    finally:
        cache.size = size


def test_cached_cards_match_fresh_ones_for_author_moderator_and_reader(
    app, client, login, member, moderator, comms
):
    post_id = _post(app, member, "A **bold** plan for the depot")
    with app.app_context():
        replies.react(db.session.get(User, comms.id), db.session.get(Post, post_id), "celebrate")
        db.session.commit()
    for viewer in (member, moderator, comms):
        login(viewer)
        fresh = _tokenless(_uncached(app, client))
        assert _tokenless(_home(client)) == fresh  # drawn into the cache
        assert _tokenless(_home(client)) == fresh  # served from it
        assert _card(fresh, post_id)


def test_one_viewers_controls_never_reach_another(app, client, login, member, moderator, comms):
    post_id = _post(app, member)
    edit, delete, pin = f"/posts/{post_id}/edit", f"/posts/{post_id}/delete", f"/posts/{post_id}/pin"
    login(member)
    mine = _card(_home(client), post_id)
    assert edit in mine and delete in mine and pin not in mine and "Report" not in mine
    login(comms)
    theirs = _card(_home(client), post_id)
    assert edit not in theirs and delete not in theirs and pin not in theirs and "Report" in theirs
    login(moderator)
    moderating = _card(_home(client), post_id)
    assert edit not in moderating and delete in moderating and pin in moderating


def test_own_reaction_is_the_viewers_own(app, client, login, member, comms, intruder):
    post_id = _post(app, member)
    with app.app_context():
        replies.react(db.session.get(User, comms.id), db.session.get(Post, post_id), "like")
        db.session.commit()
    login(comms)
    assert "reaction--mine" in _card(_home(client), post_id)
    login(intruder)  # same counts, not the author, no moderation: only their own reaction differs
    assert "reaction--mine" not in _card(_home(client), post_id)


def test_each_session_gets_its_own_csrf_token(app, member, comms):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        post_id = _post(app, member)
        tokens = []
        for person in (member, comms):
            browser = app.test_client()
            with browser.session_transaction() as session:
                session["_user_id"] = person.get_id()
                session["_fresh"] = True
            page = _home(browser)
            in_card = set(CSRF.findall(_card(page, post_id)))
            assert len(in_card) == 1 and in_card == set(CSRF.findall(page))
            tokens.append(in_card.pop())
        assert tokens[0] != tokens[1] and "@@" not in tokens[0]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def _changes_the_card(app, client, post_id, change) -> tuple[str, str]:
    before = _card(_home(client), post_id)
    with app.app_context():
        change()
        db.session.commit()
    after = _card(_tokenless(_home(client)), post_id)
    assert after == _card(_tokenless(_uncached(app, client)), post_id)
    return before, after


def test_edit_reaction_reply_and_rename_show_at_once(app, client, login, member, comms):
    post_id = _post(app, member, "First draft")
    login(comms)

    def post():
        return db.session.get(Post, post_id)

    _, after = _changes_the_card(
        app,
        client,
        post_id,
        lambda: services.edit_post(db.session.get(User, member.id), post(), "Second draft"),
    )
    assert "Second draft" in after and "edited" in after
    _, after = _changes_the_card(
        app, client, post_id, lambda: replies.react(db.session.get(User, comms.id), post(), "insightful")
    )
    assert "reaction--mine" in after and "Insightful, 1" in after
    _, after = _changes_the_card(
        app, client, post_id, lambda: replies.react(db.session.get(User, member.id), post(), "insightful")
    )
    assert "Insightful, 2" in after  # someone else's reaction: only the count changes

    def edited_elsewhere():
        post().edited_at = None

    before, after = _changes_the_card(app, client, post_id, edited_elsewhere)
    assert "edited" in before and "edited" not in after

    def rerendered():  # `flask posts rerender` refreshes the stored HTML, nothing else
        post().body_html = "<p>Second draft, <em>rerendered</em></p>"

    _, after = _changes_the_card(app, client, post_id, rerendered)
    assert "<em>rerendered</em>" in after
    _, after = _changes_the_card(
        app,
        client,
        post_id,
        lambda: replies.create_reply(db.session.get(User, comms.id), post(), "Count me in"),
    )
    assert "1 reply" in after

    def rename():
        db.session.get(User, member.id).name = "Morgan Renamed"

    _, after = _changes_the_card(app, client, post_id, rename)
    assert "Morgan Renamed" in after


def test_a_moved_or_renamed_community_shows_at_once(app, client, login, member):
    with app.app_context():
        elsewhere = make_community(db.session.get(User, member.id), name="Depot Rota").id
    post_id = _post(app, member)
    login(member)

    def move():
        db.session.get(Post, post_id).community_id = elsewhere

    before, after = _changes_the_card(app, client, post_id, move)
    assert "Depot Rota" not in before and "Depot Rota" in after

    def rename_community():  # not All staff: that row outlives the test
        db.session.get(Community, elsewhere).name = "Depot Rota North"

    _, after = _changes_the_card(app, client, post_id, rename_community)
    assert "Depot Rota North" in after


def test_deleted_and_hidden_posts_leave_the_feed(app, client, login, member, moderator, comms):
    gone, hidden = _post(app, member, "To be removed"), _post(app, member, "To be hidden")
    login(comms)
    page = _home(client)
    assert _card(page, gone) and _card(page, hidden)
    with app.app_context():
        services.delete_post(db.session.get(User, member.id), db.session.get(Post, gone))
        post = db.session.get(Post, hidden)
        hide(db.session.get(User, moderator.id), Target("post", post.id, post.author, post=post), "off topic")
        db.session.commit()
    page = _home(client)
    assert not _card(page, gone) and not _card(page, hidden)


def test_a_community_turned_private_drops_out_for_outsiders(app, client, login, member, admin, intruder):
    with app.app_context():
        community = make_community(db.session.get(User, member.id), name="Night Shift")
        community_id = community.id
    post_id = _post(app, member, "Night shift notes", community_id)
    login(intruder)
    assert not _card(_home(client), post_id)  # not a member, so not on their home feed
    assert _card(client.get(f"/people/{member.id}/posts").get_data(as_text=True), post_id)
    with app.app_context():
        update_community(
            db.session.get(User, admin.id),
            db.session.get(Community, community_id),
            "Night Shift",
            "",
            "private",
        )
        db.session.commit()
    assert not _card(client.get(f"/people/{member.id}/posts").get_data(as_text=True), post_id)


def test_a_cached_card_may_read_only_what_its_key_holds(app, member):
    with app.test_request_context("/"), app.app_context():
        author = make_user()
        post = services.create_post(author, "Hello")
        db.session.commit()
        card_page = CardPage(post, Page(items=[post], next_cursor=None))
        with pytest.raises(RuntimeError, match="current_user.id only"):
            render_template_string("{{ current_user.name }}", current_user=CardViewer(member.id))
        with pytest.raises(RuntimeError, match="may not read the 'session' extra"):
            card_page.extra("session", post)
