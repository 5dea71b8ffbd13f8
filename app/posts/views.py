"""Helpers the post and feed views share: fragments, safe redirects, the composer's communities."""

from flask import render_template, request
from sqlalchemy import select

from app.extensions import db
from app.feeds.queries import decorate
from app.models import Community, Membership, Post, Reply, User


def fetch_wants_fragment() -> bool:
    """True when static/js asked for an HTML fragment instead of a full page."""
    return request.headers.get("X-Requested-With") == "fetch"


def safe_back(default: str) -> str:
    """The local page the form came from (`next` field), else the default."""
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def render_card(post: Post) -> str:
    """One post card, with its reactions, as HTML."""
    from flask_login import current_user

    page = decorate(current_user, [post])
    return render_template("posts/_card.html", post=post, page=page)


def render_reply(reply: Reply) -> str:
    """One reply as HTML."""
    return render_template("posts/_reply.html", reply=reply, post=reply.post)


def writable_communities(user: User) -> list[Community]:
    """Communities the person belongs to and may post in, All staff first."""
    return list(
        db.session.scalars(
            select(Community)
            .join(Membership, Membership.community_id == Community.id)
            .where(Membership.user_id == user.id, Community.archived_at.is_(None))
            .order_by(Community.is_all_staff.desc(), Community.name)
        )
    )
