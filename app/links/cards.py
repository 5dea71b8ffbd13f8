"""What a link card needs, loaded for a whole page of posts at once (feeds.register_extra)."""

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.feeds.queries import register_extra
from app.models import CuratedLink, LinkSave, Post, PostTopic, Topic, User

EXTRA = "links"


@dataclass
class LinkCard:
    """A link post's link, whether the viewer saved it, and its topics (alphabetical)."""

    link: CuratedLink
    saved: bool = False
    topics: list[str] = field(default_factory=list)


def load_link_cards(viewer: User, posts: list[Post]) -> dict[int, LinkCard]:
    """Cards for the link posts among `posts`: three queries whatever their number, none without links."""
    ids = [p.id for p in posts if p.kind == "link"]
    if not ids:
        return {}
    cards = {
        link.post_id: LinkCard(link)
        for link in db.session.scalars(select(CuratedLink).where(CuratedLink.post_id.in_(ids))).unique()
    }
    saved = set(
        db.session.scalars(
            select(LinkSave.link_id).where(
                LinkSave.user_id == viewer.id, LinkSave.link_id.in_([c.link.id for c in cards.values()])
            )
        )
    )
    for card in cards.values():
        card.saved = card.link.id in saved
    for post_id, name in db.session.execute(
        select(PostTopic.post_id, Topic.name)
        .join(Topic, Topic.id == PostTopic.topic_id)
        .where(PostTopic.post_id.in_(list(cards)))
        .order_by(Topic.name)
    ):
        cards[post_id].topics.append(name)
    return cards


register_extra(EXTRA, load_link_cards)
