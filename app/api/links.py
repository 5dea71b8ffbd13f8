"""Curated links: share, list, read, save for later, and click stats (react and reply through /posts)."""

from flask import request, url_for
from flask_login import current_user
from sqlalchemy import Select, select

from app.api import bp, serializers
from app.api.inputs import ID, json_object, keyset, optional_bool, optional_id, text_field
from app.api.schemas import PAGE_QUERY, documented, list_of, ref
from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import decorate
from app.forms import MAX_ID, parse_id
from app.links import services, stats
from app.links.cards import EXTRA
from app.links.queries import saved_links
from app.models import CuratedLink, LinkSave, PostTopic, Topic
from app.permissions import access
from app.permissions.links import visible_links

LIST_QUERY = {
    **PAGE_QUERY,
    "topic": {"type": "string", "description": "only links with this topic"},
    "curator_id": {"type": "integer", "description": "only links this person shared"},
    "share_id": {"type": "string", "description": "only the links of one share (one per community)"},
}


def links_json(links: list[CuratedLink]) -> list[dict]:
    """Links as JSON with reactions, saves and topics: a fixed number of queries for any count."""
    page = decorate(current_user, [link.post for link in links])
    return [serializers.link(page.extra(EXTRA, link.post), page) for link in links]


def _list_field(data: dict, name: str) -> list:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError({name: "Send a JSON array."})
    return value


def _ids(data: dict, name: str) -> list[int]:
    values = _list_field(data, name)
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v <= MAX_ID for v in values):
        raise ValidationError({name: "Send ids as positive whole numbers."})
    return values


@bp.route("/links", methods=["POST"])
@access("signed_in")
@documented(request=ref("LinkCreate"), response=ref("Link"), status=201)
def create_link():
    """Share a link with why it matters (comms officers and curators); answers the first community's link.

    Several community_ids make one link (and post) per community, sharing a share_id: list them with
    GET /links?share_id=. An address curated before is refused unless allow_duplicate is true.
    """
    data = json_object()
    allow = data.get("allow_duplicate", False)
    if not isinstance(allow, bool):
        raise ValidationError({"allow_duplicate": "Send true or false."})
    draft = services.LinkDraft(
        url=text_field(data, "url"),
        why=text_field(data, "why"),
        title=text_field(data, "title"),
        source=text_field(data, "source"),
        summary=text_field(data, "summary"),
        topics=_list_field(data, "topics"),
        community_ids=_ids(data, "community_ids"),
        objective_id=optional_id(data, "objective_id"),
        allow_duplicate=allow,
        confirm_sensitive=optional_bool(data, "confirm_sensitive"),
    )
    try:
        links = services.share_link(current_user, draft)
    except services.DuplicateLink as exc:
        raise ValidationError(
            {
                **exc.fields,
                "allow_duplicate": f"Send true to share it again (the earlier link is {exc.earlier.id}).",
            },
            exc.message,
        ) from exc
    db.session.commit()
    return links_json(links[:1])[0], 201, {"Location": url_for("api.get_link", link_id=links[0].id)}


def _filtered() -> Select:
    stmt = visible_links(current_user)
    topic = (request.args.get("topic") or "").strip().lstrip("#").lower()
    if topic:
        stmt = stmt.where(
            CuratedLink.post_id.in_(
                select(PostTopic.post_id)
                .join(Topic, Topic.id == PostTopic.topic_id)
                .where(Topic.name == topic[:50])
            )
        )
    if request.args.get("curator_id") is not None:
        curator_id = parse_id(request.args.get("curator_id"))
        if curator_id is None:
            raise ValidationError({"curator_id": "Use a person's id."})
        stmt = stmt.where(CuratedLink.curator_id == curator_id)
    if request.args.get("share_id"):
        stmt = stmt.where(CuratedLink.share_id == request.args["share_id"][:32])
    return stmt


@bp.route("/links")
@access("signed_in")
@documented(response=list_of("Link"), query=LIST_QUERY)
def list_links():
    """Curated links I may see, newest first."""
    rows, next_cursor = keyset(_filtered(), CuratedLink.id)
    return {"items": links_json(rows), "next_cursor": next_cursor}


@bp.route("/links/saved")
@access("signed_in")
@documented(response=list_of("Link"), query=PAGE_QUERY)
def saved_link_list():
    """The links I saved for later, most recently saved first (the cursor is a save's position)."""
    saves, next_cursor = keyset(saved_links(current_user), LinkSave.id)
    return {"items": links_json([s.link for s in saves]), "next_cursor": next_cursor}


@bp.route(f"/links/<{ID}:link_id>")
@access("signed_in")
@documented(response=ref("Link"))
def get_link(link_id: int):
    """One curated link I may see."""
    return links_json([services.get_link(current_user, link_id)])[0]


@bp.route(f"/links/<{ID}:link_id>/save", methods=["PUT"])
@access("signed_in")
@documented(response=ref("Saved"))
def save_link(link_id: int):
    """Save a link for later (idempotent)."""
    link = services.get_link(current_user, link_id)
    services.set_saved(current_user, link, True)
    db.session.commit()
    return {"saved": True}


@bp.route(f"/links/<{ID}:link_id>/save", methods=["DELETE"])
@access("signed_in")
@documented(status=204)
def unsave_link(link_id: int):
    """Take a link off my saved links (idempotent)."""
    link = services.get_link(current_user, link_id)
    services.set_saved(current_user, link, False)
    db.session.commit()
    return "", 204


@bp.route(f"/links/<{ID}:link_id>/stats")
@access("signed_in")
@documented(response=ref("LinkStats"))
def link_stats(link_id: int):
    """Click-throughs (and distinct people), saves, reactions and replies (comms officers, the curator)."""
    numbers = stats.one_link_stats(current_user, services.get_link(current_user, link_id))
    return {
        "link_id": numbers.link.id,
        "clicks": numbers.clicks,
        "distinct_clickers": numbers.clickers,
        "saves": numbers.saves,
        "reactions": numbers.reactions,
        "replies": numbers.replies,
    }
