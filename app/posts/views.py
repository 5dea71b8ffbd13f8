"""Helpers the post and feed views share: fragments, safe redirects, the composer's communities."""

from flask import render_template, request
from sqlalchemy import select

from app.attachments import services as attachments
from app.attachments.forms import drafts_from_form
from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import decorate
from app.models import Attachment, Community, Membership, Post, Reply, User
from app.posts.screening import NeedsConfirmation
from app.security import local_path


def fetch_wants_fragment() -> bool:
    """True when static/js asked for an HTML fragment instead of a full page."""
    return request.headers.get("X-Requested-With") == "fetch"


def safe_back(default: str) -> str:
    """The local page the form came from (`next` field), else the default."""
    return local_path(request.form.get("next")) or default


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


def confirmed_sensitive() -> bool:
    """The author ticked "I've checked it" under a sensitive-content warning."""
    return request.form.get("confirm_sensitive") == "1"


def form_drafts() -> list[attachments.Draft]:
    """The attachments the form sends: kept uploads and newly chosen files."""
    return drafts_from_form(request.form, request.files)


def split_refusal(exc: ValidationError) -> tuple[dict[str, str], list]:
    """A refused form's field errors, or the sensitive-content findings shown beside the text instead."""
    if isinstance(exc, NeedsConfirmation):
        return {}, exc.findings
    return exc.fields, []


def keep_uploads(user: User, drafts: list[attachments.Draft]) -> list[Attachment]:
    """After a refusal: start again and keep the acceptable uploads for the form shown again, so the
    person doesn't choose their files twice (committed; unattached ones go after a day)."""
    db.session.rollback()
    if not drafts:
        return []
    staged, _ = attachments.stage(user, drafts)
    db.session.commit()
    return staged


def refused_json(exc: ValidationError, html: str) -> tuple[dict, int]:
    """The 422 answer to static/js: the error, and the form drawn again for it to put in place."""
    body = {"code": exc.code, "message": exc.message, "fields": exc.fields, **exc.details}
    return {"error": body, "html": html}, 422
