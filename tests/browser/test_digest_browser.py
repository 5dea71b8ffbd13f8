"""The digest in Chromium: a member chooses a daily digest and mutes a community from the account
menu; a comms officer pins a conversation into the editorial slot and previews the member's next
digest; the member's emailed unsubscribe link asks first, then unsubscribes. axe-core on each page."""

import re

from playwright.sync_api import expect

from app.digest.send import send_digests
from app.extensions import db
from app.models import Community, DigestPreference, User
from app.posts.services import create_post
from tests.browser.helpers import axe_check, field, screenshot, sign_in


def test_preferences_then_comms_pin_and_preview_then_unsubscribe(new_context, live_server):
    member = live_server.make_user(name="Morgan Member")
    comms = live_server.make_user(name="Casey Comms", role="comms")
    writer = live_server.make_user(name="Sam Sergeant", role="leader")
    live_server.make_community(writer, name="Roads policing", members=[member])
    live_server.write(
        lambda: create_post(
            db.session.get(User, writer.id), "Winter tyres for the response fleet arrive Monday"
        )
    )
    kestrel = live_server.make_community(
        writer, visibility="secret", name="Operation Kestrel", members=[member]
    )
    live_server.write(
        lambda: create_post(
            db.session.get(User, writer.id),
            "Kestrel briefing moves to 06:00",
            db.session.get(Community, kestrel.id),
        )
    )

    page = new_context().new_page()
    sign_in(page, member)
    page.get_by_label(re.compile(r"your account$")).click()
    page.get_by_role("link", name="Email digest").click()
    expect(page).to_have_url(re.compile(r"/digest/preferences$"))
    axe_check(page, "digest preferences")
    page.get_by_label("Daily, each morning").check()
    page.get_by_label("Roads policing").check()
    page.get_by_role("button", name="Save digest preferences").click()
    expect(page.get_by_text("Digest preferences saved.")).to_be_visible()
    expect(page.get_by_label("Daily, each morning")).to_be_checked()
    expect(page.get_by_label("Roads policing")).to_be_checked()
    axe_check(page, "digest preferences saved")

    officer = new_context().new_page()
    sign_in(officer, comms)
    officer.get_by_label(re.compile(r"your account$")).click()
    officer.get_by_role("link", name="Digest editorial").click()
    expect(officer.get_by_role("heading", name="Digest editorial slot")).to_be_visible()
    expect(officer.get_by_text("Kestrel")).to_have_count(0)  # a secret community's post never shows
    axe_check(officer, "digest editorial, nothing pinned")
    officer.get_by_role("button", name=re.compile(r"^Pin Winter tyres")).click()
    expect(officer.get_by_text("Pinned into the editorial slot of the coming digests.")).to_be_visible()
    pinned = officer.get_by_role("region", name="Pinned for the coming digests")
    expect(pinned).to_contain_text("Winter tyres for the response fleet")
    axe_check(officer, "digest editorial, one pin")

    officer.get_by_role("navigation", name="Digest").get_by_role("link", name="Preview").click()
    field(officer, "Colleague's work email or @handle").fill(member.email)
    field(officer, "Which digest").select_option("daily")
    officer.get_by_role("button", name="Preview").click()
    preview = officer.get_by_role("region", name="Morgan Member's next daily digest")
    expect(preview.get_by_role("heading", name="Picked by the comms team")).to_be_visible()
    expect(preview.get_by_role("link", name=re.compile("Winter tyres"))).to_be_visible()
    expect(preview).to_contain_text("Withheld from this preview")  # the secret community's post
    expect(preview).not_to_contain_text("Kestrel")
    axe_check(officer, "digest preview")
    screenshot(officer, "digest-preview")

    with live_server.app.app_context():
        assert send_digests("daily").sent == 1
    [message] = live_server.emails_to(member.email)
    url = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).group(1)
    assert url.startswith(live_server.url)
    stranger = new_context().new_page()  # signed out, as from a mail program
    stranger.goto(url)
    expect(stranger.get_by_role("heading", name="Unsubscribe from the digest?")).to_be_visible()
    axe_check(stranger, "unsubscribe confirmation")
    stranger.get_by_role("button", name="Unsubscribe from the digest").click()
    expect(stranger.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    axe_check(stranger, "unsubscribed")
    with live_server.app.app_context():
        assert db.session.get(DigestPreference, member.id).frequency == "off"
