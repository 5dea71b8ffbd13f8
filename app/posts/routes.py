"""Thin views for posts: write, thread page, card fragment, edit, delete, pin, react, follow."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import decorate
from app.forms import optional_id
from app.objectives.services import parse_choice
from app.permissions import access
from app.posts import bp, replies, services
from app.posts.markings import markings
from app.posts.views import (
    confirmed_sensitive,
    fetch_wants_fragment,
    form_drafts,
    keep_uploads,
    refused_json,
    render_card,
    safe_back,
    split_refusal,
    writable_communities,
)


@bp.app_context_processor
def _posts_context():
    return {"protective_markings": markings}


@bp.route("/posts", methods=["POST"])
@access("signed_in")
def create():
    """Write a post from the composer; errors (and sensitive-content warnings) re-show the composer
    with the text and the chosen files kept."""
    drafts, community = form_drafts(), None
    try:
        community_id = optional_id(request.form.get("community_id"), "community_id")
        community = services.get_community_by_id(current_user, community_id)
        objective = parse_choice(request.form.get("objective_id"))
        post = services.create_post(
            current_user,
            request.form.get("body", ""),
            community,
            objective,
            marking=request.form.get("marking", ""),
            files=drafts,
            confirm_sensitive=confirmed_sensitive(),
        )
    except ValidationError as exc:
        errors, findings = split_refusal(exc)
        fixed = community if community is not None and request.form.get("fixed_community") == "1" else None
        context = {
            "errors": errors,
            "form": request.form,
            "communities": writable_communities(current_user),
            "staged": keep_uploads(current_user, drafts),
            "sensitive": findings,
            "fixed_community": fixed,
        }
        if fetch_wants_fragment():
            return refused_json(exc, render_template("posts/_composer.html", **context))
        return render_template("posts/compose.html", **context), 422
    db.session.commit()
    if fetch_wants_fragment():
        return render_card(post), 201
    if post.status == "held":
        flash(
            "Your post is held for review. You'll get a notification when a moderator has looked at it.",
            "info",
        )
        return redirect(url_for("posts.thread", post_id=post.id))
    flash("Posted.", "success")
    return redirect(safe_back(url_for("posts.thread", post_id=post.id)))


@bp.route("/posts/new")
@access("signed_in")
def compose():
    """A full-page composer (the feed's composer is the usual way in)."""
    return render_template(
        "posts/compose.html", errors={}, form=request.args, communities=writable_communities(current_user)
    )


@bp.route("/posts/<int:post_id>")
@access("signed_in")
def thread(post_id: int):
    """A post with its whole conversation."""
    post = services.get_post(current_user, post_id)
    page = decorate(current_user, [post])
    thread_replies = replies.thread_replies(current_user, post)
    return render_template(
        "posts/thread.html",
        post=post,
        page=page,
        replies=thread_replies,
        following=replies.is_following(current_user, post),
        errors={},
        form={},
    )


@bp.route("/posts/<int:post_id>/card")
@access("signed_in")
def card(post_id: int):
    """One post card as an HTML fragment (the live updater fetches it)."""
    return render_card(services.get_post(current_user, post_id))


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit(post_id: int):
    """The author edits a post; the old text is kept in the history."""
    post = services.get_post(current_user, post_id)
    if post.author_id != current_user.id or post.status == "deleted" or post.kind == "proposal":
        abort(403)
    errors: dict[str, str] = {}
    findings: list = []
    if request.method == "POST":
        try:
            services.edit_post(current_user, post, request.form.get("body", ""), confirmed_sensitive())
        except ValidationError as exc:
            errors, findings = split_refusal(exc)
        else:
            db.session.commit()
            flash("Post updated.", "success")
            return redirect(url_for("posts.thread", post_id=post.id))
    return render_template(
        "posts/edit.html",
        item=post,
        kind="post",
        errors=errors,
        sensitive=findings,
        form=request.form if request.method == "POST" else {"body": post.body_source},
        cancel=url_for("posts.thread", post_id=post.id),
    ), 422 if errors or findings else 200


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
@access("signed_in")
def delete(post_id: int):
    """Soft-delete a post."""
    post = services.get_post(current_user, post_id)
    services.delete_post(current_user, post)
    db.session.commit()
    if fetch_wants_fragment():
        return render_card(post)
    flash("Post removed.", "success")
    return redirect(safe_back(url_for("main.home")))


@bp.route("/posts/<int:post_id>/pin", methods=["POST"])
@access("signed_in")
def pin(post_id: int):
    """Pin or unpin a post in its community."""
    post = services.get_post(current_user, post_id)
    services.set_pinned(current_user, post, request.form.get("pinned") == "1")
    db.session.commit()
    flash("Pinned to the top of the community." if post.pinned_at else "Unpinned.", "success")
    return redirect(safe_back(url_for("posts.thread", post_id=post.id)))


@bp.route("/posts/<int:post_id>/react", methods=["POST"])
@access("signed_in")
def react(post_id: int):
    """Set, change or (same kind again, or kind empty) remove my reaction."""
    post = services.get_post(current_user, post_id)
    kind = request.form.get("kind") or None
    current = replies.my_reaction(current_user, post)
    replies.react(current_user, post, None if kind == current else kind)
    db.session.commit()
    if fetch_wants_fragment():
        return render_card(post)
    return redirect(safe_back(url_for("posts.thread", post_id=post.id)))


@bp.route("/posts/<int:post_id>/reactions")
@access("signed_in")
def reactions(post_id: int):
    """Who reacted, and how."""
    post = services.get_post(current_user, post_id)
    return render_template("posts/reactions.html", post=post, reactions=replies.reactors(post))


@bp.route("/posts/<int:post_id>/history")
@access("signed_in")
def history(post_id: int):
    """Earlier versions of a post (author and moderators)."""
    post = services.get_post(current_user, post_id)
    return render_template(
        "posts/history.html", item=post, kind="post", revisions=services.revisions(current_user, post)
    )


@bp.route("/posts/<int:post_id>/follow", methods=["POST"])
@access("signed_in")
def follow(post_id: int):
    """Follow or unfollow the thread."""
    post = services.get_post(current_user, post_id)
    following = request.form.get("following") == "1"
    replies.set_thread_follow(current_user, post, following)
    db.session.commit()
    flash(
        "You'll be notified of new replies." if following else "You won't be notified of new replies.",
        "success",
    )
    return redirect(safe_back(url_for("posts.thread", post_id=post.id)))
