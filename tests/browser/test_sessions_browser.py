"""Lunch-and-learn sessions in Chromium: replying (going, and the waiting list when full), scheduling
one through the form, and the live Q&A seen by a second person without a reload; axe-core on the
list, session and new-session pages."""

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.learning import qa, rsvps
from app.learning.services import SessionInput, schedule_session
from app.models import LearningSession, SessionQuestion, User, utcnow
from tests.browser.helpers import PHONE, axe_check, field, horizontal_overflow, screenshot, sign_in


def schedule(live_server, organiser: User, **overrides) -> int:
    """A session tomorrow at this time, scheduled in the live app; returns its id."""
    start = (utcnow() + timedelta(days=1)).replace(second=0, microsecond=0)
    values = {
        "title": "Writing for the public",
        "description": "How we write posts people share. Bring one you're proud of.",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "place": "Training room 2, HQ",
        "video_url": "https://teams.example/meet/42",
        **overrides,
    }

    def create():
        return schedule_session(db.session.get(User, organiser.id), SessionInput(**values)).id

    return live_server.write(create)


def start_realtime(page) -> None:
    """Wait until realtime.js is connected over WebSocket."""
    page.wait_for_function(
        "() => window.Rollcall && window.Rollcall.socket && window.Rollcall.socket.connected"
    )
    assert page.evaluate("() => window.Rollcall.socket.io.engine.transport.name") == "websocket"


def test_a_member_replies_going_and_a_full_session_waitlists_them(page, live_server):
    comms = live_server.make_user(name="Casey Comms", role="comms")
    member = live_server.make_user(name="Morgan Member")
    early = live_server.make_user(name="Early Bird")
    open_id = schedule(live_server, comms, capacity=10)
    full_id = schedule(live_server, comms, title="Crisis comms drill", capacity=1)

    def take_seat():
        rsvps.respond(db.session.get(User, early.id), db.session.get(LearningSession, full_id), "going")

    live_server.write(take_seat)

    sign_in(page, member)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sessions").click()
    expect(page.get_by_role("heading", name="Lunch-and-learn sessions")).to_be_visible()
    axe_check(page, "session list")
    screenshot(page, "sessions-list")
    page.get_by_role("link", name="Writing for the public").click()
    expect(page).to_have_url(re.compile(rf"/sessions/{open_id}$"))
    axe_check(page, "session page")
    page.get_by_role("button", name="Going", exact=True).click()
    expect(page.locator("#rsvp-mine")).to_contain_text("You're going")
    expect(page.get_by_role("status")).to_contain_text("You're going")
    screenshot(page, "session")

    page.goto(f"/sessions/{full_id}")
    page.get_by_role("button", name="Join the waiting list").click()
    expect(page.locator("#rsvp-mine")).to_contain_text("You're on the waiting list")
    expect(page.locator("#rsvp-mine")).to_contain_text("(number 1)")


def test_a_comms_officer_schedules_a_session_through_the_form(page, live_server):
    comms = live_server.make_user(name="Casey Comms", role="comms")
    sign_in(page, comms)
    page.goto("/sessions/")
    page.get_by_role("link", name="Schedule a session").first.click()
    expect(page.get_by_role("heading", name="Schedule a lunch-and-learn")).to_be_visible()
    axe_check(page, "new session page")
    screenshot(page, "session-new")
    day = (utcnow() + timedelta(days=3)).date().isoformat()
    field(page, "Title").fill("Video that works")
    field(page, "What it covers").fill("Short clips for a **police** audience.")
    field(page, "Date").fill(day)
    field(page, "Starts").fill("12:30")
    field(page, "Ends").fill("13:15")
    field(page, "Place").fill("Conference room")
    field(page, "Places").fill("15")
    page.get_by_role("button", name="Schedule and announce").click()
    expect(page.get_by_role("heading", name="Video that works", level=1)).to_be_visible()
    expect(page.get_by_text(re.compile(r"12:30–13:15 (GMT|BST)"))).to_be_visible()
    expect(page.get_by_text("15 of 15 places left")).to_be_visible()
    page.goto("/")
    expect(page.locator(".session-card").get_by_role("link", name="Video that works")).to_be_visible()
    screenshot(page, "session-card")

    page.set_viewport_size(PHONE)
    page.goto("/sessions/new")
    assert horizontal_overflow(page) == 0
    field(page, "Title").fill("")
    page.get_by_role("button", name="Schedule and announce").click()
    expect(page.locator("#f-title-error")).to_have_text("Give the session a title.")


def test_live_questions_and_votes_appear_for_a_second_person_without_reload(new_context, live_server):
    host = live_server.make_user(name="Casey Comms", role="comms")
    asker = live_server.make_user(name="Asha Asker")
    watcher = live_server.make_user(name="Wes Watcher")
    session_id = schedule(live_server, host)

    def open_qa():
        qa.set_qa_open(db.session.get(User, host.id), db.session.get(LearningSession, session_id), True)

    live_server.write(open_qa)

    one, two = new_context().new_page(), new_context().new_page()
    sign_in(one, asker)
    sign_in(two, watcher)
    for page in (one, two):
        page.goto(f"/sessions/{session_id}")
        start_realtime(page)

    one.get_by_label("Your question").fill("How quickly should we reply to complaints?")
    one.get_by_role("button", name="Ask").click()
    mine = one.locator(".question", has_text="How quickly should we reply")
    expect(mine).to_be_visible()
    seen = two.locator(".question", has_text="How quickly should we reply")
    expect(seen).to_be_visible()  # arrived over the socket: no reload
    expect(seen.locator("[data-vote-count]")).to_have_text("0")

    seen.get_by_role("button", name=re.compile(r"^Upvote")).click()
    expect(seen.locator("[data-vote-count]")).to_have_text("1")
    expect(mine.locator("[data-vote-count]")).to_have_text("1")  # the asker sees the count change live

    def host_votes():
        question = db.session.scalar(select(SessionQuestion))
        session = db.session.get(LearningSession, session_id)
        qa.vote(db.session.get(User, host.id), question, session, True)

    live_server.write(host_votes)
    expect(seen.locator("[data-vote-count]")).to_have_text("2")
    expect(mine.locator("[data-vote-count]")).to_have_text("2")
    axe_check(two, "session page with a live question")
