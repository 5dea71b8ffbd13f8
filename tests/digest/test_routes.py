"""The digest's pages through the test client: preferences, the unsubscribe link (valid, expired,
tampered; one-click and the CSRF-protected button), comms' preview and pins, and who may use them."""

import re

import pytest
from sqlalchemy import select

from app.digest.preferences import read_unsubscribe_token, unsubscribe_token
from app.extensions import db
from app.models import AuditEntry, DigestPin, DigestPreference, User
from app.tokens import make_token
from tests.digest.helpers import digest_for, opt_in, post
from tests.links_helpers import post_id_of, share


def token_for(app, user) -> str:
    with app.app_context():
        return unsubscribe_token(db.session.get(User, user.id))


def frequency(app, user) -> str | None:
    with app.app_context():
        row = db.session.get(DigestPreference, user.id)
        return row.frequency if row else None


def test_preferences_save_frequency_and_mutes_only_my_own_communities(
    app, client, login, world, member, intruder
):
    login(intruder)
    page = client.get("/digest/preferences")
    assert page.status_code == 200 and b"Weekly, on Monday morning" in page.data
    assert b"Operation Kestrel" not in page.data  # a secret community they aren't in is never listed
    client.post("/digest/preferences", data={"frequency": "daily", "mute_community": [str(world.secret)]})
    with app.app_context():
        row = db.session.get(DigestPreference, intruder.id)
        assert (row.frequency, row.muted_community_ids) == ("daily", [])
    login(member)
    answer = client.post(
        "/digest/preferences", data={"frequency": "weekly", "mute_community": [str(world.private)]}
    )
    assert answer.status_code == 302
    with app.app_context():
        assert db.session.get(DigestPreference, member.id).muted_community_ids == [world.private]


def test_a_bad_frequency_is_explained_beside_the_field(app, client, login, member):
    login(member)
    answer = client.post("/digest/preferences", data={"frequency": "hourly"})
    assert answer.status_code == 422 and b"Choose weekly, daily or off." in answer.data
    assert b'id="frequency-error"' in answer.data


def test_the_account_menu_links_to_the_preferences(app, client, login, member, comms):
    login(member)
    home = client.get("/digest/preferences")
    assert b'href="/digest/preferences">Email digest</a>' in home.data
    assert b"Digest editorial" not in home.data
    login(comms)
    assert b"Digest editorial" in client.get("/digest/preferences").data


def test_the_unsubscribe_page_asks_first_and_the_button_needs_its_csrf_token(app, member):
    opt_in(app, member)
    token = token_for(app, member)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()  # signed out: the link works without signing in
        page = client.get(f"/digest/unsubscribe/{token}")
        assert page.status_code == 200 and b"Unsubscribe from the digest?" in page.data
        assert frequency(app, member) == "weekly"  # a GET (a link scanner) changes nothing
        forged = client.post(f"/digest/unsubscribe/{token}", data={})
        assert forged.status_code == 400 and b"Press the button again" in forged.data
        assert frequency(app, member) == "weekly"
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
        done = client.post(f"/digest/unsubscribe/{token}", data={"csrf_token": csrf})
        assert done.status_code == 200 and b"You're unsubscribed" in done.data
        assert frequency(app, member) == "off"
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_one_click_unsubscribe_keeps_muted_communities(app, client, world, member):
    opt_in(app, member, "daily", [world.private])
    answer = client.post(
        f"/digest/unsubscribe/{token_for(app, member)}", data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    with app.app_context():
        row = db.session.get(DigestPreference, member.id)
        assert (row.frequency, row.muted_community_ids) == ("off", [world.private])


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_forged_and_expired_links_get_a_clear_message_not_a_500(app, client, member, method):
    token = token_for(app, member)
    data = {"List-Unsubscribe": "One-Click"}
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    answer = getattr(client, method)(f"/digest/unsubscribe/{tampered}", data=data)
    assert answer.status_code == 400 and b"This unsubscribe link isn&#39;t valid." in answer.data
    with app.app_context():
        other_purpose = make_token("reset", {"u": member.id})
        forged_user = make_token("digest-unsubscribe", {"u": "1 OR 1=1"})
    for bad in (other_purpose, forged_user, "nonsense", "a" * 400):
        assert getattr(client, method)(f"/digest/unsubscribe/{bad}", data=data).status_code == 400
    app.config["DIGEST_UNSUBSCRIBE_DAYS"], saved = -1, app.config["DIGEST_UNSUBSCRIBE_DAYS"]
    try:
        answer = getattr(client, method)(f"/digest/unsubscribe/{token}", data=data)
    finally:
        app.config["DIGEST_UNSUBSCRIBE_DAYS"] = saved
    assert answer.status_code == 400 and b"This unsubscribe link has expired." in answer.data
    assert frequency(app, member) is None  # nothing changed


def test_token_reading_names_the_person_and_why_not(app, member):
    with app.app_context():
        person = db.session.get(User, member.id)
        assert read_unsubscribe_token(unsubscribe_token(person)) == (person, "ok")
        assert read_unsubscribe_token(unsubscribe_token(person) + "x") == (None, "invalid")
        assert read_unsubscribe_token(make_token("digest-unsubscribe", {"u": 999999})) == (None, "invalid")


def test_members_cannot_preview_or_pin(app, client, login, member, intruder, world):
    login(member)
    assert client.get("/digest/preview").status_code == 403
    assert client.post("/digest/preview", data={"person": intruder.email}).status_code == 403
    assert client.get("/digest/editorial").status_code == 403
    assert (
        client.post("/digest/editorial/pins", data={"post_id": str(world.all_staff_post)}).status_code == 403
    )
    with app.app_context():
        assert db.session.query(DigestPin).count() == 0


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in ("/digest/preferences", "/digest/preview", "/digest/editorial"):
        assert client.get(path).headers["Location"].startswith("/login")


def test_comms_preview_as_a_member_respects_their_permissions_and_is_audited(
    app, client, login, leader, member, intruder
):
    # Communities run by a leader, so the comms officer is in none of them.
    from tests.digest.helpers import make_world

    world = make_world(app, leader, member)
    from tests import factories

    with app.app_context():
        officer = factories.make_user(name="Pat Comms", role="comms")
        db.session.expunge(officer)
    login(officer)
    answer = client.post("/digest/preview", data={"person": member.email, "period": "weekly"})
    assert answer.status_code == 200
    assert b"Station open day on Saturday" in answer.data and b"Speed checks on the A38" in answer.data
    assert b"Range booking moves to Thursdays" not in answer.data  # private: withheld from the previewer
    assert b"Kestrel briefing" not in answer.data and b"Operation Kestrel" not in answer.data
    assert answer.data.count(b"Withheld from this preview") == 2
    as_intruder = client.post("/digest/preview", data={"person": intruder.email, "period": "daily"})
    assert b"Station open day" in as_intruder.data and b"Speed checks" not in as_intruder.data
    assert b"Withheld" not in as_intruder.data
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "digest.previewed")).all()
        assert [(e.actor_id, e.target_id) for e in entries] == [
            (officer.id, member.id),
            (officer.id, intruder.id),
        ]
        # Previewing records nothing as sent: the member's digest is untouched.
        assert world.private_post in {p.id for p in digest_for(member).conversations}


