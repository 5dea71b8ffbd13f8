"""Replies in a post's thread: list (oldest first), write, edit, delete."""

from flask import request, url_for
from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import ID, id_list, json_object, optional_bool, text_field
from app.api.schemas import PAGE_QUERY, documented, list_of, ref
from app.attachments.services import Draft
from app.extensions import db
from app.feeds.queries import parse_cursor, parse_limit
from app.permissions import access
from app.posts import replies, services


@bp.route(f"/posts/<{ID}:post_id>/replies", methods=["GET"])
@access("signed_in")
@documented(
    response=list_of("Reply"),
    query={**PAGE_QUERY, "cursor": {"type": "integer", "description": "next_cursor: replies after this id"}},
)
def list_replies(post_id: int):
    """A thread's replies, oldest first; removed ones stay as tombstones."""
    post = services.get_post(current_user, post_id)
    cursor, limit = parse_cursor(request.args.get("cursor")), parse_limit(request.args.get("limit"))
    # The same list the thread page shows, so the API can't disagree about which replies appear.
    rows = [r for r in replies.thread_replies(current_user, post) if cursor is None or r.id > cursor]
    page = rows[:limit]
    next_cursor = page[-1].id if len(rows) > limit else None
    return {"items": [serializers.reply(r) for r in page], "next_cursor": next_cursor}


@bp.route(f"/posts/<{ID}:post_id>/replies", methods=["POST"])
@access("signed_in")
@documented(request=ref("ReplyCreate"), response=ref("Reply"), status=201)
def create_reply(post_id: int):
    """Reply in a post's thread (sensitive text and attachments: as for posts)."""
    post = services.get_post(current_user, post_id)
    data = json_object()
    reply = replies.create_reply(
        current_user,
        post,
        text_field(data, "body"),
        files=[Draft(staged_id=i) for i in id_list(data, "attachment_ids")],
        confirm_sensitive=optional_bool(data, "confirm_sensitive"),
    )
    db.session.commit()
    return serializers.reply(reply), 201, {"Location": url_for("api.list_replies", post_id=post.id)}


@bp.route(f"/replies/<{ID}:reply_id>", methods=["PATCH"])
@access("signed_in")
@documented(request=ref("BodyEdit"), response=ref("Reply"))
def edit_reply(reply_id: int):
    """The author edits a reply; the earlier text is kept as a revision."""
    reply = replies.get_reply(current_user, reply_id)
    data = json_object()
    replies.edit_reply(
        current_user, reply, text_field(data, "body"), optional_bool(data, "confirm_sensitive")
    )
    db.session.commit()
    return serializers.reply(reply)


@bp.route(f"/replies/<{ID}:reply_id>", methods=["DELETE"])
@access("signed_in")
@documented(status=204)
def delete_reply(reply_id: int):
    """Remove a reply (its author, the community's admins and moderators)."""
    reply = replies.get_reply(current_user, reply_id)
    replies.delete_reply(current_user, reply)
    db.session.commit()
    return "", 204
