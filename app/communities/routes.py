"""Thin views for browsing, creating, joining and running communities."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.communities import bp, queries, services
from app.communities import requests as joins
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.feeds import queries as feeds
from app.feeds.routes import render_feed
from app.models import Community
from app.permissions import access
from app.posts.services import can_write_in


def _community(slug: str) -> Community:
    return services.get_visible_community(current_user, slug)


def _refused(exc: ValidationError | PermissionDenied) -> None:
    """Undo anything half-done and tell the person why, in a flash message."""
    db.session.rollback()
    flash(" ".join(exc.fields.values()) if isinstance(exc, ValidationError) else exc.message, "error")


def _done(message: str, target: str):
    db.session.commit()
    flash(message, "success")
    return redirect(target)


def _show(community: Community) -> str:
    return url_for("communities.show", slug=community.slug)


@bp.route("/")
@access("signed_in")
def index():
    """The directory, with my invitations on top; a fetch gets just the results region."""
    filters = {
        "q": request.args.get("q", ""),
        "kind": request.args.get("kind", ""),
        "mine": request.args.get("mine") == "1",
        "archived": request.args.get("archived") == "1",
    }
    errors: dict[str, str] = {}
    rows, truncated = [], False
    try:
        rows, truncated = queries.directory(current_user, **filters)
    except ValidationError as exc:
        errors = exc.fields
    context = {"rows": rows, "truncated": truncated, "errors": errors, "filtered": any(filters.values())}
    status = 422 if errors else 200
    if request.headers.get("X-Requested-With") == "fetch":
        return render_template("communities/_results.html", **context), status
    invitations = db.session.scalars(joins.my_invitations(current_user)).all()
    return render_template(
        "communities/index.html", invitations=invitations, form=request.args, **context
    ), status


@bp.route("/new", methods=["GET", "POST"])
@access("signed_in")
def create():
    """Start a community: name, description and kind."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            community = services.create_community(
                current_user,
                request.form.get("name", ""),
                request.form.get("description", ""),
                request.form.get("visibility", ""),
            )
        except ValidationError as exc:
            errors = exc.fields
        else:
            return _done(f"{community.name} is ready. Invite colleagues or share its link.", _show(community))
    return render_template(
        "communities/new.html",
        errors=errors,
        form=request.form,
        kinds=queries.kind_choices(current_user),
        creators=queries.restricted_creators(),
    ), 422 if errors else 200


@bp.route("/<slug>")
@access("signed_in")
def show(slug: str):
    """A community's page: about, people, my actions and its posts."""
    community = _community(slug)
    context = queries.community_page(current_user, community)
    if not context["can_see_content"]:
        return render_template("communities/show.html", community=community, errors={}, form={}, **context)
    pinned = (
        None
        if request.args.get("cursor")
        else feeds.decorate(current_user, list(db.session.scalars(feeds.pinned_posts(community))))
    )
    return render_feed(
        "communities/show.html",
        feeds.community_feed(community),
        community=community,
        errors={},
        form={},
        exclude_pinned=True,
        pinned=pinned,
        can_post=can_write_in(current_user, community),
        **context,
    )


@bp.route("/<slug>/join", methods=["POST"])
@access("signed_in")
def join(slug: str):
    """Join a public community."""
    community = _community(slug)
    try:
        services.join(current_user, community)
    except (ValidationError, PermissionDenied) as exc:
        _refused(exc)
        return redirect(_show(community))
    return _done(f"Welcome to {community.name}: you're a member.", _show(community))


@bp.route("/<slug>/request", methods=["POST"])
@access("signed_in")
def ask(slug: str):
    """Ask to join a private community, with an optional note."""
    community = _community(slug)
    try:
        joins.request_to_join(current_user, community, request.form.get("message", ""))
    except ValidationError as exc:
        if "message" not in exc.fields:
            _refused(exc)
            return redirect(_show(community))
        db.session.rollback()
        return render_template(
            "communities/show.html",
            community=community,
            errors=exc.fields,
            form=request.form,
            **queries.community_page(current_user, community),
        ), 422
    return _done(
        f"Your request to join {community.name} has been sent to its owners and admins.", _show(community)
    )


@bp.route("/<slug>/request/cancel", methods=["POST"])
@access("signed_in")
def cancel(slug: str):
    """Withdraw my request to join."""
    community = _community(slug)
    cancelled = joins.cancel_request(current_user, community)
    return _done(
        "Your request has been withdrawn." if cancelled else "You have no request waiting here.",
        _show(community),
    )


@bp.route("/<slug>/leave", methods=["POST"])
@access("signed_in")
def leave(slug: str):
    """Leave a community."""
    community = _community(slug)
    try:
        services.leave(current_user, community)
    except ValidationError as exc:
        _refused(exc)
        return redirect(_show(community))
    # A secret community is gone from view once left, so go back to the directory.
    target = url_for("communities.index") if community.visibility == "secret" else _show(community)
    return _done(f"You have left {community.name}.", target)


