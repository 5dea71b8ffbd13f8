"""Leadership in Chromium: an update asking for acknowledgement is pinned for a member, Acknowledge takes
it off the pin without a reload (and off the member's other tab, over the socket), the leader sees the
count; views are reported from the screen; axe-core on the updates, ask, objective and dashboard pages."""

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.extensions import db
from app.leadership import questions
from app.models import PostView, Update, UpdateReceipt, User
from app.objectives.services import create_objective
from app.posts.services import create_post
from tests.browser.helpers import PHONE, axe_check, field, horizontal_overflow, screenshot, sign_in
from tests.insights_fixture import E, build, build_links_and_sessions

TITLE = "Our winter resilience plan"


def start_realtime(page: Page) -> None:
    """Wait until realtime.js is connected over WebSocket."""
    page.wait_for_function(
        "() => window.Rollcall && window.Rollcall.socket && window.Rollcall.socket.connected"
    )
    assert page.evaluate("() => window.Rollcall.socket.io.engine.transport.name") == "websocket"


def publish_from_the_form(page: Page) -> None:
    page.get_by_role("link", name="Leadership", exact=True).click()
    page.get_by_role("link", name="Publish an update").click()
    axe_check(page, "publish an update")
    field(page, "Title").fill(TITLE)
    field(page, "Your update").fill(
        "Three things will keep us going this winter: **rest**, rotas and each other."
    )
    page.get_by_label("Ask everyone to acknowledge it").check()
    page.get_by_role("button", name="Publish update").click()
    expect(page.get_by_role("heading", name="Who has read it")).to_be_visible()


def test_acknowledge_takes_the_update_off_the_pin_without_a_reload(new_context, live_server):
    leader = live_server.make_user(name="Chief Constable Rhodes", role="leader")
    member = live_server.make_user(name="PC Asha Patel")
    leader_page = new_context().new_page()
    sign_in(leader_page, leader)
    publish_from_the_form(leader_page)
    update_url = leader_page.url

    context = new_context()
    page, other_tab = context.new_page(), context.new_page()
    sign_in(page, member)
    other_tab.goto("/")
    for tab in (page, other_tab):
        start_realtime(tab)
        expect(tab.locator("#update-pins")).to_contain_text(TITLE)
    page.evaluate("() => { window.notReloaded = true; }")
    pinned = page.locator("#update-pins article.post")
    expect(
        pinned.get_by_text("Chief Constable Rhodes asks you to confirm you have read this.")
    ).to_be_visible()
    axe_check(page, "home with a pinned update")
    screenshot(page, "leadership-pinned-update")
    pinned.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(page.locator("#update-pins")).to_be_hidden()
    expect(page.locator("#live-region")).to_have_text("Acknowledged. The update has left your pinned items.")
    assert page.evaluate("() => window.notReloaded") is True
    expect(other_tab.locator("#update-pins")).to_be_hidden()  # the socket told the other tab

    leader_page.goto(update_url)
    readers = leader_page.locator("#readers")
    expect(readers.locator("tfoot")).to_contain_text("1")
    with live_server.writing():
        row = db.session.scalar(select(Update))
        receipt = db.session.get(UpdateReceipt, (row.id, member.id))
        assert receipt.acknowledged_at is not None
    axe_check(leader_page, "update with its figures")


def test_views_are_reported_from_the_screen(new_context, live_server):
    author, reader = live_server.make_user(name="Author"), live_server.make_user(name="Reader")
    post = live_server.write(lambda: create_post(db.session.get(User, author.id), "Seen on screen"))
    page = new_context().new_page()
    sign_in(page, reader)
    expect(page.locator(f"#post-{post.id}")).to_be_visible()
    page.wait_for_timeout(1300)  # on screen for a second
    with page.expect_response(lambda r: r.url.endswith("/insights/views")) as sent:
        page.evaluate("() => window.Rollcall.flushViews()")
    assert sent.value.status == 204
    with live_server.writing():
        assert db.session.scalars(select(PostView.post_id).where(PostView.user_id == reader.id)).all() == [
            post.id
        ]


