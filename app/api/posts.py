"""Posts and reactions: write, read, edit, delete, history, pin, react, who reacted."""

from flask import url_for
from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import (
    ID,
    bool_field,
    choice_field,
    id_list,
    json_object,
    optional_bool,
    optional_id,
    text_field,
)
from app.api.schemas import documented, list_of, ref
from app.attachments.services import Draft
from app.extensions import db
from app.feeds.queries import decorate
from app.models import REACTION_KINDS, Post
from app.objectives.services import DEFAULT
from app.permissions import access
from app.posts import replies, services


def post_json(post: Post) -> dict:
    """One post as JSON, with its reactions (feeds.queries.decorate)."""
    return serializers.post(post, decorate(current_user, [post]))


@bp.route("/posts", methods=["POST"])
@access("signed_in")
@documented(request=ref("PostCreate"), response=ref("Post"), status=201)
def create_post():
    """Write a post; without community_id it goes to All staff.

    Text that may be sensitive (a phone number, a crime reference ...) is refused with 422 and the code
    sensitive_content, listing each match in error.matches: edit it, or send it again with
    confirm_sensitive true. Attach files uploaded with POST /attachments by their ids.
    """
    data = json_object()
    body = text_field(data, "body")
    community = services.get_community_by_id(current_user, optional_id(data, "community_id"))
    # absent: the community's default objective; null: none; an id: that objective
    objective = optional_id(data, "objective_id") if "objective_id" in data else DEFAULT
    post = services.create_post(
        current_user,
        body,
        community,
        objective,
        marking=text_field(data, "marking"),
        files=[Draft(staged_id=i) for i in id_list(data, "attachment_ids")],
        confirm_sensitive=optional_bool(data, "confirm_sensitive"),
    )
    db.session.commit()
    return post_json(post), 201, {"Location": url_for("api.get_post", post_id=post.id)}


@bp.route(f"/posts/<{ID}:post_id>", methods=["GET"])
@access("signed_in")
@documented(response=ref("Post"))
def get_post(post_id: int):
    """A post I may see (a deleted one has status "deleted" and no body)."""
    return post_json(services.get_post(current_user, post_id))


@bp.route(f"/posts/<{ID}:post_id>", methods=["PATCH"])
@access("signed_in")
@documented(request=ref("BodyEdit"), response=ref("Post"))
def edit_post(post_id: int):
    """The author edits a post; the earlier text is kept as a revision (sensitive text: as for a new post)."""
    post = services.get_post(current_user, post_id)
    data = json_object()
    services.edit_post(current_user, post, text_field(data, "body"), optional_bool(data, "confirm_sensitive"))
    db.session.commit()
    return post_json(post)


@bp.route(f"/posts/<{ID}:post_id>", methods=["DELETE"])
@access("signed_in")
@documented(status=204)
def delete_post(post_id: int):
    """Remove a post (its author, the community's admins and moderators)."""
    post = services.get_post(current_user, post_id)
    services.delete_post(current_user, post)
    db.session.commit()
    return "", 204


@bp.route(f"/posts/<{ID}:post_id>/revisions")
@access("signed_in")
@documented(response=list_of("Revision"))
def post_revisions(post_id: int):
    """Earlier texts of a post, newest first (its author and moderators)."""
    post = services.get_post(current_user, post_id)
    rows = services.revisions(current_user, post)
    return {"items": [serializers.revision(r) for r in rows], "next_cursor": None}


@bp.route(f"/posts/<{ID}:post_id>/pin", methods=["POST"])
@access("signed_in")
@documented(request=ref("Pin"), response=ref("Post"))
def pin_post(post_id: int):
    """Pin a post to the top of its community, or unpin it (community admins and moderators)."""
    post = services.get_post(current_user, post_id)
    pinned = bool_field(json_object(), "pinned")
    services.set_pinned(current_user, post, pinned)
    db.session.commit()
    return post_json(post)


@bp.route(f"/posts/<{ID}:post_id>/reaction", methods=["PUT"])
@access("signed_in")
@documented(request=ref("ReactionSet"), response=ref("Reactions"))
def set_reaction(post_id: int):
    """Set or change my one reaction to a post."""
    post = services.get_post(current_user, post_id)
    kind = choice_field(json_object(), "kind", REACTION_KINDS)
    counts = replies.react(current_user, post, kind)
    db.session.commit()
    return {"my_reaction": kind, "reactions": counts}


@bp.route(f"/posts/<{ID}:post_id>/reaction", methods=["DELETE"])
@access("signed_in")
@documented(status=204)
def remove_reaction(post_id: int):
    """Take back my reaction to a post."""
    post = services.get_post(current_user, post_id)
    replies.react(current_user, post, None)
    db.session.commit()
    return "", 204


@bp.route(f"/posts/<{ID}:post_id>/reactions")
@access("signed_in")
@documented(response=list_of("Reactor"))
def post_reactions(post_id: int):
    """Who reacted to a post, and how, newest first."""
    post = services.get_post(current_user, post_id)
    return {"items": [serializers.reaction(r) for r in replies.reactors(post)], "next_cursor": None}
