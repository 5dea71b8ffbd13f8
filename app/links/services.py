"""Sharing curated links, spotting re-shares, saving for later and counting click-throughs.

Easy to call from app/demo.py: `share_link(curator, LinkDraft(url=..., why=..., topics=[...]))`.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from uuid import uuid4

from sqlalchemy import delete, insert, select

from app import events
from app.communities.services import all_staff, insert_once
from app.db import write_intent, writing
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text, strip_control
from app.links.previews import request_preview
from app.links.urls import check_url, normalise
from app.models import Community, CuratedLink, LinkClick, LinkSave, Objective, Post, User
from app.permissions import visible_community_ids
from app.permissions.links import can_curate, can_see_link, visible_links
from app.posts import screening
from app.posts.rendering import render_body, set_post_topics
from app.posts.services import can_write_in, follow_thread, notify_mentions
from app.sanitize import TOPIC_RE

MAX_TITLE, MAX_SOURCE, MAX_SUMMARY, MAX_WHY = 200, 120, 600, 2000
MAX_TOPICS, MAX_AUDIENCE = 5, 10


@dataclass
class LinkDraft:
    """What a curator fills in; community_ids empty means All staff."""

    url: str
    why: str
    title: str = ""
    source: str = ""
    summary: str = ""
    topics: list[str] | str = field(default_factory=list)
    community_ids: list[int] = field(default_factory=list)
    objective_id: int | None = None
    allow_duplicate: bool = False
    # The curator saw the sensitive-content warning and shares it anyway (recorded).
    confirm_sensitive: bool = False


class DuplicateLink(ValidationError):
    """The address was curated before; `earlier` is the newest earlier share the curator can see."""

    def __init__(self, earlier: CuratedLink):
        when = earlier.created_at.strftime("%-d %b %Y")
        super().__init__(
            {"url": f"{earlier.curator.name} already shared this on {when}: “{earlier.display_title}”."},
            "This link was curated before. Look at the earlier share, or share it again anyway.",
        )
        self.earlier = earlier


def parse_topics(raw: list[str] | str) -> list[str]:
    """Topic names from "#ai, public-trust" or a list; a ValidationError for anything that can't be one."""
    items = re.split(r"[\s,]+", raw) if isinstance(raw, str) else list(raw)
    names: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise ValidationError({"topics": "Send topics as text."})
        name = item.strip().lstrip("#").lower()
        if not name:
            continue
        if not TOPIC_RE.fullmatch(name):
            raise ValidationError(
                {"topics": "Topics are single words or-hyphenated-words, like #socialmedia or #public-trust."}
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TOPICS:
        raise ValidationError({"topics": f"Choose at most {MAX_TOPICS} topics."})
    return names


def postable_communities(user: User) -> list[Community]:
    """Communities the person may post a link in: All staff first, then by name."""
    return list(
        db.session.scalars(
            select(Community)
            .where(Community.archived_at.is_(None), Community.id.in_(visible_community_ids(user)))
            .order_by(Community.is_all_staff.desc(), Community.name)
        )
    )


def objective_choices() -> list[Objective]:
    """Objectives a link may serve (not archived), by name."""
    return list(
        db.session.scalars(select(Objective).where(Objective.archived_at.is_(None)).order_by(Objective.name))
    )


def _text(value: str, field_name: str, limit: int, errors: dict, multiline: bool = False) -> str:
    text = clean_text(value, multiline=multiline)
    if len(text) > limit:
        errors[field_name] = f"Keep it under {limit:,} characters (this is {len(text):,})."
    return text


def _audience(curator: User, ids: list[int], errors: dict) -> list[Community]:
    if not ids:
        return [all_staff()]
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_AUDIENCE:
        errors["community_ids"] = f"Choose at most {MAX_AUDIENCE} communities."
        return []
    found = {c.id: c for c in db.session.scalars(select(Community).where(Community.id.in_(ids)))}
    communities = [found.get(i) for i in ids]
    if any(c is None or not can_write_in(curator, c) for c in communities):
        errors["community_ids"] = "Choose communities you can post in."
        return []
    if len(communities) > 1 and any(c.is_all_staff for c in communities):
        errors["community_ids"] = (
            "All staff already reaches everyone: choose it on its own, or only communities."
        )
        return []
    return communities


def _objective(objective_id: int | None, errors: dict) -> Objective | None:
    if objective_id is None:
        return None
    objective = db.session.get(Objective, objective_id)
    if objective is None or objective.archived_at is not None:
        errors["objective_id"] = "Choose an objective from the list."
    return objective


def duplicates(viewer: User, url: str, limit: int = 3) -> list[CuratedLink]:
    """Earlier shares of the same page that the person can see, newest first."""
    return list(
        db.session.scalars(
            visible_links(viewer)
            .where(CuratedLink.url_key == normalise(url))
            .order_by(CuratedLink.id.desc())
            .limit(limit)
        ).unique()
    )


def share_link(curator: User, draft: LinkDraft) -> list[CuratedLink]:
    """Share a link with why it matters, as one kind="link" post per chosen community (All staff by default)."""
    if not can_curate(curator):
        raise PermissionDenied("Only comms officers and the curators they choose can share curated links.")
    errors: dict[str, str] = {}
    try:
        url = check_url(draft.url)
    except ValidationError as exc:
        errors.update(exc.fields)
        url = ""
    why = strip_control(draft.why).strip()
    if not why:
        errors["why"] = "Say why this matters for us: it's what makes a link worth colleagues' time."
    elif len(why) > MAX_WHY:
        errors["why"] = f"Keep it under {MAX_WHY:,} characters (this is {len(why):,})."
    title = _text(draft.title, "title", MAX_TITLE, errors)
    source = _text(draft.source, "source", MAX_SOURCE, errors)
    summary = _text(draft.summary, "summary", MAX_SUMMARY, errors, multiline=True)
    try:
        topics = parse_topics(draft.topics)
    except ValidationError as exc:
        errors.update(exc.fields)
        topics = []
    communities = _audience(curator, draft.community_ids, errors)
    objective = _objective(draft.objective_id, errors)
    if errors:
        raise ValidationError(errors)
    if not draft.allow_duplicate:
        earlier = duplicates(curator, url, limit=1)
        if earlier:
            raise DuplicateLink(earlier[0])
    texts = {"why": why, "title": title, "source": source, "summary": summary}
    findings = screening.check_sensitive(
        curator, {k: v for k, v in texts.items() if v}, draft.confirm_sensitive
    )
    preview = request_preview(url)
    share_id = uuid4().hex
    links = [
        _create(curator, community, url, why, title, source, summary, topics, objective, preview.id, share_id)
        for community in communities
    ]
    for link in links:
        screening.sensitive_confirmed(curator, "post", link.post_id, findings)
    return links


def _with_topics(why: str, topics: list[str]) -> str:
    """The post's text: "why it matters", then any chosen topic it doesn't mention as #hashtags.

    Topics live in the text as for every post, so an edit keeps them and the topic pages find them.
    """
    mentioned = render_body(why)[0].topics
    missing = [name for name in topics if name not in mentioned]
    return why + ("\n\n" + " ".join(f"#{name}" for name in missing) if missing else "")


def _create(curator, community, url, why, title, source, summary, topics, objective, preview_id, share_id):
    body = _with_topics(why, topics)
    rendered, mentioned = render_body(body)
    post = Post(
        author=curator,
        community=community,
        kind="link",
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
        objective_id=objective.id if objective else community.default_objective_id,
    )
    db.session.add(post)
    db.session.flush()
    set_post_topics(post.id, rendered.topics)
    link = CuratedLink(
        post_id=post.id,
        curator_id=curator.id,
        share_id=share_id,
        url=url,
        url_key=normalise(url),
        title=title,
        source=source,
        summary=summary,
        preview_id=preview_id,
    )
    db.session.add(link)
    db.session.flush()
    follow_thread(curator.id, post.id)
    notify_mentions(curator, post, mentioned)
    events.record(
        "post_created",
        actor=curator,
        community_id=community.id,
        post_id=post.id,
        author_id=curator.id,
        topics=rendered.topics,
        kind="link",
    )
    events.record("link_created", actor=curator, community_id=community.id, link_id=link.id, post_id=post.id)
    return link


def get_link(viewer: User, link_id: int) -> CuratedLink:
    """The link if the person may see it; NotFound otherwise (never reveals that it exists)."""
    link = db.session.get(CuratedLink, link_id)
    if link is None or not can_see_link(viewer, link):
        raise NotFound("We couldn't find that link.")
    return link


def set_saved(user: User, link: CuratedLink, saved: bool) -> bool:
    """Save a link for later, or take it off my bookmarks (both idempotent); returns the new state."""
    if not can_see_link(user, link):
        raise NotFound("We couldn't find that link.")
    if saved:
        insert_once(LinkSave, user_id=user.id, link_id=link.id)
    else:
        db.session.execute(delete(LinkSave).where(LinkSave.user_id == user.id, LinkSave.link_id == link.id))
    db.session.flush()
    return saved


def is_saved(user: User, link: CuratedLink) -> bool:
    """Whether the person saved this link."""
    return (
        db.session.scalar(select(LinkSave.id).where(LinkSave.user_id == user.id, LinkSave.link_id == link.id))
        is not None
    )


def click_through(user: User, link: CuratedLink) -> str:
    """Record who opened the link and when (committed at once), and return where to send them."""
    if not can_see_link(user, link):
        raise NotFound("We couldn't find that link.")
    if urlsplit(link.url).scheme.lower() not in ("http", "https"):
        raise NotFound("We couldn't find that link.")
    row = {"link_id": link.id, "user_id": user.id}
    if write_intent.get():
        db.session.execute(insert(LinkClick).values(**row))
    else:
        # A GET's transaction stays read-only (SQLite can't upgrade it safely): write on our own.
        with writing(), db.engine.begin() as conn:
            conn.execute(insert(LinkClick).values(**row))
    return link.url
