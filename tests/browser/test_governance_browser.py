"""Information governance in Chromium: an admin sets a retention period and places a legal hold; a
person downloads their data from the account menu; the sensitive-content warning appears beside the
composer and the author confirms; an image attachment with its alt text shows on the card. axe-core
on every new page."""

import io
import json
import re
import zipfile

from playwright.sync_api import expect
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, LegalHold, Post, RetentionRule, SensitiveConfirmation
from tests.browser.helpers import DESKTOP, PHONE, axe_check, field, horizontal_overflow, screenshot, sign_in
from tests.governance.helpers import jpeg_with_gps

COMPOSER = "Share an update, ask a question or say thanks"


def _read(live_server, fn):
    with live_server.writing():
        return fn()


def test_an_admin_sets_a_retention_period_and_places_a_legal_hold(page, live_server):
    admin = live_server.make_user(name="Ada Admin", role="admin")
    live_server.make_user(name="Sam Patel", email="sam.patel@example.police.uk")
    sign_in(page, admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Retention").click()
    expect(page.get_by_role("heading", name="Retention", exact=True)).to_be_visible()
    axe_check(page, "retention page")
    page.get_by_label("Posts: keep for how many", exact=True).fill("6")
    page.get_by_label("Posts: unit", exact=True).select_option("years")
    page.get_by_label("Posts: when the period ends", exact=True).select_option("anonymise")
    page.get_by_role("button", name="Save retention periods").click()
    expect(page.get_by_role("status")).to_contain_text("Retention periods saved.")
    expect(page.get_by_label("Posts: keep for how many", exact=True)).to_have_value("6")
    rule = _read(live_server, lambda: db.session.get(RetentionRule, "posts"))
    assert (rule.keep_amount, rule.keep_unit, rule.action) == (6, "years", "anonymise")
    screenshot(page, "retention")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
    page.set_viewport_size(DESKTOP)

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Legal holds").click()
    expect(page.get_by_role("heading", name="Legal holds", exact=True)).to_be_visible()
    axe_check(page, "legal holds page")
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_text("Say why (the case or request it is for)", exact=False)).to_be_visible()
    field(page, "Person").fill("sam.patel@example.police.uk")
    field(page, "From").fill("2026-03-01")
    field(page, "To").fill("2026-05-31")
    field(page, "Reason").fill("Employment tribunal claim 2304567/2026")
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_role("status")).to_contain_text("Legal hold placed")
    held = page.locator("article.hold")
    expect(held).to_contain_text("Sam Patel")
    expect(held).to_contain_text("from 1 Mar 2026 to 31 May 2026")
    axe_check(page, "legal holds page with a hold")
    screenshot(page, "legal-holds")
    hold = _read(live_server, lambda: db.session.scalar(select(LegalHold)))
    assert hold.reason == "Employment tribunal claim 2304567/2026" and hold.lifted_at is None

    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Sensitive content").click()
    expect(page.get_by_role("heading", name="Sensitive content", exact=True)).to_be_visible()
    axe_check(page, "sensitive content page")
    page.get_by_role("navigation", name="Admin").get_by_role("link", name="Information requests").click()
    expect(page.get_by_role("heading", name="Information requests", exact=True)).to_be_visible()
    axe_check(page, "information requests page")
    page.emulate_media(color_scheme="dark")
    axe_check(page, "information requests page (dark)")


def test_a_person_downloads_their_data_from_the_account_menu(page, live_server):
    member = live_server.make_user(name="Morgan Member")
    sign_in(page, member)
    page.get_by_label(COMPOSER).fill("Lessons from the flood exercise #resilience")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("article.post").first).to_contain_text("Lessons from the flood exercise")
    page.get_by_label(re.compile("your account")).click()
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    expect(page.get_by_text("You haven't asked for a download yet.", exact=False)).to_be_visible()
    axe_check(page, "your data page")
    page.get_by_role("button", name="Prepare my download").click()
    expect(page.get_by_role("status")).to_contain_text("Your download is ready.")
    axe_check(page, "your data page with a download")
    screenshot(page, "your-data")
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^Download")).click()
    download = info.value
    assert download.suggested_filename.startswith(
        "rollcall-subject-access-"
    ) and download.suggested_filename.endswith(".zip")
    with open(download.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    posts = json.loads(archive.read("data/posts.json"))["items"]
    assert [p["text"] for p in posts] == ["Lessons from the flood exercise #resilience"]
    assert "Morgan Member" in archive.read("index.html").decode("utf-8")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0


def test_the_sensitive_content_warning_appears_beside_the_composer_and_the_author_confirms(page, live_server):
    member = live_server.make_user(name="Morgan Member")
    sign_in(page, member)
    text = "Witness for CR/12345/26 is on 07700 900123, please call back"
    page.get_by_label(COMPOSER).fill(text)
    page.get_by_role("button", name="Post", exact=True).click()
    warning = page.locator("#composer-sensitive")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("A crime or incident reference: “CR/12345/26”")
    expect(warning).to_contain_text("A phone number: “07700 900123”")
    expect(page.get_by_label(COMPOSER)).to_have_value(text)  # kept, beside the warning
    assert page.get_by_label(COMPOSER).get_attribute("aria-describedby").endswith("composer-sensitive")
    expect(page.locator("article.post")).to_have_count(0)
    axe_check(page, "home composer with the sensitive-content warning")
    screenshot(page, "sensitive-warning")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
    page.get_by_label("I've checked it: this is right to share here").check()
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("article.post").first).to_contain_text("Witness for CR/12345/26")
    expect(page.locator("#composer-sensitive")).to_have_count(0)
    expect(page.get_by_label(COMPOSER)).to_have_value("")
    rows = _read(live_server, lambda: list(db.session.scalars(select(SensitiveConfirmation.pattern))))
    assert sorted(rows) == ["crime_reference", "uk_phone"]


def test_an_image_attachment_with_alt_text_shows_on_the_card(page, live_server):
    member = live_server.make_user(name="Morgan Member")
    sign_in(page, member)
    page.get_by_label(COMPOSER).fill("Open day at Eastport station: thanks to everyone who came")
    page.get_by_text("Attach images or documents").first.click()
    page.locator("#composer-files").set_input_files(
        files=[{"name": "open-day.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()}]
    )
    describe = page.get_by_label("Describe this image for people who can't see it")
    expect(describe).to_be_visible()
    axe_check(page, "composer with an image chosen")
    # Without a description the composer comes back asking for one, with the file kept.
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.locator("#composer-attach-error")).to_contain_text("Describe each image")
    expect(page.locator("[data-staged]")).to_contain_text("open-day.jpg")
    page.get_by_label("Describe this image for people who can't see it").fill(
        "Children trying on a police helmet at the open day"
    )
    page.get_by_label("Protective marking").select_option("OFFICIAL")
    page.get_by_role("button", name="Post", exact=True).click()
    card = page.locator("article.post").first
    image = card.get_by_role("img", name="Children trying on a police helmet at the open day")
    expect(image).to_be_visible()
    expect(card.locator(".tag--marking")).to_have_text("OFFICIAL")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    page.reload()
    expect(
        page.locator("article.post").first.get_by_role("img", name=re.compile("police helmet"))
    ).to_be_visible()
    axe_check(page, "home feed with an image attachment")
    screenshot(page, "attachment-card")
    row = _read(live_server, lambda: db.session.scalar(select(Attachment)))
    post = _read(live_server, lambda: db.session.get(Post, row.post_id))
    assert row.alt_text.startswith("Children") and post.marking == "OFFICIAL"
