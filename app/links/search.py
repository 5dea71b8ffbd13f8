"""Curated links in search (the "Curated links" tab): title, summary, why it matters, source, topics.

A link is keyed in the index by the id of the post it rides on, so every event about that post
(an edit, a fetched preview, moderation, deletion, a purge that cascades the link away, an author
anonymised by retention or erasure) re-reads it without looking the link up first.
"""

from collections.abc import Sequence

from sqlalchemy import select

from app.extensions import db
from app.models import CuratedLink, Event, Post, User
from app.permissions.links import visible_links
from app.search.content import plain_words, post_topics
from app.search.registry import Doc, Result, SearchType, post_ids_of_kind, register_type


def _indexable():
    return (
        select(CuratedLink)
        .join(Post, Post.id == CuratedLink.post_id)
        .where(Post.kind == "link", Post.status == "visible")
    )


def link_documents(post_ids: Sequence[int]) -> dict[int, Doc]:
    """Links on visible posts: the title, and the summary, why it matters, source and site as text."""
    links = list(db.session.scalars(_indexable().where(Post.id.in_(post_ids))).unique())
    topics = post_topics([link.post_id for link in links])
    return {
        link.post_id: Doc(
            id=link.post_id,
            title=link.display_title,
            # The site's name word by word ("college police uk"): the tokenizer keeps a dotted name whole.
            body=" ".join(
                (
                    link.display_summary,
                    plain_words(link.post.body_source),
                    link.display_source.replace(".", " "),
                    link.host.replace(".", " "),
                )
            ),
            topics=topics.get(link.post_id, []),
            author_id=link.post.author_id,
            community_id=link.post.community_id,
            created_at=link.created_at,
        )
        for link in links
    }


def indexable_link_ids():
    """The post of every link that belongs in the index."""
    return _indexable().with_only_columns(CuratedLink.post_id).order_by(CuratedLink.post_id)


def links_in_events(events: Sequence[Event]) -> set[int]:
    """Link posts named by post_* (edits, previews, moderation, removal) and link_* events."""
    return post_ids_of_kind(events, "link", "post_", "link_")


def visible_link_results(viewer: User, post_ids: Sequence[int]) -> dict[int, Result]:
    """The links the viewer may see now, linking to their conversation."""
    links = db.session.scalars(visible_links(viewer).where(Post.id.in_(post_ids))).unique()
    return {
        link.post_id: Result(
            id=link.id,
            title=link.display_title,
            text=" ".join((link.display_summary, plain_words(link.post.body_source))).strip(),
            endpoint="posts.thread",  # a link's page is its post's thread (/links/<id> redirects there)
            values={"post_id": link.post_id},
            created_at=link.created_at,
            author=link.post.author,
            community=link.post.community,
            context=f"from {link.display_source}" if link.display_source else "",
        )
        for link in links
    }


register_type(
    SearchType(
        name="link",
        tab="links",
        tab_label="Curated links",
        label="Curated link",
        documents=link_documents,
        all_ids=indexable_link_ids,
        changed_ids=links_in_events,
        load=visible_link_results,
        post_kinds=("link",),
        order=40,
    )
)