def test_preview_of_nobody_is_explained_beside_the_field(app, client, login, comms):
    login(comms)
    answer = client.post("/digest/preview", data={"person": "nobody@example.police.uk"})
    assert answer.status_code == 422 and b"no active colleague" in answer.data
    assert b'value="nobody@example.police.uk"' in answer.data


def test_comms_pin_a_link_and_it_leads_everyones_editorial_slot(
    app, client, login, comms, member, leader, world
):
    old = share(app, comms, "https://example.org/older", why="Still the best guide.")
    newer = share(app, comms, "https://example.org/newer")
    login(comms)
    page = client.get("/digest/editorial")
    assert page.status_code == 200 and b"This week's curated links" in page.data
    answer = client.post("/digest/editorial/pins", data={"post_id": f"http://x/posts/{post_id_of(app, old)}"})
    assert answer.status_code == 302
    with app.app_context():
        picks = digest_for(member).editorial
        assert [(p.link.id, p.pinned) for p in picks[:2]] == [(old, True), (newer, False)]
        pin = db.session.scalar(select(DigestPin))
        assert db.session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == pin.post_id)) == (
            "digest.item_pinned"
        )
    again = client.post("/digest/editorial/pins", data={"post_id": str(post_id_of(app, old))})
    assert again.status_code == 422 and b"in the editorial slot already" in again.data
    assert client.post(f"/digest/editorial/pins/{pin.id}/unpin").status_code == 302
    with app.app_context():
        assert db.session.query(DigestPin).count() == 0


def test_comms_cannot_pin_what_they_cannot_see(app, client, login, leader, member):
    from tests.digest.helpers import make_world

    world = make_world(app, leader, member)
    from tests import factories

    with app.app_context():
        officer = factories.make_user(name="Pat Comms", role="comms")
        db.session.expunge(officer)
    login(officer)
    for bad in (str(world.secret_post), str(world.private_post), "999999", "", "abc"):
        answer = client.post("/digest/editorial/pins", data={"post_id": bad})
        assert answer.status_code == 422 and b"no post with that number that you can see" in answer.data
    page = client.get("/digest/editorial")
    assert b"Kestrel" not in page.data and b"Range booking" not in page.data


def test_a_pinned_post_reaches_only_those_who_may_see_it(app, client, login, comms, member, intruder, world):
    login(comms)
    client.post("/digest/editorial/pins", data={"post_id": str(world.private_post)})
    with app.app_context():
        assert [p.post.id for p in digest_for(member).editorial] == [world.private_post]
        assert digest_for(intruder).editorial == []
    extra = post(app, member, "Anyone for five-a-side?")
    assert extra
