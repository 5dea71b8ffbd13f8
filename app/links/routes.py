"""Thin views for curated links: the Curated page, sharing, previews, click-throughs, images, bookmarks."""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from app.errors import PermissionDenied, ValidationError
from app.extensions import db, limiter
from app.feeds.queries import paginate, parse_cursor
from app.forms import optional_id
from app.links import bp, previews, queries, services
from app.links import cards as _cards  # noqa: F401 - registers the feed cards' loader
from app.links.urls import check_url
from app.permissions import access
from app.permissions.links import can_curate
from app.posts.views import fetch_wants_fragment, render_card, safe_back, split_refusal
from app.sanitize import TOPIC_RE


def _topic() -> str | None:
    name = (request.args.get("topic") or "").strip().lstrip("#").lower()
    return name if TOPIC_RE.fullmatch(name) else None


@bp.context_processor
def _curation_context() -> dict:
    """Whether the person may share links, for the Curated area's navigation (one query per page)."""
    return {"can_curate": can_curate(current_user)}


def _require_curator() -> None:
    if not can_curate(current_user):
        raise PermissionDenied("Only comms officers and the curators they choose can share curated links.")


@bp.route("/curated")
@access("signed_in")
def curated():
    """Today's and this week's picks, by topic."""
    topic = _topic()
    picks = queries.curated_picks(current_user, topic)
    return render_template("links/curated.html", picks=picks, page=picks.page, topic=topic)


@bp.route("/curated/all")
@access("signed_in")
def all_picks():
    """Every pick I can see, newest first, a page at a time."""
    topic = _topic()
    cursor = parse_cursor(request.args.get("cursor"))
    page = paginate(current_user, queries.link_posts(current_user, topic), cursor)
    return render_template("links/all.html", page=page, cursor=cursor, topic=topic)


@bp.route("/bookmarks")
@access("signed_in")
def bookmarks():
    """The links I saved for later."""
    cursor = parse_cursor(request.args.get("cursor"))
    page = queries.bookmarks_page(current_user, cursor)
    return render_template("links/bookmarks.html", page=page, cursor=cursor)


def _draft(form) -> services.LinkDraft:
    errors: dict[str, str] = {}
    community_ids: list[int] = []
    if form.get("audience") == "communities":
        try:
            community_ids = [optional_id(raw, "community_ids") for raw in form.getlist("community_ids")]
        except ValidationError as exc:
            errors.update(exc.fields)
        if not community_ids and not errors:
            errors["community_ids"] = "Choose at least one community, or All staff."
    try:
        objective_id = optional_id(form.get("objective_id"), "objective_id")
    except ValidationError as exc:
        errors.update(exc.fields)
        objective_id = None
    if errors:
        raise ValidationError(errors)
    return services.LinkDraft(
        url=form.get("url", ""),
        why=form.get("why", ""),
        title=form.get("title", ""),
        source=form.get("source", ""),
        summary=form.get("summary", ""),
        topics=form.get("topics", ""),
        community_ids=[i for i in community_ids if i is not None],
        objective_id=objective_id,
        allow_duplicate=form.get("allow_duplicate") == "1",
        confirm_sensitive=form.get("confirm_sensitive") == "1",
    )


@bp.route("/links/new", methods=["GET", "POST"])
@access("signed_in")
def new():
    """Share a link with why it matters; pasting the address asks for a preview in the background."""
    _require_curator()
    errors: dict[str, str] = {}
    findings: list = []
    earlier = None
    if request.method == "POST":
        try:
            links = services.share_link(current_user, _draft(request.form))
        except services.DuplicateLink as exc:
            errors, earlier = exc.fields, exc.earlier
        except ValidationError as exc:
            errors, findings = split_refusal(exc)
        else:
            db.session.commit()
            places = ", ".join(link.post.community.name for link in links)
            flash(f"Shared in {places}.", "success")
            return redirect(url_for("posts.thread", post_id=links[0].post_id))
        db.session.rollback()
    return render_template(
        "links/new.html",
        errors=errors,
        form=request.form if request.method == "POST" else request.args,
        earlier=earlier,
        sensitive=findings,
        communities=services.postable_communities(current_user),
        objectives=[(o.id, o.name) for o in services.objective_choices()],
    ), 422 if errors or findings else 200


def _preview_json(row) -> dict:
    return {
        "status": row.status,
        "title": row.title if row.status == "ready" else "",
        "description": row.description if row.status == "ready" else "",
        "site_name": row.site_name if row.status == "ready" else "",
        "error": row.error if row.status == "failed" else "",
    }


def _earlier_json(link) -> dict:
    return {
        "url": url_for("links.show", link_id=link.id),
        "title": link.display_title,
        "curator": link.curator.name,
        "community": link.post.community.name,
        "shared_on": link.created_at.strftime("%-d %b %Y"),
    }


@bp.route("/links/preview", methods=["GET", "POST"])
@access("signed_in")
@limiter.limit("30 per minute", methods=["POST"])
def preview():
    """JSON for the share form: POST queues a preview of ?url=, GET reports how it is going.

    Looked up by address, not id, so a curator learns nothing about addresses they don't know.
    """
    _require_curator()
    source = request.form if request.method == "POST" else request.args
    try:
        url = check_url(source.get("url"))
    except ValidationError as exc:
        return {"error": {"code": "validation_failed", "message": exc.message, "fields": exc.fields}}, 422
    if request.method == "POST":
        row = previews.request_preview(url)
        db.session.commit()
    else:
        row = previews.find_preview(url)
    return {
        "preview": _preview_json(row) if row else None,
        "earlier": [_earlier_json(link) for link in services.duplicates(current_user, url)],
    }


@bp.route("/links/<int:link_id>")
@access("signed_in")
def show(link_id: int):
    """A link's conversation (its post's thread page)."""
    link = services.get_link(current_user, link_id)
    return redirect(url_for("posts.thread", post_id=link.post_id))


@bp.route("/links/<int:link_id>/go")
@access("signed_in")
def go(link_id: int):
    """Count the click-through (who and when), then open the original address."""
    link = services.get_link(current_user, link_id)
    target = services.click_through(current_user, link)
    db.session.commit()
    response = redirect(target, code=302)
    response.headers["Cache-Control"] = "no-store"  # every click comes back here to be counted
    return response


@bp.route("/links/<int:link_id>/image")
@access("signed_in")
def image(link_id: int):
    """The preview image Rollcall downloaded for the link (never hot-linked), for its readers only."""
    link = services.get_link(current_user, link_id)
    path = previews.image_file(link.preview) if link.preview else None
    if path is None:
        abort(404)
    response = send_file(path, mimetype=link.preview.image_type, max_age=86400, conditional=True)
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["Content-Disposition"] = "inline"
    return response


@bp.route("/links/<int:link_id>/save", methods=["POST"])
@access("signed_in")
def save(link_id: int):
    """Save a link for later, or (saved=0) take it off my bookmarks."""
    link = services.get_link(current_user, link_id)
    saved = services.set_saved(current_user, link, request.form.get("saved") != "0")
    db.session.commit()
    if fetch_wants_fragment():
        return render_card(link.post)
    flash(
        "Saved for later: it's on your Saved links page." if saved else "Removed from your saved links.",
        "success",
    )
    return redirect(safe_back(url_for("links.bookmarks")))
