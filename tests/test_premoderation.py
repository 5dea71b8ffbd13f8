"""Pre-moderation: chosen communities and watched words hold posts and replies for a moderator."""

import pytest
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.models import AuditEntry, Community, Event, ModerationCase, Notification, Post, Reply, User
from app.moderation import premoderation
from app.posts.services import edit_post
from tests import factories
from tests.moderation_helpers import (  # noqa: F401
    decide,
    make_post,
    make_reply,
    open_case_for,
    published_policy,
    report,
    status_of,
)


def _watch(app, admin: User, text: str) -> None:
    with app.app_context():
        premoderation.set_watched_words(db.session.get(User, admin.id), text)
        db.session.commit()


def _events(app, name: str) -> list[Event]:
    with app.app_context():
        rows = db.session.scalars(select(Event).where(Event.name == name)).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


@pytest.mark.parametrize(
    ("body", "held"),
    [
        ("Send me the PASSWORD please", True),
        ("my password.", True),
        ("Passwords are rotated monthly", False),  # whole words only
        ("compassword", False),
        ("Operation   Lantern starts", True),  # a phrase, however it is spaced
        ("operation lanterns", False),
    ],
)
def test_watched_words_match_whole_words_in_any_case(app, admin, body, held):
    _watch(app, admin, "password\nOperation Lantern")
    with app.app_context():
        assert (premoderation.watched_in(body) is not None) is held


def test_a_watched_word_holds_a_post_until_a_moderator_approves_it(
    app, client, login, published, admin, member, comms, moderator
):
    _watch(app, admin, "password")
    login(member)
    response = client.post("/posts", data={"body": "The wifi password is on the board @" + comms.handle})
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(select(Post))
        post_id = post.id
        assert post.status == "held"
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Held for review because it contains “password”" in page
    assert "you'll get a notification" in page
    [held] = _events(app, "post_held")
    assert held.user_id == member.id  # only the author hears of it
    assert not _events(app, "post_created")
    with app.app_context():
        assert not db.session.scalars(select(Notification).where(Notification.kind == "mention")).all()
        [note] = db.session.scalars(select(Notification).where(Notification.kind == "post_held")).all()
        assert note.user_id == member.id and "password" in note.data["reason"]
    login(comms)
    assert client.get(f"/posts/{post_id}").status_code == 404
    assert "wifi password" not in client.get("/").get_data(as_text=True)

    case = open_case_for(app, f"post:{post_id}")
    assert case.source == "held" and "password" in case.hold_reason
    login(moderator)
    assert "Held because it contains" in client.get("/moderation").get_data(as_text=True)
    decide(app, moderator, case.id, "no_breach", None, "")
    assert status_of(app, Post, post_id) == "visible"
    [approved] = _events(app, "post_approved")
    assert approved.data["author_id"] == member.id and approved.user_id is None
    with app.app_context():
        kinds = set(db.session.scalars(select(Notification.kind)))
        assert {"mention", "post_approved"} <= kinds  # the mention goes out once visible
    login(comms)
    assert "wifi password" in client.get("/").get_data(as_text=True)


def test_a_premoderated_community_holds_posts_and_replies(
    app, client, login, published, member, comms, moderator, intruder
):
    with app.app_context():
        community = factories.make_community(
            db.session.get(User, comms.id), "public", "Public Voices", [db.session.get(User, member.id)]
        )
        community_id = community.id
    login(moderator)
    response = client.post(
        "/moderation/settings",
        data={"what": "communities", "community": [str(community_id), "x", "99999999999"]},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Community, community_id).premoderated
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "settings.premoderation_updated")
        )
        assert entry.target_id == community_id and entry.data == {"premoderated": True}
    post_id = make_post(app, member, "Hello voices", community_id)
    assert status_of(app, Post, post_id) == "held"
    assert "posts in Public Voices are checked" in open_case_for(app, f"post:{post_id}").hold_reason
    mod_post = make_post(app, moderator, "Moderators aren't held", community_id)
    assert status_of(app, Post, mod_post) == "visible"
    reply_id = make_reply(app, member, mod_post, "A held reply")
    assert status_of(app, Reply, reply_id) == "held"
    with app.app_context():
        assert db.session.get(Post, mod_post).reply_count == 0
    login(member)
    assert "Held for review" in client.get(f"/posts/{mod_post}").get_data(as_text=True)
    login(intruder)  # a reader (comms owns the community, so moderates it and sees held replies)
    assert "A held reply" not in client.get(f"/posts/{mod_post}").get_data(as_text=True)
    assert client.get(f"/replies/{reply_id}/card").status_code == 404
    decide(app, moderator, open_case_for(app, f"reply:{reply_id}").id, "no_breach", None, "")
    with app.app_context():
        assert db.session.get(Post, mod_post).reply_count == 1
    assert _events(app, "reply_approved")
    assert "A held reply" in client.get(f"/posts/{mod_post}").get_data(as_text=True)


