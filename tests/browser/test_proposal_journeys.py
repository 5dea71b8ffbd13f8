"""Proposals in Chromium: propose from a post with the live count, a colleague endorses, comms approve
while a second browser's board moves the card live, the copy button, count.js against the shared
table of cases, axe-core on the board, proposal and new-proposal pages, and phone width."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import User
from app.posts.services import create_post
from app.proposals.channels import seed_default_channels
from tests.browser.helpers import PHONE, axe_check, field, horizontal_overflow, screenshot, sign_in

CASES = json.loads((Path(__file__).resolve().parents[1] / "data" / "x_count_cases.json").read_text("utf-8"))
POST = "Sixty people came to the Eastport PACT meeting tonight and the harbour car park lights are fixed. #eastport"


def start_realtime(page: Page) -> None:
    """Wait until realtime.js is connected over WebSocket."""
    page.wait_for_function(
        "() => window.Rollcall && window.Rollcall.socket && window.Rollcall.socket.connected"
    )
    assert page.evaluate("() => window.Rollcall.socket.io.engine.transport.name") == "websocket"


@pytest.fixture
def channels(live_server):
    """The default channels in the live server's database."""
    live_server.write(seed_default_channels)


def _post(live_server, author: User) -> int:
    return live_server.write(lambda: create_post(db.session.get(User, author.id), POST).id)


