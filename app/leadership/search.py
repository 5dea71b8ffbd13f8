"""Leadership updates in search (the "Leadership updates" tab), with their replies, found only by the
update's audience (app/permissions/updates.py: everyone, or chosen communities and units; its leader,
poster and admins); Ask leadership questions are in app/leadership/search_questions.py.

An update's post lives in All staff, so filtering by community would show it to everyone. Each
update is keyed for the permission scope by its own audience key, minus its post id (never a
community id), and a person's scope is the keys of the updates audience_clause() lets them see,
worked out from the database on every search: outside the audience nothing matches, so there is
no result, snippet, count or "did you mean" to give. Joining a community or moving unit changes
what someone finds at once, with no re-indexing.
"""

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.leadership import search_questions  # noqa: F401 - registers the questions type
from app.models import Event, Post, Reply, Update, User
from app.permissions.updates import audience_clause
from app.search.content import plain_words, post_topics, replies_in_events
from app.search.registry import Doc, Result, SearchType, post_ids_of_kind, register_type


def audience_key(post_id: int) -> int:
    """The scope key of an update (negative: it can never be a community's id)."""
    return -post_id


def update_audience(viewer: User) -> Select:
    """The scope keys of the updates the person may see now."""
    return select(-Update.post_id).where(audience_clause(viewer))


def _indexable():
    return (
        select(Update)
        .join(Post, Post.id == Update.post_id)
        .where(Post.kind == "update", Post.status == "visible")
    )


def update_documents(post_ids: Sequence[int]) -> dict[int, Doc]:
    """Updates on visible posts: the title, and the post's text."""
    rows = list(db.session.scalars(_indexable().where(Post.id.in_(post_ids))).unique())
    topics = post_topics([u.post_id for u in rows])
    return {
        u.post_id: Doc(
            id=u.post_id,
            title=u.title,
            body=plain_words(u.post.body_source),
            topics=topics.get(u.post_id, []),
            author_id=u.post.author_id,
            community_id=audience_key(u.post_id),
            created_at=u.post.created_at,
        )
        for u in rows
    }


def indexable_update_ids():
    """The post of every update that belongs in the index."""
    return _indexable().with_only_columns(Update.post_id).order_by(Update.post_id)


def updates_in_events(events: Sequence[Event]) -> set[int]:
    """Update posts named by post_* events (published, edited, moderated, removed, anonymised)."""
    return post_ids_of_kind(events, "update", "post_")


def _audience_text(update: Update) -> str:
    return "To everyone" if update.everyone else "To chosen communities and units"


def visible_update_results(viewer: User, post_ids: Sequence[int]) -> dict[int, Result]:
    """The updates the viewer may see now, linking to the update's page."""
    rows = db.session.scalars(
        _indexable().where(Post.id.in_(post_ids), audience_clause(viewer)).options(joinedload(Update.post))
    ).unique()
    return {
        u.post_id: Result(
            id=u.id,
            title=u.title,
            text=plain_words(u.post.body_source),
            endpoint="leadership.update_page",
            values={"update_id": u.id},
            created_at=u.post.created_at,
            author=u.post.author,
            context=_audience_text(u),
        )
        for u in rows
    }


def _update_replies():
    return (
        select(Reply, Update)
        .join(Post, Post.id == Reply.post_id)
        .join(Update, Update.post_id == Post.id)
        .where(Post.kind == "update", Post.status == "visible", Reply.status == "visible")
    )


def update_reply_documents(ids: Sequence[int]) -> dict[int, Doc]:
    """Visible replies to visible updates, scoped by their update's audience."""
    rows = db.session.execute(_update_replies().where(Reply.id.in_(ids))).unique().all()
    return {
        reply.id: Doc(
            id=reply.id,
            body=plain_words(reply.body_source),
            author_id=reply.author_id,
            community_id=audience_key(reply.post_id),
            created_at=reply.created_at,
        )
        for reply, _update in rows
    }


def indexable_update_reply_ids():
    """Every reply to an update that belongs in the index."""
    return _update_replies().with_only_columns(Reply.id).order_by(Reply.id)


def update_replies_in_events(events: Sequence[Event]) -> set[int]:
    """Replies named by reply_* events (and of update posts removed or moderated), less replies to
    other kinds of post (the reply type has those); a reply purged since is kept, so it is removed."""
    ids = replies_in_events(events)
    if ids:
        others = (
            select(Reply.id)
            .join(Post, Post.id == Reply.post_id)
            .where(Reply.id.in_(ids), Post.kind != "update")
        )
        ids -= set(db.session.scalars(others))
    return ids


def visible_update_reply_results(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    """The replies to updates the viewer may see now, linking to their place in the thread."""
    rows = (
        db.session.execute(_update_replies().where(Reply.id.in_(ids), audience_clause(viewer))).unique().all()
    )
    return {
        reply.id: Result(
            id=reply.id,
            title=update.title,
            text=plain_words(reply.body_source),
            endpoint="posts.thread",
            values={"post_id": reply.post_id, "_anchor": f"reply-{reply.id}"},
            created_at=reply.created_at,
            author=reply.author,
            context="Reply to a leadership update",
        )
        for reply, update in rows
    }


register_type(
    SearchType(
        name="update",
        tab="updates",
        tab_label="Leadership updates",
        label="Leadership update",
        documents=update_documents,
        all_ids=indexable_update_ids,
        changed_ids=updates_in_events,
        load=visible_update_results,
        scope=update_audience,
        post_kinds=("update",),
        order=70,
    )
)
register_type(
    SearchType(
        name="update_reply",
        tab="updates",
        tab_label="Leadership updates",
        label="Reply",
        documents=update_reply_documents,
        all_ids=indexable_update_reply_ids,
        changed_ids=update_replies_in_events,
        load=visible_update_reply_results,
        scope=update_audience,
        reply_kinds=("update",),
        order=71,
    )
)