def test_ask_and_objective_pages_are_accessible(new_context, live_server):
    admin = live_server.make_user(name="Ada Admin", role="admin")
    leader = live_server.make_user(
        name="Director Okafor",
        role="leader",
    )
    member = live_server.make_user(name="Civilian Investigator Jones")

    def setup():
        objective = create_objective(
            db.session.get(User, admin.id),
            {
                "name": "Public trust and confidence",
                "owner_id": str(leader.id),
                "description": "Earn it every day.",
            },
        )
        create_post(
            db.session.get(User, member.id), "Open day at the station on Saturday", None, objective.id
        )
        question = questions.ask(
            db.session.get(User, member.id), leader.id, "Will the front counter stay open?", True
        )
        questions.answer(db.session.get(User, leader.id), question, "Yes, three days a week.")
        return objective.id

    objective_id = live_server.write(setup)
    page = new_context().new_page()
    sign_in(page, member)
    page.goto("/leadership/ask")
    expect(page.get_by_text("you asked anonymously").first).to_be_visible()
    axe_check(page, "ask leadership")
    field(page, "Your question").fill("When do the new radios arrive?")
    field(page, "To").select_option(label="Director Okafor")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_text("Your question is with Director Okafor")).to_be_visible()
    axe_check(page, "a question")
    page.goto("/leadership")
    axe_check(page, "leadership updates")
    page.goto(f"/objectives/{objective_id}")
    expect(page.get_by_text("Open day at the station")).to_be_visible()
    axe_check(page, "objective page")
    page.goto("/objectives")
    axe_check(page, "objectives")
    page.set_viewport_size(PHONE)
    for path in ("/leadership/ask", f"/objectives/{objective_id}"):
        page.goto(path)
        assert horizontal_overflow(page) == 0, path
    admin_page = new_context().new_page()
    sign_in(admin_page, admin)
    for path in ("/admin/objectives", f"/admin/objectives/{objective_id}", "/admin/establishment"):
        admin_page.goto(path)
        axe_check(admin_page, path)


def _org_with_links_and_sessions() -> dict:
    built = build()
    return built | build_links_and_sessions(built)


def test_the_dashboard_is_accessible_on_desktop_and_phone(new_context, live_server):
    org = live_server.write(_org_with_links_and_sessions)
    with live_server.writing():
        viewer = db.session.get(User, org["viewer_id"])
        db.session.expunge(viewer)
    page = new_context().new_page()
    sign_in(page, viewer)
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Insights", level=1)).to_be_visible()
    page.goto(f"/insights?from=2026-08-27&to={E.isoformat()}")
    expect(page.get_by_role("heading", name="Adoption against headcount")).to_be_visible()
    expect(page.get_by_role("img", name="Members as a percentage of establishment, by unit")).to_be_visible()
    expect(page.get_by_role("heading", name="Curated links", level=2)).to_be_visible()
    expect(page.get_by_role("img", name="Clicks on the most clicked links")).to_be_visible()
    expect(page.get_by_role("heading", name="Lunch-and-learn sessions", level=2)).to_be_visible()
    expect(page.get_by_role("img", name="People who attended each session held")).to_be_visible()
    gems = page.get_by_role("region", name="Curated links", exact=True)
    expect(gems.get_by_role("rowheader", name="Stop and search explained")).to_be_visible()
    axe_check(page, "insights dashboard")
    screenshot(page, "insights")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download CSV\W*Adoption by unit$")).click()
    assert download.value.suggested_filename.startswith("rollcall-adoption_units-")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Download CSV\W*Lunch-and-learn sessions$")).click()
    assert download.value.suggested_filename.startswith("rollcall-sessions-")
    page.set_viewport_size(PHONE)
    page.reload()
    assert horizontal_overflow(page) == 0
    axe_check(page, "insights on a phone")
