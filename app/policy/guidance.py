"""The guidance page: the policy, short practical guides and lunch-and-learn sessions on social media.

Guides are templates under templates/guidance/guides/ (reviewed like code, the same for every
organisation); the part each organisation owns, the policy, is edited by admins in the browser.
"""

from dataclasses import dataclass

from sqlalchemy import select

from app.errors import NotFound
from app.extensions import db
from app.models import Post, PostTopic, Topic, User
from app.permissions import visible_community_ids

# The topic comms tag their social-media lunch-and-learns with.
SESSIONS_TOPIC = "socialmedia"


@dataclass(frozen=True)
class Guide:
    """A short practical guide."""

    slug: str
    title: str
    summary: str

    @property
    def template(self) -> str:
        """Its template."""
        return f"guidance/guides/{self.slug}.html"


GUIDES = (
    Guide(
        "before-you-post",
        "Before you post: the one-minute check",
        "Five questions that catch nearly every problem before it happens.",
    ),
    Guide(
        "public-accounts",
        "Running a local social media account",
        "For officers and staff who post on the public's channels for their team or area.",
    ),
    Guide(
        "if-you-get-it-wrong",
        "If you get it wrong",
        "What happens when a moderator contacts you, and how to put things right quickly.",
    ),
    Guide(
        "reporting",
        "Reporting a post, and what happens next",
        "When to report, what moderators do with it, and what you'll hear back.",
    ),
)


def get_guide(slug: str) -> Guide:
    """A guide by its slug; NotFound otherwise."""
    for guide in GUIDES:
        if guide.slug == slug:
            return guide
    raise NotFound("We couldn't find that guide.")


def social_media_sessions(viewer: User, limit: int = 5) -> list[Post]:
    """Lunch-and-learn sessions on social media: posts of kind "session" tagged #socialmedia that the
    viewer may read, newest first. The hook for the sessions feature: empty until sessions exist."""
    tagged = (
        select(PostTopic.post_id)
        .join(Topic, Topic.id == PostTopic.topic_id)
        .where(Topic.name == SESSIONS_TOPIC)
    )
    return list(
        db.session.scalars(
            select(Post)
            .where(
                Post.kind == "session",
                Post.status == "visible",
                Post.id.in_(tagged),
                Post.community_id.in_(visible_community_ids(viewer)),
            )
            .order_by(Post.id.desc())
            .limit(limit)
        )
    )
