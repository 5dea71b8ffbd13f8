"""Curated links in the governance registry: click-throughs have a retention period (removed, or
anonymised so the counts stay), links, saves and clicks are in subject access downloads, and the
links shared in a community are in its disclosure exports."""

from sqlalchemy import delete, select, update

from app.extensions import db
from app.governance.purge import placeholder
from app.governance.registry import (
    DisclosureKind,
    PersonalData,
    RetentionKind,
    iso,
    register_disclosure,
    register_personal_data,
    register_retention,
)
from app.models import CuratedLink, CuratorGrant, LinkClick, LinkSave, Post, User


def _anonymise_clicks(ids: list[int]) -> int:
    who = placeholder("anonymised")
    db.session.execute(
        update(LinkClick)
        .where(LinkClick.id.in_(ids))
        .values(user_id=who.id)
        .execution_options(synchronize_session=False)
    )
    return len(ids)


register_retention(
    RetentionKind(
        key="link_clicks",
        label="Link click-throughs",
        description="Who opened a curated link, and when. Anonymised clicks still count as clicks, but no longer "
        "as people reached.",
        model=LinkClick,
        timestamp=LinkClick.created_at,
        people=(LinkClick.user_id,),
        community=select(Post.community_id)
        .join(CuratedLink, CuratedLink.post_id == Post.id)
        .where(CuratedLink.id == LinkClick.link_id)
        .scalar_subquery(),
        anonymise=_anonymise_clicks,
        anonymised=lambda: LinkClick.user_id.in_(select(User.id).where(User.erased_at.is_not(None))),
    )
)


def _links(user: User) -> list[dict]:
    curated = db.session.scalars(
        select(CuratedLink).where(CuratedLink.curator_id == user.id).order_by(CuratedLink.id)
    )
    saves = db.session.scalars(select(LinkSave).where(LinkSave.user_id == user.id).order_by(LinkSave.id))
    clicks = db.session.execute(
        select(LinkClick.link_id, LinkClick.created_at)
        .where(LinkClick.user_id == user.id)
        .order_by(LinkClick.id)
    ).all()
    grants = db.session.scalars(
        select(CuratorGrant).where(CuratorGrant.user_id == user.id).order_by(CuratorGrant.id)
    )
    return (
        [
            {"shared": link.url, "title": link.title, "post_id": link.post_id, "at": iso(link.created_at)}
            for link in curated
        ]
        + [{"saved": save.link.url, "at": iso(save.created_at)} for save in saves]
        + [{"opened_link_id": link_id, "at": iso(at)} for link_id, at in clicks]
        + [{"curator_since": iso(g.created_at), "until": iso(g.revoked_at)} for g in grants]
    )


def _erase(user: User, credited_to: User) -> int:
    """Links they shared stay (credited to the placeholder, like their posts); saves, clicks and
    curator grants go."""
    changed = db.session.execute(
        update(CuratedLink).where(CuratedLink.curator_id == user.id).values(curator_id=credited_to.id)
    ).rowcount
    changed += db.session.execute(delete(LinkSave).where(LinkSave.user_id == user.id)).rowcount
    changed += db.session.execute(delete(LinkClick).where(LinkClick.user_id == user.id)).rowcount
    changed += db.session.execute(delete(CuratorGrant).where(CuratorGrant.user_id == user.id)).rowcount
    return changed or 0


register_personal_data(
    PersonalData(
        "links",
        "Curated links",
        "Links you shared, saved and opened, and when you were a curator.",
        _links,
        erase=_erase,
    )
)


def _disclosed(community, start, end) -> list[dict]:
    rows = db.session.scalars(
        select(CuratedLink)
        .join(Post, Post.id == CuratedLink.post_id)
        .where(
            Post.community_id == community.id, CuratedLink.created_at >= start, CuratedLink.created_at < end
        )
        .order_by(CuratedLink.id)
    )
    return [
        {
            "post_id": link.post_id,
            "url": link.url,
            "title": link.display_title,
            "source": link.display_source,
            "summary": link.display_summary,
            "curator": link.curator.name,
            "shared_at": iso(link.created_at),
        }
        for link in rows
    ]


register_disclosure(
    DisclosureKind(
        "links",
        "Curated links",
        ("post_id", "url", "title", "source", "summary", "curator", "shared_at"),
        _disclosed,
    )
)