def test_propose_from_a_post_a_colleague_endorses_and_comms_approve_live(live_server, new_context, channels):
    author = live_server.make_user(name="Hannah Lewis")
    proposer = live_server.make_user(name="Dan Price")
    colleague = live_server.make_user(name="Ryan Walsh")
    comms = live_server.make_user(name="Rachel Morgan", role="comms")
    post_id = _post(live_server, author)

    # The proposer finds the post and proposes it for X, watching the count as they write.
    page = new_context().new_page()
    sign_in(page, proposer)
    card = page.locator(f"#post-{post_id}")
    card.get_by_label("More actions for this post").click()
    card.get_by_role("link", name="Propose for a public channel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose something for a public channel")
    draft = field(page, "The text, as the public would read it")
    expect(draft).to_have_value(POST)
    field(page, "Channel").select_option(label="X (Twitter) (280)")
    count = page.locator("#draft-count")
    expect(count).to_contain_text(f"{len(POST)} of 280 characters")
    draft.fill("\u65e5" * 141)
    expect(count).to_contain_text("282 of 280 characters: 2 over")
    expect(count).to_have_class(re.compile("counter--low"))
    draft.fill(
        "Thanks to the 60 people at the Eastport PACT meeting \U0001f44f Next one 4 Dec: https://www.northshire.police.uk/pact/eastport/december-meeting"
    )
    # 70 characters, an emoji counting 2 and a 68-character link counting 23: 95, as the server counts it.
    expect(count).to_contain_text("95 of 280 characters")
    axe_check(page, "new proposal")
    field(page, "Why it's worth saying publicly").fill("Shows we turn up and fix what people raise.")
    field(page, "How could the public read this at its worst?").fill(
        "Self-congratulation if the lights fail again."
    )
    field(page, "Is there anything in our own record a critic would set beside it?").fill(
        "Nothing we know of."
    )
    page.get_by_role("button", name="Propose", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Proposal for X (Twitter)")
    proposal_url = page.url
    proposal_id = int(proposal_url.rstrip("/").rsplit("/", 1)[-1])
    expect(page.locator("#proposal-draft")).to_contain_text("Thanks to the 60 people")
    axe_check(page, "proposal (proposer)")

    # A colleague endorses it: the buy-in panel updates without a reload.
    colleague_page = new_context().new_page()
    sign_in(colleague_page, colleague)
    colleague_page.goto(proposal_url)
    colleague_page.get_by_role("button", name="Endorse", exact=True).click()
    expect(colleague_page.locator("[data-endorsement-count]")).to_have_text("1")
    expect(colleague_page.get_by_role("button", name="Endorsed · withdraw")).to_be_visible()

    # A second browser watches the board while comms move the proposal along.
    board = new_context().new_page()
    sign_in(board, colleague)
    board.goto("/proposals")
    start_realtime(board)
    expect(board.locator(f'[data-stage-cards="idea"] #proposal-card-{proposal_id}')).to_contain_text(
        "1 endorsement"
    )
    axe_check(board, "proposals board")

    team = new_context().new_page()
    sign_in(team, comms)
    team.goto(proposal_url)
    team.get_by_role("button", name="Start review").click()
    expect(board.locator(f'[data-stage-cards="review"] #proposal-card-{proposal_id}')).to_be_visible()
    team.get_by_role("button", name="Approve").click()
    expect(team.locator("#stage-title")).to_have_text("Stage: Approved")
    expect(board.locator(f'[data-stage-cards="approved"] #proposal-card-{proposal_id}')).to_be_visible()
    expect(board.locator(f'[data-stage-cards="idea"] #proposal-card-{proposal_id}')).to_have_count(0)
    expect(board.locator('[data-stage-count="approved"]')).to_have_text("1")
    expect(board.locator("#board-live")).to_contain_text("moved to Approved")

    # The proposer was told, and the page they have open follows along.
    expect(page.locator("#stage-title")).to_have_text("Stage: Approved")
    expect(page.locator(".notif-link [data-unread-count]")).to_have_text("2")
    page.reload()
    expect(page.get_by_role("heading", name="Final text for X (Twitter)")).to_be_visible()
    axe_check(page, "proposal (approved)")


def test_the_copy_button_copies_the_final_text(live_server, new_context, channels):
    from app.proposals import stages
    from app.proposals.services import create_proposal
    from tests.proposal_helpers import proposal_input

    proposer, comms = (
        live_server.make_user(name="Pat Proposer"),
        live_server.make_user(name="Casey Comms", role="comms"),
    )

    def approved() -> int:
        from sqlalchemy import select

        from app.models import ProposalChannel

        x = db.session.scalar(select(ProposalChannel).where(ProposalChannel.slug == "x"))
        proposal = create_proposal(
            db.session.get(User, proposer.id), proposal_input(x.id, draft="Final words.")
        )
        team = db.session.get(User, comms.id)
        stages.move(team, proposal, "review")
        stages.move(team, proposal, "approved")
        return proposal.id

    proposal_id = live_server.write(approved)
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    sign_in(page, proposer)
    page.goto(f"/proposals/{proposal_id}")
    page.get_by_role("button", name="Copy final text").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Copied to the clipboard.")
    assert page.evaluate("() => navigator.clipboard.readText()") == "Final words."


def test_count_js_in_the_browser_agrees_with_the_shared_table(page, live_server, channels):
    sign_in(page, live_server.make_user())
    page.goto("/proposals/new")
    got = page.evaluate(
        "cases => cases.map(c => [RollcallCount.xWeightedLength(c.text), RollcallCount.characterLength(c.text)])",
        CASES,
    )
    mismatches = [(c["note"], g) for c, g in zip(CASES, got, strict=True) if g != [c["x"], c["characters"]]]
    assert mismatches == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_proposal_pages_pass_axe_core_on_demo_content(page, live_server, scheme):
    seeded = live_server.seed_demo()
    comms = next(email for email, role in seeded["logins"] if role == "comms")
    page.emulate_media(color_scheme=scheme)
    page.goto("/login")
    field(page, "Work email").fill(comms)
    field(page, "Password").fill(seeded["password"])
    page.get_by_role("button", name="Sign in").click()
    page.goto("/proposals")
    axe_check(page, f"board ({scheme})")
    links = page.locator(".proposal-card__text a")
    expect(links.first).to_be_visible()
    first = links.first.get_attribute("href")
    for path in (first, f"{first}/versions", "/proposals/new", "/proposals/review"):
        page.goto(path)
        axe_check(page, f"{path} ({scheme})")


def test_phone_width_and_screenshots(new_context, live_server):
    seeded = live_server.seed_demo()
    comms = next(email for email, role in seeded["logins"] if role == "comms")
    page = new_context().new_page()
    page.goto("/login")
    field(page, "Work email").fill(comms)
    field(page, "Password").fill(seeded["password"])
    page.get_by_role("button", name="Sign in").click()
    page.goto("/proposals")
    screenshot(page, "proposals-board", viewport={"width": 1440, "height": 900})
    first = page.locator(".proposal-card__text a").first.get_attribute("href")
    page.goto(first)
    screenshot(page, "proposal")
    for path in ("/proposals", first, "/proposals/new"):
        page.set_viewport_size(PHONE)
        page.goto(path)
        assert horizontal_overflow(page) <= 0, path
