"""Proposals for public channels in search (the "Proposals" tab): the draft, why it's worth saying and
the channel, seen by exactly the readers of the community it was shared in (permissions/proposals.py).

Keyed in the index by the proposal's post id, so the thread post's events (moderation, removal, a
purge, an author anonymised) reach it directly. A withdrawn proposal leaves search; a declined one
stays (the board shows it, with the reason).
"""

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Event, Post, Proposal, User
from app.permissions.proposals import visible_proposal_clause
from app.proposals.services import STAGE_LABELS
from app.search.content import plain_words, post_topics, short_title
from app.search.registry import Doc, Result, SearchType, post_ids_of_kind, register_type

UNSEARCHED_STAGES = ("withdrawn",)


def _indexable(*columns):
    return (
        select(*(columns or [Proposal]))
        .join(Post, Post.id == Proposal.post_id)
        .where(Post.kind == "proposal", Post.status == "visible", Proposal.stage.not_in(UNSEARCHED_STAGES))
    )


def proposal_documents(post_ids: Sequence[int]) -> dict[int, Doc]:
    """Proposals that aren't withdrawn, on visible posts: the draft's opening as the title, the draft,
    why and the channel as text."""
    proposals = list(
        db.session.scalars(
            _indexable().where(Post.id.in_(post_ids)).options(joinedload(Proposal.post))
        ).unique()
    )
    topics = post_topics([p.post_id for p in proposals])
    return {
        p.post_id: Doc(
            id=p.post_id,
            title=short_title(p.draft),
            body=" ".join((plain_words(p.draft), plain_words(p.why), p.channel.name)),
            topics=topics.get(p.post_id, []),
            author_id=p.post.author_id,
            community_id=p.community_id,
            created_at=p.created_at,
        )
        for p in proposals
    }


def indexable_proposal_ids():
    """The post of every proposal that belongs in the index."""
    return _indexable(Proposal.post_id).order_by(Proposal.post_id)


def proposals_in_events(events: Sequence[Event]) -> set[int]:
    """Proposal posts named by post_* events and by proposal_* events (created, edited, moved)."""
    return post_ids_of_kind(events, "proposal", "post_", "proposal_")


def visible_proposal_results(viewer: User, post_ids: Sequence[int]) -> dict[int, Result]:
    """The proposals the viewer may see now, linking to the proposal's page."""
    proposals = db.session.scalars(
        _indexable()
        .where(Post.id.in_(post_ids), visible_proposal_clause(viewer))
        .options(joinedload(Proposal.post))
    ).unique()
    return {
        p.post_id: Result(
            id=p.id,
            title=short_title(p.draft),
            text=" ".join((plain_words(p.draft), plain_words(p.why))),
            endpoint="proposals.show",
            values={"proposal_id": p.id},
            created_at=p.created_at,
            author=p.post.author,
            community=p.community,
            context=f"{STAGE_LABELS.get(p.stage, p.stage)} · for {p.channel.name}",
        )
        for p in proposals
    }


register_type(
    SearchType(
        name="proposal",
        tab="proposals",
        tab_label="Proposals",
        label="Proposal",
        documents=proposal_documents,
        all_ids=indexable_proposal_ids,
        changed_ids=proposals_in_events,
        load=visible_proposal_results,
        post_kinds=("proposal",),
        order=60,
    )
)
