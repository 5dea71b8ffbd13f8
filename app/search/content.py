"""Posts and replies as searchable types (the "Posts and replies" tab)."""

import re
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Event, Post, PostTopic, Reply, Topic, User
from app.permissions import searchable_posts, searchable_replies
from app.permissions.updates import audience_limited_update_posts
from app.sanitize import TOPIC_RE
from app.search.registry import Doc, Result, SearchType, claimed_post_kinds, events_named, register_type

# Markdown's marks become spaces (plain_text() drops them, which glues "<i>word</i>" into one token).
_MARKS = re.compile(r"[*_`>#~\[\]]")
_TOPICS = re.compile(r"(?<![\w/&])#(" + TOPIC_RE.pattern + ")", re.IGNORECASE)
# Post events that leave its replies as they were; any other (delete, move, moderation) re-checks them.
_REPLIES_UNAFFECTED = frozenset({"post_created", "post_updated", "post_pinned"})


def _plain(source: str) -> str:
    return " ".join(_MARKS.sub(" ", source or "").split())


def _title(source: str, limit: int = 90) -> str:
    text = _plain(source)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _post_kinds_excluded():
    # Updates for chosen audiences stay out of the index altogether (the index scopes by community).
    return Post.kind.not_in(sorted(claimed_post_kinds()) or ["-"]) & Post.id.not_in(
        audience_limited_update_posts()
    )


def _not_limited():
    return Post.id.not_in(audience_limited_update_posts())


def post_documents(ids: Sequence[int]) -> dict[int, Doc]:
    """Visible plain posts (kinds another type claims are indexed by that type)."""
    rows = db.session.execute(
        select(Post.id, Post.body_source, Post.author_id, Post.community_id, Post.created_at).where(
            Post.id.in_(ids), Post.status == "visible", _post_kinds_excluded()
        )
    ).all()
    topics: dict[int, list[str]] = {}
    if rows:
        for post_id, name in db.session.execute(
            select(PostTopic.post_id, Topic.name)
            .join(Topic, Topic.id == PostTopic.topic_id)
            .where(PostTopic.post_id.in_([r.id for r in rows]))
            .order_by(PostTopic.post_id, Topic.name)
        ):
            topics.setdefault(post_id, []).append(name)
    return {
        r.id: Doc(
            id=r.id,
            body=_plain(r.body_source),
            topics=topics.get(r.id, []),
            author_id=r.author_id,
            community_id=r.community_id,
            created_at=r.created_at,
        )
        for r in rows
    }


def indexable_post_ids():
    """Every post that belongs in the index."""
    return select(Post.id).where(Post.status == "visible", _post_kinds_excluded()).order_by(Post.id)


def posts_in_events(events: Sequence[Event]) -> set[int]:
    """Posts named by post_* events (created, edited, deleted, moved, moderated)."""
    return events_named(events, "post_", "post_id")


def visible_posts(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    """The posts the viewer may see now, as results."""
    rows = db.session.scalars(searchable_posts(viewer).where(Post.id.in_(ids), _post_kinds_excluded()))
    return {
        post.id: Result(
            id=post.id,
            title=_title(post.body_source),
            text=_plain(post.body_source),
            endpoint="posts.thread",
            values={"post_id": post.id},
            created_at=post.created_at,
            author=post.author,
            community=post.community,
        )
        for post in rows.unique()
    }


def reply_documents(ids: Sequence[int]) -> dict[int, Doc]:
    """Visible replies to visible posts."""
    rows = db.session.execute(
        select(Reply.id, Reply.body_source, Reply.author_id, Reply.created_at, Post.community_id)
        .join(Post, Post.id == Reply.post_id)
        .where(Reply.id.in_(ids), Reply.status == "visible", Post.status == "visible", _not_limited())
    ).all()
    return {
        r.id: Doc(
            id=r.id,
            body=_plain(r.body_source),
            topics=sorted({t.lower() for t in _TOPICS.findall(r.body_source)}),
            author_id=r.author_id,
            community_id=r.community_id,
            created_at=r.created_at,
        )
        for r in rows
    }


def indexable_reply_ids():
    """Every reply that belongs in the index."""
    return (
        select(Reply.id)
        .join(Post, Post.id == Reply.post_id)
        .where(Reply.status == "visible", Post.status == "visible", _not_limited())
        .order_by(Reply.id)
    )


def replies_in_events(events: Sequence[Event]) -> set[int]:
    """Replies named by reply_* events, and every reply of a post deleted, moved or moderated."""
    ids = events_named(events, "reply_", "reply_id")
    posts = events_named([e for e in events if e.name not in _REPLIES_UNAFFECTED], "post_", "post_id")
    if posts:
        ids |= set(db.session.scalars(select(Reply.id).where(Reply.post_id.in_(posts))))
    return ids


def visible_replies(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    """The replies the viewer may see now, as results linking to their place in the thread."""
    rows = db.session.scalars(
        searchable_replies(viewer).where(Reply.id.in_(ids)).options(joinedload(Reply.post))
    ).unique()
    return {
        reply.id: Result(
            id=reply.id,
            title=_title(reply.post.body_source),
            text=_plain(reply.body_source),
            endpoint="posts.thread",
            values={"post_id": reply.post_id, "_anchor": f"reply-{reply.id}"},
            created_at=reply.created_at,
            author=reply.author,
            community=reply.post.community,
            context=f"Reply to {reply.post.author.name}",
        )
        for reply in rows
    }


register_type(
    SearchType(
        name="post",
        tab="posts",
        tab_label="Posts and replies",
        label="Post",
        documents=post_documents,
        all_ids=indexable_post_ids,
        changed_ids=posts_in_events,
        load=visible_posts,
        order=10,
    )
)
register_type(
    SearchType(
        name="reply",
        tab="posts",
        tab_label="Posts and replies",
        label="Reply",
        documents=reply_documents,
        all_ids=indexable_reply_ids,
        changed_ids=replies_in_events,
        load=visible_replies,
        order=11,
    )
)
