"""Rendering post and reply bodies: validation, mentions resolved to people, topics stored."""

import re

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import PostTopic, Topic, User
from app.sanitize import HANDLE_RE, Rendered, render

MAX_BODY = 5000
_MENTION_CANDIDATES = re.compile(r"(?<![\w/&])@(" + HANDLE_RE.pattern + ")", re.IGNORECASE)


def check_body(body: str, field: str = "body") -> dict[str, str]:
    """A field error for an empty or overlong body, or nothing."""
    if not (body or "").strip():
        return {field: "Write something before posting."}
    if len(body) > MAX_BODY:
        return {field: f"Keep it under {MAX_BODY:,} characters (this is {len(body):,})."}
    return {}


def render_body(body: str) -> tuple[Rendered, dict[str, User]]:
    """Render with @handles of active people linked; returns the result and the mentioned people."""
    candidates = {m.lower() for m in _MENTION_CANDIDATES.findall(body or "")}
    people = {}
    if candidates:
        people = {
            u.handle: u
            for u in db.session.scalars(
                select(User).where(User.handle.in_(candidates), User.deactivated_at.is_(None))
            )
        }
    rendered = render(
        body,
        mention_url=lambda h: f"/people/{people[h].id}" if h in people else None,
        topic_url=lambda t: f"/topics/{t}",
    )
    return rendered, {h: people[h] for h in rendered.mentions}


def topic_ids(names: list[str]) -> list[int]:
    """Ids for these topic names, creating the missing ones (safe against a concurrent insert)."""
    if not names:
        return []
    existing = dict(db.session.execute(select(Topic.name, Topic.id).where(Topic.name.in_(names))).all())
    for name in names:
        if name in existing:
            continue
        try:
            with db.session.begin_nested():
                topic = Topic(name=name)
                db.session.add(topic)
            existing[name] = topic.id
        except IntegrityError:
            existing[name] = db.session.scalar(select(Topic.id).where(Topic.name == name))
    return [existing[n] for n in names]


def set_post_topics(post_id: int, names: list[str]) -> None:
    """Replace the post's topics with these names."""
    db.session.execute(delete(PostTopic).where(PostTopic.post_id == post_id))
    db.session.add_all(PostTopic(post_id=post_id, topic_id=tid) for tid in topic_ids(names))
    db.session.flush()
