"""Live updates for moderation: a held post reaches only its author; approval reaches every reader."""

from app.extensions import db
from app.models import User
from app.moderation import premoderation
from tests.moderation_helpers import decide, make_post, open_case_for, published_policy, report  # noqa: F401
from tests.realtime_helpers import received, sign_in


def test_a_held_post_is_pushed_to_its_author_only_and_its_approval_to_everyone(
    app, sockets, published, admin, member, comms, moderator
):
    with app.app_context():
        premoderation.set_watched_words(db.session.get(User, admin.id), "rumour")
        db.session.commit()
    author, reader = sockets.connect(sign_in(app, member)), sockets.connect(sign_in(app, comms))
    post_id = make_post(app, member, "A rumour about overtime")
    assert [p["post_id"] for p in received(author, "post_held")] == [post_id]
    assert received(reader) == []  # not even post_created: readers can't see it yet
    decide(app, moderator, open_case_for(app, f"post:{post_id}").id, "no_breach", None, "")
    [approved] = received(reader, "post_approved")
    assert approved["post_id"] == post_id and approved["author_id"] == member.id
    assert "rumour" not in str(approved)  # ids and seq, never content
    assert received(author, "post_approved")


def test_hiding_a_post_tells_open_pages_to_refresh_it(app, sockets, published, member, comms, moderator):
    post_id = make_post(app, comms, "Soon hidden")
    reader = sockets.connect(sign_in(app, member))
    decide(app, moderator, report(app, member, "post", post_id, "respect"), "needs_change")
    updates = received(reader, "post_updated")
    assert [u["post_id"] for u in updates] == [post_id]


def test_the_realtime_script_handles_the_moderation_events():
    """realtime.js maps each event moderation records to a handler."""
    from pathlib import Path

    script = (Path(__file__).resolve().parents[1] / "static" / "js" / "realtime.js").read_text()
    for name in ("post_approved", "post_held", "reply_approved", "reply_updated"):
        assert f"{name}:" in script