@bp.route("/<slug>/invitation/<any(accept, decline):answer>", methods=["POST"])
@access("signed_in")
def answer(slug: str, answer: str):
    """Accept or decline my invitation (from the community page or the directory)."""
    community = _community(slug)
    back = url_for("communities.index") if request.form.get("next") == "index" else _show(community)
    try:
        joins.answer_invitation(current_user, community, accept=answer == "accept")
    except ValidationError as exc:
        _refused(exc)
        return redirect(back)
    if answer == "accept":
        return _done(f"Welcome to {community.name}: you're a member.", _show(community))
    declined_target = url_for("communities.index") if community.visibility == "secret" else back
    return _done(f"You declined the invitation to {community.name}.", declined_target)


@bp.route("/<slug>/requests")
@access("signed_in")
def requests_list(slug: str):
    """Managers: requests to join waiting for an answer, and open invitations."""
    community = _community(slug)
    return render_template(
        "communities/requests.html",
        community=community,
        errors={},
        form={},
        failed_id=None,
        **queries.requests_page(current_user, community),
    )


@bp.route("/<slug>/requests/<int:request_id>/<any(approve, decline):decision>", methods=["POST"])
@access("signed_in")
def decide(slug: str, request_id: int, decision: str):
    """Managers: approve a request, or decline it with an optional reason."""
    community = _community(slug)
    try:
        row = joins.decide_request(
            current_user,
            community,
            request_id,
            approve=decision == "approve",
            reason=request.form.get("reason", ""),
        )
    except ValidationError as exc:
        if "reason" not in exc.fields:
            _refused(exc)
            return redirect(url_for("communities.requests_list", slug=community.slug))
        db.session.rollback()
        return render_template(
            "communities/requests.html",
            community=community,
            errors=exc.fields,
            form=request.form,
            failed_id=request_id,
            **queries.requests_page(current_user, community),
        ), 422
    verb = "is now a member" if decision == "approve" else "has been told their request was declined"
    return _done(f"{row.user.name} {verb}.", url_for("communities.requests_list", slug=community.slug))


@bp.route("/<slug>/members")
@access("signed_in")
def members(slug: str):
    """Everyone in the community; managers change roles, remove and invite here."""
    community = _community(slug)
    return render_template(
        "communities/members.html",
        community=community,
        errors={},
        form={},
        **queries.members_page(current_user, community, request.args.get("q", "")),
    )


def _members_failed(community: Community, exc: ValidationError):
    """Show the member list again with the reason beside the form that failed."""
    db.session.rollback()
    return render_template(
        "communities/members.html",
        community=community,
        errors=exc.fields,
        form=request.form,
        **queries.members_page(current_user, community),
    ), 422


@bp.route("/<slug>/members/invite", methods=["POST"])
@access("signed_in")
def invite(slug: str):
    """Managers: invite an active colleague, who accepts or declines."""
    community = _community(slug)
    try:
        row = joins.invite(current_user, community, request.form.get("user_id", ""))
    except ValidationError as exc:
        return _members_failed(community, exc)
    return _done(
        f"{row.user.name} has been invited and will see the invitation in their notifications.",
        url_for("communities.members", slug=community.slug),
    )


@bp.route("/<slug>/members/<int:user_id>/role", methods=["POST"])
@access("signed_in")
def set_role(slug: str, user_id: int):
    """Managers: make a member an owner, an admin or a plain member."""
    community = _community(slug)
    try:
        row = joins.set_role(current_user, community, user_id, request.form.get("role", ""))
    except ValidationError as exc:
        return _members_failed(community, exc)
    return _done(
        f"{row.user.name} is now {row.role} of {community.name}.",
        url_for("communities.members", slug=community.slug),
    )


@bp.route("/<slug>/members/<int:user_id>/remove", methods=["POST"])
@access("signed_in")
def remove(slug: str, user_id: int):
    """Managers: take someone out of the community."""
    community = _community(slug)
    try:
        row = joins.remove(current_user, community, user_id)
    except ValidationError as exc:
        return _members_failed(community, exc)
    return _done(
        f"{row.user.name} is no longer a member of {community.name}.",
        url_for("communities.members", slug=community.slug),
    )


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@access("signed_in")
def settings(slug: str):
    """Managers: edit the name, description and kind; archive or restore."""
    community = _community(slug)
    queries.require_manager(current_user, community)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            services.update_community(
                current_user,
                community,
                request.form.get("name", ""),
                request.form.get("description", ""),
                request.form.get("visibility", ""),
            )
        except ValidationError as exc:
            errors = exc.fields
            db.session.rollback()
        else:
            return _done("Community settings saved.", url_for("communities.settings", slug=community.slug))
    return render_template(
        "communities/settings.html",
        community=community,
        errors=errors,
        form=request.form,
        creators=queries.restricted_creators(),
        kinds=queries.kind_choices(current_user, community.visibility),
    ), 422 if errors else 200


@bp.route("/<slug>/archive", methods=["POST"])
@access("signed_in")
def archive(slug: str):
    """Managers: archive a community (read-only) or bring it back."""
    community = _community(slug)
    archived = request.form.get("archived") == "1"
    try:
        services.set_archived(current_user, community, archived)
    except ValidationError as exc:
        _refused(exc)
        return redirect(url_for("communities.settings", slug=community.slug))
    message = "is archived: it is read-only now" if archived else "is active again"
    return _done(f"{community.name} {message}.", _show(community))
