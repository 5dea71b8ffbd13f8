"""Search in Chromium: suggestions in the header box picked with the keyboard, highlighted results,
accessibility and phone width."""

import re

from playwright.sync_api import expect

from app.extensions import db
from app.models import Post, User
from app.posts.replies import create_reply
from app.posts.services import create_post
from app.search.indexer import drain
from tests.browser.helpers import PHONE, axe_check, horizontal_overflow, screenshot, sign_in


def _write(live_server, fn):
    with live_server.writing():
        result = fn()
        db.session.commit()
        return result.id


def _as(user: User) -> User:
    return db.session.get(User, user.id)


def test_words_typed_while_the_page_still_loads_get_suggestions(page, live_server):
    # On a slow machine a person types before search.js has run: what they typed must count.
    reader = live_server.make_user(name="Hannah Lewis")
    live_server.make_user(name="Jordan Ellis")
    sign_in(page, reader)
    held = []
    page.route("**/js/search.js", lambda route: held.append(route))  # arrives only when released below
    page.goto("/", wait_until="commit")
    box = page.get_by_role("combobox", name="Search people, communities and posts")
    box.press_sequentially("jor", delay=40)
    held[0].continue_()
    expect(page.get_by_role("listbox", name="Suggestions").get_by_role("option").first).to_contain_text(
        "Jordan Ellis"
    )


def test_suggestions_appear_as_you_type_and_are_picked_with_the_keyboard(page, live_server):
    reader = live_server.make_user(name="Hannah Lewis")
    jordan = live_server.make_user(name="Jordan Ellis", job_title="Police Constable, Response")
    live_server.make_user(name="Jordana Price")
    team = live_server.make_community(reader, name="Journey Planning")
    sign_in(page, reader)

    box = page.get_by_role("combobox", name="Search people, communities and posts")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("jo", delay=40)
    listbox = page.get_by_role("listbox", name="Suggestions")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(4)  # two people, one community, and "search for"
    expect(options.nth(0)).to_contain_text("Jordan Ellis")
    expect(options.nth(0)).to_contain_text("Police Constable, Response")
    expect(options.nth(2)).to_contain_text("Journey Planning")
    expect(page.locator("[data-search-status]")).to_contain_text("3 suggestions")

    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.nth(0).get_attribute("id"))
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    box.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press("ArrowDown")  # opens the list again
    expect(options.nth(0)).to_be_visible()
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/people/{jordan.id}$"))

    page.goto("/")
    box.press_sequentially("journ", delay=40)
    expect(listbox.get_by_role("option").first).to_contain_text("Journey Planning")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page).to_have_url(re.compile(rf"/communities/{team.slug}$"))


def test_a_search_shows_highlighted_results_and_passes_axe(page, live_server):
    reader = live_server.make_user(name="Rita Reader")
    author = live_server.make_user(name="Arun Author")
    post_id = _write(
        live_server, lambda: create_post(_as(author), "Electric pool cars arrive at Harbourside #fleet")
    )
    reply_id = _write(
        live_server,
        lambda: create_reply(_as(reader), db.session.get(Post, post_id), "Where do the pool cars charge?"),
    )
    _write(live_server, lambda: create_post(_as(reader), "Pool car booking moves to the intranet"))
    drain(live_server.app)
    sign_in(page, reader)

    box = page.get_by_role("combobox", name="Search people, communities and posts")
    box.fill("pool cars")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=pool\+cars$"))
    expect(page.get_by_role("heading", name="Search", level=1)).to_be_visible()
    results = page.locator(".search-result")
    expect(results).to_have_count(3)
    expect(page.locator("mark.hl").first).to_be_visible()
    expect(page.locator(".search-result mark.hl", has_text=re.compile("^pool$", re.I)).first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Electric pool cars")).first).to_be_visible()
    expect(page.locator(f'a[href="/posts/{post_id}#reply-{reply_id}"]')).to_have_count(1)
    posts_tab = page.get_by_role("navigation", name="Kinds of result").get_by_role(
        "link", name=re.compile("^Posts")
    )
    expect(posts_tab).to_have_attribute("aria-current", "page")
    axe_check(page, "search results")
    screenshot(page, "search")

    page.get_by_text("Filters and sorting").click()
    page.get_by_label("Sort by").select_option("newest")
    page.get_by_role("main").get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    expect(results.first).to_contain_text("intranet")

    tabs = page.get_by_role("navigation", name="Kinds of result")
    tabs.get_by_role("link", name=re.compile("^People")).click()
    expect(page.get_by_text("Nothing matches that search")).to_be_visible()
    axe_check(page, "search, empty tab")

    page.set_viewport_size(PHONE)
    page.goto("/search?q=pool")
    assert horizontal_overflow(page) == 0
    axe_check(page, "search results on a phone")


def test_curated_links_and_sessions_have_their_own_tabs(page, live_server):
    from datetime import timedelta

    from app.learning.services import SessionInput, schedule_session
    from app.links.services import LinkDraft, share_link
    from app.models import utcnow

    reader = live_server.make_user(name="Rhys Reader")
    curator = live_server.make_user(name="Cara Curator", role="comms")
    draft = LinkDraft(
        url="https://example.org/peregrine",
        title="Peregrine falcons on the headquarters roof",
        why="The webcam is a hit with schools: share it.",
    )
    [post_id] = live_server.write(lambda: [link.post_id for link in share_link(_as(curator), draft)])
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    session_id = _write(
        live_server,
        lambda: schedule_session(
            _as(curator),
            SessionInput(
                title="Peregrine watch: filming wildlife safely",
                description="Bring a phone with a zoom lens.",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                place="Roof garden",
                video_url="",
                capacity=None,
                community_id=None,
                host_ids=None,
            ),
        ),
    )
    drain(live_server.app)
    sign_in(page, reader)

    page.goto("/search?q=peregrine")
    tabs = page.get_by_role("navigation", name="Kinds of result")
    expect(tabs.get_by_role("link", name=re.compile(r"^Curated links \(1\)"))).to_be_visible()
    expect(tabs.get_by_role("link", name=re.compile(r"^Lunch-and-learn sessions \(1\)"))).to_be_visible()
    expect(page.get_by_text("Nothing matches that search")).to_be_visible()  # not under Posts too

    tabs.get_by_role("link", name=re.compile("^Curated links")).click()
    result = page.locator(".search-result")
    expect(result).to_have_count(1)
    expect(result.locator("mark.hl").first).to_have_text(re.compile("peregrine", re.I))
    expect(result).to_contain_text("Cara Curator")
    axe_check(page, "search, curated links tab")
    result.get_by_role("link", name=re.compile("Peregrine falcons")).click()
    expect(page).to_have_url(re.compile(rf"/posts/{post_id}$"))

    page.goto("/search?q=zoom+lens&type=sessions")
    expect(page.locator(".search-result")).to_contain_text("hosted by Cara Curator")
    page.get_by_role("link", name=re.compile("Peregrine watch")).click()
    expect(page).to_have_url(re.compile(rf"/sessions/{session_id}$"))
