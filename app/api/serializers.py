"""Models as API JSON. Post pages use what feeds.decorate loaded, so no query runs per item."""

from datetime import UTC, datetime

from flask import url_for

from app.feeds.queries import Page
from app.models import (
    ApiToken,
    Attachment,
    Community,
    Event,
    Notification,
    Post,
    Reaction,
    Reply,
    Revision,
    Unit,
    User,
)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def person(user: User | None) -> dict | None:
    """A person as shown beside what they wrote."""
    if user is None:
        return None
    return {"id": user.id, "name": user.name, "handle": user.handle, "former_member": user.is_deactivated}


def unit(row: Unit | None, path: str | None = None) -> dict | None:
    """A unit, with its full path from the top when known."""
    if row is None:
        return None
    return {"id": row.id, "name": row.name, "parent_id": row.parent_id, "path": path or row.name}


def profile(user: User) -> dict:
    """A person in the directory."""
    return {
        **person(user),
        "job_title": user.job_title,
        "unit": unit(user.unit),
        "staff_type": user.staff_type,
        "role": user.role,
        "bio": user.bio,
    }


def me(user: User, token: ApiToken | None) -> dict:
    """The signed-in person, with their email and the token in use."""
    return {
        **profile(user),
        "email": user.email,
        "token": {"name": token.name, "prefix": token.prefix, "scope": token.scope} if token else None,
    }


def community_ref(community: Community) -> dict:
    """A community named on a post."""
    return {"id": community.id, "name": community.name, "slug": community.slug}


def community(row: Community, members: int, my_status: str | None) -> dict:
    """A community with its active member count and my role (or open request or invitation)."""
    return {
        **community_ref(row),
        "description": row.description,
        "visibility": row.visibility,
        "is_all_staff": row.is_all_staff,
        "archived": row.is_archived,
        "member_count": members,
        "my_status": my_status,
    }


def _body(item: Post | Reply) -> dict:
    """Source and HTML, except for removed items (a tombstone keeps neither)."""
    if item.status == "deleted":
        return {"body": None, "html": None}
    return {"body": item.body_source, "html": item.body_html}


def post(item: Post, page: Page) -> dict:
    """A post, with counts and my reaction from the page it was loaded in."""
    return {
        "id": item.id,
        "author": person(item.author),
        "community": community_ref(item.community),
        **_body(item),
        "status": item.status,
        "created_at": iso(item.created_at),
        "edited_at": iso(item.edited_at),
        "reply_count": item.reply_count,
        "reactions": page.reactions.get(item.id, {}),
        "my_reaction": page.my_reactions.get(item.id),
        "pinned": item.pinned_at is not None,
        "can_moderate": page.can_moderate(item),
        "marking": item.marking,
        "attachments": []
        if item.status == "deleted"
        else [attachment(a) for a in page.extra("attachments", item) or []],
    }


def posts(page: Page) -> dict:
    """A page of posts as a list answer."""
    return {"items": [post(p, page) for p in page.items], "next_cursor": page.next_cursor}


def reply(item: Reply) -> dict:
    """A reply in a thread."""
    return {
        "id": item.id,
        "post_id": item.post_id,
        "author": person(item.author),
        **_body(item),
        "status": item.status,
        "created_at": iso(item.created_at),
        "edited_at": iso(item.edited_at),
        "attachments": [] if item.status == "deleted" else [attachment(a) for a in item.attachments],
    }


def attachment(item: Attachment) -> dict:
    """An image or document on a post or reply (or uploaded, waiting to be attached)."""
    return {
        "id": item.id,
        "kind": item.kind,
        "file_name": item.file_name,
        "content_type": item.content_type,
        "size": item.size,
        "width": item.width,
        "height": item.height,
        "alt_text": item.alt_text,
        "url": url_for("attachments.download", attachment_id=item.id, _external=True),
        "thumbnail_url": url_for("attachments.thumbnail", attachment_id=item.id, _external=True)
        if item.has_thumbnail
        else None,
        "attached": item.post_id is not None or item.reply_id is not None,
    }


def revision(item: Revision) -> dict:
    """An earlier text of a post or reply."""
    return {
        "id": item.id,
        "body": item.body_source,
        "edited_by": person(item.edited_by),
        "created_at": iso(item.created_at),
    }


def reaction(item: Reaction) -> dict:
    """Who reacted, and how."""
    return {"user": person(item.user), "kind": item.kind, "created_at": iso(item.created_at)}


def notification(item: Notification) -> dict:
    """One of my notifications."""
    return {
        "id": item.id,
        "kind": item.kind,
        "actor": person(item.actor),
        "community_id": item.community_id,
        "data": item.data or {},
        "created_at": iso(item.created_at),
        "read_at": iso(item.read_at),
    }


def link(card, page: Page) -> dict:
    """A curated link (an app.links.cards.LinkCard), with its post's reactions from the page."""
    item, post_row = card.link, card.link.post
    preview = item.preview
    return {
        "id": item.id,
        "post_id": post_row.id,
        "share_id": item.share_id,
        "url": item.url,
        "go_url": url_for("links.go", link_id=item.id, _external=True),
        "title": item.display_title,
        "source": item.display_source,
        "summary": item.display_summary,
        "why": post_row.body_source,
        "why_html": post_row.body_html,
        "topics": card.topics,
        "community": community_ref(post_row.community),
        "curator": person(item.curator),
        "objective_id": post_row.objective_id,
        "created_at": iso(item.created_at),
        "status": post_row.status,
        "saved": card.saved,
        "preview": {
            "status": preview.status if preview else None,
            "image_url": url_for("links.image", link_id=item.id, _external=True) if item.has_image else None,
        },
        "reactions": page.reactions.get(post_row.id, {}),
        "my_reaction": page.my_reactions.get(post_row.id),
        "reply_count": post_row.reply_count,
    }


def event(item: Event) -> dict:
    """An entry of the event log; seq is what a client sends back as ?after=."""
    return {
        "seq": item.id,
        "name": item.name,
        "created_at": iso(item.created_at),
        "community_id": item.community_id,
        "data": item.data or {},
    }
