"""Posts, replies, their revisions, reactions and topics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.communities import Community
from app.models.people import User

POST_STATUSES = ("visible", "held", "hidden", "deleted")
# What a feed item is: a plain post, or a post that carries a feature's item (its row points back
# at the post), so feeds, reactions, threads and search treat every kind alike.
POST_KINDS = ("post", "link", "session", "update", "milestone", "proposal")
REACTION_KINDS = ("like", "celebrate", "insightful", "support")


class Post(Base):
    """A post in a community; body_html is rendered once at write time by app.sanitize."""

    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_community_feed", "community_id", "status", "id"),
        Index("ix_posts_author_feed", "author_id", "status", "id"),
        Index("ix_posts_status_id", "status", "id"),
        Index("ix_posts_community_pinned", "community_id", "pinned_at"),
        # The insights roll-up reads a day's posts, replies and reactions by time.
        Index("ix_posts_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    community_id: Mapped[int] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12), default="post", server_default="post")
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    render_version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="visible")
    reply_count: Mapped[int] = mapped_column(default=0)
    # A protective-marking label the author chose (e.g. "OFFICIAL-SENSITIVE"); "" for none.
    marking: Mapped[str] = mapped_column(String(40), default="", server_default="")
    # The organisational objective the post serves (optional; defaults from the community).
    objective_id: Mapped[int | None] = mapped_column(
        ForeignKey("objectives.id", ondelete="SET NULL"), index=True
    )
    pinned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    community: Mapped[Community] = relationship(lazy="joined")


class Reply(Base):
    """A reply in a post's thread."""

    __tablename__ = "replies"
    __table_args__ = (
        Index("ix_replies_post_id_id", "post_id", "id"),
        Index("ix_replies_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    render_version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(10), default="visible")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")
    post: Mapped[Post] = relationship()
    # One query for every reply loaded together (a thread), never one per reply.
    attachments: Mapped[list[Attachment]] = relationship(  # noqa: F821 - same metadata
        lazy="selectin", viewonly=True, order_by="Attachment.position"
    )


class Revision(Base):
    """An earlier text of a post or reply, kept when it is edited."""

    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    edited_by: Mapped[User | None] = relationship(lazy="joined")


class Reaction(Base):
    """One reaction per person per post, changeable."""

    __tablename__ = "reactions"
    __table_args__ = (
        Index("ix_reactions_post_kind", "post_id", "kind"),
        Index("ix_reactions_created_at", "created_at"),
    )

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class Topic(Base):
    """A #topic, stored lower-case."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostTopic(Base):
    """Which topics a post mentions."""

    __tablename__ = "post_topics"
    __table_args__ = (Index("ix_post_topics_topic_post", "topic_id", "post_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True)
