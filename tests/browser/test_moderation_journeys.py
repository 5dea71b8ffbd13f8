"""Policy and moderation in the browser: a new member accepts the policy before posting; a member
reports a post under a clause; a moderator decides "honest mistake" with an edited explanation from a
template; the author reads it in their notifications. axe-core runs on every new page."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import ModerationCase, PolicyClause, User
from app.moderation import decisions, reports
from app.moderation.cases import resolve_target
from app.moderation.explanations import install_suggested
from app.policy.services import ClauseDraft, drafts_from_version, publish
from app.posts.services import create_post
from tests.browser.helpers import PHONE, axe_check, horizontal_overflow, screenshot, sign_in

COMPOSER = "Share an update, ask a question or say thanks"


def _publish_policy(live_server, admin: User) -> None:
    """The suggested policy, published by the admin, and the suggested explanation templates."""

    def run():
        person = db.session.get(User, admin.id)
        publish(person, drafts_from_version(None), "Our first acceptable use policy.")
        install_suggested(person)

    live_server.write(run)


def _cast(live_server) -> tuple[User, User, User]:
    """The published policy and templates, and the author, reporter and moderator of a case."""
    _publish_policy(live_server, live_server.make_user(name="Andy Admin", role="admin"))
    return (
        live_server.make_user(name="Liam Author"),
        live_server.make_user(name="Mark Reporter"),
        live_server.make_user(name="Priya Moderator", role="moderator"),
    )


def test_a_new_member_accepts_the_policy_before_posting(page, live_server):
    admin = live_server.make_user(name="Andy Admin", role="admin")
    _publish_policy(live_server, admin)
    sign_in(page, live_server.make_user(name="Nia Newcomer", accept_policy=False))
    expect(page.get_by_label(COMPOSER)).to_have_count(0)
    page.get_by_role("link", name="Read and accept the policy").click()
    expect(page.get_by_role("heading", name="Please read this before you post")).to_be_visible()
    expect(page.get_by_text("Keep operational and personal information safe")).to_be_visible()
    axe_check(page, "policy acceptance page")
    page.get_by_role("button", name="I accept the acceptable use policy").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("You've accepted the acceptable use policy", exact=False)).to_be_visible()
    page.get_by_label(COMPOSER).fill("Hello everyone, first week on the Contact Centre team!")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("article.post").first).to_contain_text("first week on the Contact Centre team")


def test_report_decide_with_an_explanation_and_the_author_reads_it(live_server, new_context):
    author, reporter, moderator = _cast(live_server)
    post = live_server.write(
        lambda: create_post(
            db.session.get(User, author.id),
            "Well done B relief! Silver Corsa NX19 KLM was lucky tonight.",
            confirm_sensitive=True,  # the author ticked past the number-plate warning: the slip moderated here
        )
    )

    # A member reports the post from its card's menu, choosing a clause.
    reporting = new_context().new_page()
    sign_in(reporting, reporter)
    card = reporting.locator(f"#post-{post.id}")
    card.get_by_label("More actions for this post").click()
    card.get_by_role("link", name="Report").click()
    expect(reporting.get_by_role("heading", name="Report a post")).to_be_visible()
    axe_check(reporting, "report form")
    reporting.get_by_label(re.compile("Keep operational and personal information safe")).check()
    reporting.get_by_label(re.compile("Anything the moderators should know")).fill(
        "A member of the public's plate."
    )
    reporting.get_by_role("button", name="Send report").click()
    expect(reporting.get_by_text("Thank you for reporting this.", exact=False)).to_be_visible()

    # A moderator opens the queue, claims the case and decides with an edited template.
    moderating = new_context().new_page()
    sign_in(moderating, moderator)
    nav = moderating.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Moderation, 1 new report")).to_be_visible()
    nav.get_by_role("link", name=re.compile("Moderation")).click()
    expect(moderating.get_by_text("High severity")).to_be_visible()
    axe_check(moderating, "moderation queue")
    moderating.get_by_role("link", name=re.compile(r"Case \d+: post by Liam Author")).click()
    moderating.get_by_role("button", name="Start reviewing").click()
    expect(moderating.get_by_text("A member of the public's plate.")).to_be_visible()
    moderating.get_by_label("Start from a template").select_option(
        label="Personal or operational detail: honest mistake"
    )
    explanation = moderating.get_by_label("Explanation for the author")
    expect(explanation).to_have_value(re.compile(r"^Hi Liam, thanks for posting this"))
    expect(moderating.get_by_label(re.compile("^Honest mistake"))).to_be_checked()
    axe_check(moderating, "case with the decision form")
    edited = explanation.input_value().replace("Could you edit it", "Could you edit the registration out")
    explanation.fill(edited + " Thanks for the shout-out to the relief, though!")
    moderating.get_by_role("button", name="Send decision").click()
    expect(moderating.get_by_text("Decided: Honest mistake", exact=False).first).to_be_visible()
    screenshot(moderating, "moderation-case")

    # The author sees the explanation in their notifications.
    reading = new_context().new_page()
    sign_in(reading, author)
    expect(reading.locator(".notif-link")).to_have_attribute("aria-label", re.compile("1 unread"))
    reading.goto("/notifications")
    expect(reading.get_by_text("A moderator looked at your post", exact=False)).to_be_visible()
    reading.get_by_role("link", name="Read the explanation").click()
    expect(reading.get_by_role("heading", name="Honest mistake")).to_be_visible()
    expect(reading.get_by_text("Could you edit the registration out", exact=False)).to_be_visible()
    expect(
        reading.get_by_text("Thanks for the shout-out to the relief, though!", exact=False)
    ).to_be_visible()
    expect(reading.locator(".decision__clause-title")).to_contain_text(
        "Clause 3. Keep operational and personal information safe"
    )
    axe_check(reading, "decision page for the author")
    screenshot(reading, "moderation-decision")
    reading.set_viewport_size(PHONE)
    assert horizontal_overflow(reading) == 0

    # The reporter hears the outcome, without the explanation.
    reporting.goto("/notifications")
    expect(
        reporting.get_by_text("a moderator has spoken to the author about it", exact=False)
    ).to_be_visible()
    expect(reporting.get_by_text("Thanks for the shout-out")).to_have_count(0)

    # The audit log shows the decision.
    moderating.goto("/moderation/audit")
    expect(moderating.locator("code", has_text="moderation.decided")).to_be_visible()
    axe_check(moderating, "audit log")


def test_a_template_picked_while_the_page_still_loads_fills_the_form(live_server, new_context):
    # On a slow machine the moderator can choose before moderation.js has run: the choice must count.
    author, reporter, moderator = _cast(live_server)
    post = live_server.write(
        lambda: create_post(db.session.get(User, author.id), "Parade at 0700, kit check first.")
    )

    def open_claimed_case() -> int:
        person = db.session.get(User, reporter.id)
        clause = db.session.scalar(select(PolicyClause.id).where(PolicyClause.key == "keep-it-safe"))
        case_id = reports.report_item(
            person, resolve_target(person, "post", post.id), clause, "A plate."
        ).case_id
        decisions.claim(db.session.get(User, moderator.id), db.session.get(ModerationCase, case_id))
        return case_id

    case_id = live_server.write(open_claimed_case)
    page = new_context().new_page()
    sign_in(page, moderator)
    held = []
    page.route(
        "**/js/moderation.js", lambda route: held.append(route)
    )  # the script arrives only when released below
    page.goto(f"/moderation/cases/{case_id}", wait_until="commit")
    page.get_by_label("Start from a template").select_option(
        label="Personal or operational detail: honest mistake"
    )
    held[0].continue_()
    expect(page.get_by_label("Explanation for the author")).to_have_value(
        re.compile(r"^Hi Liam, thanks for posting this")
    )
    expect(page.get_by_label(re.compile("^Honest mistake"))).to_be_checked()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_guidance_policy_and_moderation_pages_pass_axe(live_server, new_context, scheme):
    admin = live_server.make_user(name="Andy Admin", role="admin")
    _publish_policy(live_server, admin)

    def second_version():
        drafts = drafts_from_version(None)[:-1]
        drafts[0] = ClauseDraft(drafts[0].key, drafts[0].title, drafts[0].body + " Use your real photo.", "1")
        publish(db.session.get(User, admin.id), drafts, "A shorter policy.")

    live_server.write(second_version)
    page = new_context().new_page()
    page.emulate_media(color_scheme=scheme)
    sign_in(page, admin)
    page.get_by_role("contentinfo").get_by_role("link", name="Guidance").click()
    expect(page.get_by_role("heading", name="Guidance", exact=True)).to_be_visible()
    axe_check(page, f"guidance ({scheme})")
    page.get_by_role("link", name="Before you post: the one-minute check").click()
    axe_check(page, f"a guide ({scheme})")
    page.goto("/policy/versions/2")
    expect(page.locator(".policy-diff ins").first).to_be_visible()
    axe_check(page, f"what changed between versions ({scheme})")
    for path, label in [
        ("/policy", "policy"),
        ("/policy/manage", "publish the policy"),
        ("/moderation/templates", "explanation templates"),
        ("/moderation/settings", "pre-moderation"),
        ("/moderation/appeals", "appeals"),
        ("/moderation?status=decided", "decided tab"),
        ("/moderation/audit", "audit log"),
    ]:
        page.goto(path)
        axe_check(page, f"{label} ({scheme})")
    if scheme == "light":
        page.goto("/policy/versions/2")
        screenshot(page, "policy")
