"""Thin views for replies: write, card fragment, edit, delete, history."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import decorate
from app.permissions import access
from app.posts import bp, replies, services
from app.posts.views import (
    confirmed_sensitive,
    fetch_wants_fragment,
    form_drafts,
    keep_uploads,
    refused_json,
    render_reply,
    safe_back,
    split_refusal,
)


def _thread_url(reply) -> str:
    return url_for("posts.thread", post_id=reply.post_id, _anchor=f"reply-{reply.id}")


@bp.route("/posts/<int:post_id>/replies", methods=["POST"])
@access("signed_in")
def create_reply(post_id: int):
    """Reply in a thread; errors (and sensitive-content warnings) re-show the reply form with the text
    and the chosen files kept."""
    post = services.get_post(current_user, post_id)
    drafts = form_drafts()
    try:
        reply = replies.create_reply(
            current_user,
            post,
            request.form.get("body", ""),
            files=drafts,
            confirm_sensitive=confirmed_sensitive(),
        )
    except ValidationError as exc:
        errors, findings = split_refusal(exc)
        staged = keep_uploads(current_user, drafts)
        form = {"errors": errors, "form": request.form, "staged": staged, "sensitive": findings}
        if fetch_wants_fragment():
            return refused_json(exc, render_template("posts/_reply_form.html", post=post, **form))
        return render_template(
            "posts/thread.html",
            post=post,
            page=decorate(current_user, [post]),
            replies=replies.thread_replies(current_user, post),
            following=replies.is_following(current_user, post),
            **form,
        ), 422
    db.session.commit()
    if fetch_wants_fragment():
        return render_reply(reply), 201
    if reply.status == "held":
        flash(
            "Your reply is held for review. You'll get a notification when a moderator has looked at it.",
            "info",
        )
    return redirect(safe_back(_thread_url(reply)))  # pages that embed a thread (proposals) come back


@bp.route("/replies/<int:reply_id>/card")
@access("signed_in")
def reply_card(reply_id: int):
    """One reply as an HTML fragment (the live updater fetches it)."""
    return render_reply(replies.get_reply(current_user, reply_id))


@bp.route("/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit_reply(reply_id: int):
    """The author edits a reply."""
    reply = replies.get_reply(current_user, reply_id)
    if reply.author_id != current_user.id or reply.status == "deleted":
        abort(403)
    errors: dict[str, str] = {}
    findings: list = []
    if request.method == "POST":
        try:
            replies.edit_reply(current_user, reply, request.form.get("body", ""), confirmed_sensitive())
        except ValidationError as exc:
            errors, findings = split_refusal(exc)
        else:
            db.session.commit()
            flash("Reply updated.", "success")
            return redirect(_thread_url(reply))
    return render_template(
        "posts/edit.html",
        item=reply,
        kind="reply",
        errors=errors,
        sensitive=findings,
        form=request.form if request.method == "POST" else {"body": reply.body_source},
        cancel=_thread_url(reply),
    ), 422 if errors or findings else 200


@bp.route("/replies/<int:reply_id>/delete", methods=["POST"])
@access("signed_in")
def delete_reply(reply_id: int):
    """Soft-delete a reply."""
    reply = replies.get_reply(current_user, reply_id)
    replies.delete_reply(current_user, reply)
    db.session.commit()
    if fetch_wants_fragment():
        return render_reply(reply)
    flash("Reply removed.", "success")
    return redirect(_thread_url(reply))


@bp.route("/replies/<int:reply_id>/history")
@access("signed_in")
def reply_history(reply_id: int):
    """Earlier versions of a reply (author and moderators)."""
    reply = replies.get_reply(current_user, reply_id)
    return render_template(
        "posts/history.html", item=reply, kind="reply", revisions=replies.reply_revisions(current_user, reply)
    )