def test_editing_a_visible_post_to_add_a_watched_word_holds_it(app, published, admin, member, moderator):
    post_id = make_post(app, member, "All fine here")
    _watch(app, admin, "scandal")
    with app.app_context():
        edit_post(db.session.get(User, member.id), db.session.get(Post, post_id), "What a scandal")
        db.session.commit()
    assert status_of(app, Post, post_id) == "held"
    assert open_case_for(app, f"post:{post_id}") is not None


def test_a_reported_post_held_after_an_edit_stays_one_case(app, published, admin, member, comms):
    post_id = make_post(app, comms, "About the restructure")
    case_id = report(app, member, "post", post_id, "respect")
    _watch(app, admin, "rumour")
    with app.app_context():
        edit_post(
            db.session.get(User, comms.id), db.session.get(Post, post_id), "A rumour about the restructure"
        )
        db.session.commit()
        [case] = db.session.scalars(select(ModerationCase)).all()
        assert case.id == case_id and case.source == "report" and "rumour" in case.hold_reason


def test_watched_words_are_for_admins_and_are_audited(app, client, login, admin, moderator):
    login(moderator)
    page = client.get("/moderation/settings").get_data(as_text=True)
    assert "Only admins can change this list." in page and "readonly" in page
    assert client.post("/moderation/settings", data={"what": "words", "words": "x"}).status_code == 403
    login(admin)
    response = client.post("/moderation/settings", data={"what": "words", "words": "Alpha\nbeta, alpha\n\n"})
    assert response.status_code == 302
    with app.app_context():
        assert premoderation.watched_words() == ["alpha", "beta"]
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "settings.watched_words_updated")
        )
        assert entry.data == {"added": ["alpha", "beta"], "removed": []}
    too_long = client.post("/moderation/settings", data={"what": "words", "words": "w" * 61})
    assert too_long.status_code == 422 and "60 characters" in too_long.get_data(as_text=True)
    with app.app_context():
        with pytest.raises(PermissionDenied):
            premoderation.set_premoderated(db.session.get(User, factories.make_user().id), [])
        with pytest.raises(ValidationError):
            premoderation.set_watched_words(
                db.session.get(User, admin.id), "\n".join(f"w{n}" for n in range(301))
            )


def test_members_cannot_reach_the_settings(client, login, member):
    login(member)
    assert client.get("/moderation/settings").status_code == 403


def test_a_moderator_never_sees_or_changes_a_secret_community_they_are_not_in(
    app, client, login, admin, moderator
):
    with app.app_context():
        leader = factories.make_user(role="leader")
        secret = factories.make_community(leader, "secret", "Operation Nightjar")
        secret.premoderated = True
        db.session.commit()
        secret_id = secret.id
    login(moderator)
    assert "Nightjar" not in client.get("/moderation/settings").get_data(as_text=True)
    client.post("/moderation/settings", data={"what": "communities"})  # nothing ticked
    with app.app_context():
        assert db.session.get(Community, secret_id).premoderated  # untouched
    login(admin)
    assert "Nightjar" in client.get("/moderation/settings").get_data(as_text=True)


def test_the_author_is_told_at_once_that_a_post_or_reply_is_held(
    app, client, login, published, admin, member, comms
):
    _watch(app, admin, "leak")
    login(member)
    response = client.post("/posts", data={"body": "Is this a leak?"}, follow_redirects=True)
    assert "Your post is held for review." in response.get_data(as_text=True)
    post_id = make_post(app, comms, "An open thread")
    reply = client.post(f"/posts/{post_id}/replies", data={"body": "Another leak"}, follow_redirects=True)
    page = reply.get_data(as_text=True)
    assert "Your reply is held for review." in page and "Held for review: only you and moderators" in page
    fragment = client.post("/posts", data={"body": "A third leak"}, headers={"X-Requested-With": "fetch"})
    assert fragment.status_code == 201 and "Held for review because it contains “leak”" in fragment.get_data(
        as_text=True
    )
