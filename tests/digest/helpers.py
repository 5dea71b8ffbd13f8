"""Helpers for the digest tests: opting in, posting, and a world of communities with an intruder."""

from dataclasses import dataclass
from datetime import UTC, datetime

from app.digest import periods
from app.digest.content import Digest, build_digest
from app.digest.preferences import preference_for, save_preferences
from app.extensions import db
from app.models import Community, User
from app.posts.services import create_post
from tests import factories

# A Monday at 08:00 in London (GMT): the weekly digest is due.
MONDAY = datetime(2026, 1, 12, 8, 0, tzinfo=UTC)


def opt_in(app, user: User, frequency: str = "weekly", muted: list[int] = ()) -> None:
    """Choose a digest frequency for a person (and communities to leave out)."""
    with app.app_context():
        save_preferences(db.session.get(User, user.id), frequency, list(muted))
        db.session.commit()


def post(app, author: User, body: str, community_id: int | None = None) -> int:
    """A post through the service (All staff by default); returns its id."""
    with app.app_context():
        community = db.session.get(Community, community_id) if community_id else None
        row = create_post(db.session.get(User, author.id), body, community)
        db.session.commit()
        return row.id


def digest_for(user: User, period: str = "weekly") -> Digest:
    """The person's digest now, in the current app context."""
    person = db.session.get(User, user.id)
    return build_digest(person, period, preference_for(person), periods.now())


def post_ids(digest: Digest) -> set[int]:
    """Every post id in a digest."""
    return {post_id for _section, post_id in digest.items()}


@dataclass
class World:
    """All staff, a public, a private and a secret community, and a post in each."""

    public: int
    private: int
    secret: int
    all_staff_post: int
    public_post: int
    private_post: int
    secret_post: int


def make_world(app, owner: User, member: User) -> World:
    """Communities owned by `owner` with `member` in each; one post by `owner` in each."""
    with app.app_context():
        person = db.session.get(User, member.id)
        boss = db.session.get(User, owner.id)
        public = factories.make_community(boss, "public", "Roads policing", members=[person]).id
        private = factories.make_community(boss, "private", "Firearms unit", members=[person]).id
        secret = factories.make_community(boss, "secret", "Operation Kestrel", members=[person]).id
    return World(
        public=public,
        private=private,
        secret=secret,
        all_staff_post=post(app, owner, "Station open day on Saturday, all welcome"),
        public_post=post(app, owner, "Speed checks on the A38 this week", public),
        private_post=post(app, owner, "Range booking moves to Thursdays", private),
        secret_post=post(app, owner, "Kestrel briefing moved to 06:00", secret),
    )


def send(app, period: str = "weekly", **kwargs):
    """Run `digest send` for a period in its own app context (as the CLI does); returns the report."""
    from app.digest.send import send_digests

    with app.app_context():
        return send_digests(period, **kwargs)
