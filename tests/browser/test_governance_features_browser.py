"""Governance of the later features in Chromium: asking a leader a question with a National Insurance
number in it brings the sensitive-content warning beside the form, the text kept, and ticking the box
asks it (recorded); the retention page offers the new kinds. axe-core on each."""

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Question, SensitiveConfirmation
from tests.browser.helpers import PHONE, axe_check, horizontal_overflow, screenshot, sign_in


def _read(live_server, fn):
    with live_server.writing():
        return fn()


def test_a_question_to_a_leader_warns_then_is_asked_when_confirmed(page, live_server):
    live_server.make_user(name="Lee Leader", role="leader")
    member = live_server.make_user(name="Morgan Member")
    sign_in(page, member)
    page.goto(f"{live_server.url}/leadership/ask")
    page.get_by_label("To").select_option(label="Lee Leader")
    text = "My NI number AB 12 34 56 C was printed on the rota. Why?"
    page.get_by_label("Your question").fill(text)
    page.get_by_label("Ask anonymously").check()
    page.get_by_role("button", name="Ask", exact=True).click()
    warning = page.locator("#question-sensitive")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("A National Insurance number: “AB 12 34 56 C”")
    expect(page.get_by_label("Your question")).to_have_value(text)
    assert _read(live_server, lambda: db.session.scalar(select(Question.id))) is None
    axe_check(page, "ask leadership with the sensitive-content warning")
    screenshot(page, "question-sensitive-warning")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
    page.get_by_label("I've checked it: this is right to share here").check()
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your question is with Lee Leader")
    rows = _read(
        live_server,
        lambda: list(
            db.session.execute(select(SensitiveConfirmation.item_type, SensitiveConfirmation.pattern))
        ),
    )
    assert rows == [("question", "ni_number")]


def test_the_retention_page_offers_the_features_kinds(page, live_server):
    admin = live_server.make_user(name="Ada Admin", role="admin")
    sign_in(page, admin)
    page.goto(f"{live_server.url}/admin/retention")
    for label in (
        "Leadership update receipts",
        "Ask leadership upvotes",
        "Proposal endorsements",
        "Post views",
    ):
        expect(page.get_by_text(label, exact=True).first).to_be_visible()
    page.get_by_label("Post views: keep for how many", exact=True).fill("13")
    page.get_by_label("Post views: unit", exact=True).select_option("months")
    page.get_by_role("button", name="Save retention periods").click()
    expect(page.get_by_role("status")).to_contain_text("Retention periods saved.")
    expect(page.get_by_label("Post views: keep for how many", exact=True)).to_have_value("13")
    axe_check(page, "retention page with every feature's kinds")
