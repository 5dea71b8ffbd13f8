"""The guidance page: the policy in brief, practical guides and social-media lunch-and-learns."""

import pytest

from app.extensions import db
from app.models import Post, User
from app.policy.guidance import GUIDES
from tests import factories
from tests.moderation_helpers import make_post, published_policy  # noqa: F401


def test_the_guidance_page_lists_the_policy_and_the_guides(client, login, published, member):
    login(member)
    page = client.get("/guidance").get_data(as_text=True)
    assert "Treat colleagues with respect" in page and "Read the whole policy" in page
    for guide in GUIDES:
        assert guide.title in page
    assert "No sessions listed yet" in page


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.slug)
def test_every_guide_has_a_page(client, login, member, guide):
    login(member)
    response = client.get(f"/guidance/{guide.slug}")
    assert response.status_code == 200 and guide.title in response.get_data(as_text=True)


def test_an_unknown_guide_is_a_404(client, login, member):
    login(member)
    assert client.get("/guidance/nothing-here").status_code == 404


def test_social_media_sessions_appear_when_the_sessions_feature_posts_them(
    app, client, login, comms, intruder
):
    """The hook: posts of kind "session" tagged #socialmedia, in communities the reader may see."""
    public = make_post(app, comms, "Lunch-and-learn: answering complaints in public #socialmedia")
    make_post(app, comms, "Not a session #socialmedia")
    with app.app_context():
        leader = factories.make_user(role="leader")
        private = factories.make_community(leader, "private", "Comms Only")
        private_id, leader_id = private.id, leader.id
    with app.app_context():
        author = db.session.get(User, leader_id)
        db.session.expunge(author)
    hidden = make_post(app, author, "Private session on the comms grid #socialmedia", private_id)
    with app.app_context():
        for post_id in (public, hidden):
            db.session.get(Post, post_id).kind = "session"
        db.session.commit()
    login(intruder)
    page = client.get("/guidance").get_data(as_text=True)
    assert "answering complaints in public" in page
    assert "Not a session" not in page and "comms grid" not in page and "Comms Only" not in page
