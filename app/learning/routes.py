"""Thin views: the session list, scheduling and editing, the session page, RSVP and its .ics file."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.feeds.queries import parse_limit
from app.learning import (
    bp,
    calendar,
    clock,
    inputs,
    queries,
    reminders,  # noqa: F401 - registers the session_reminders job task
    rsvps,
    services,
    views,
)
from app.models import Objective
from app.permissions import access, can_grant_session_hosts, can_manage_session, can_schedule_sessions
from app.posts.views import fetch_wants_fragment, split_refusal, writable_communities

bp.app_template_filter("session_when")(views.when_text)
bp.app_template_filter("session_short_when")(views.short_when)
bp.app_template_filter("session_month")(views.month_label)
bp.app_template_filter("session_daynum")(views.day_number)
bp.app_template_filter("session_filesize")(views.file_size)


def _form_context(form: dict, errors: dict, session=None) -> dict:
    return {
        "form": form,
        "errors": errors,
        "session": session,
        "community_options": [(c.id, c.name) for c in writable_communities(current_user)],
        "objective_options": db.session.execute(
            select(Objective.id, Objective.name)
            .where(Objective.archived_at.is_(None))
            .order_by(Objective.name)
        ).all(),
        "zone": clock.org_zone().key,
    }


@bp.route("/")
@access("signed_in")
def index():
    """Upcoming, past and my sessions."""
    which = request.args.get("show", "upcoming")
    if which not in queries.LISTS:
        which = "upcoming"
    rows, next_cursor = queries.paginate(
        queries.session_list(current_user, which),
        which,
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
    )
    ids = [s.id for s in rows]
    return render_template(
        "learning/index.html",
        which=which,
        rows=rows,
        next_cursor=next_cursor,
        mine=rsvps.my_statuses(current_user, ids),
        phases={s.id: services.phase(s) for s in rows},
        can_schedule=can_schedule_sessions(current_user),
        can_grant=can_grant_session_hosts(current_user),
    )


@bp.route("/new")
@access("signed_in")
def new():
    """The form to schedule a session."""
    if not can_schedule_sessions(current_user):
        raise PermissionDenied("Only comms officers, leaders and session hosts can schedule sessions.")
    return render_template("learning/form.html", **_form_context({"hosts": f"@{current_user.handle}"}, {}))


@bp.route("/", methods=["POST"])
@access("signed_in")
def create():
    """Schedule a session and announce it in the audience community's feed."""
    if not can_schedule_sessions(current_user):
        raise PermissionDenied("Only comms officers, leaders and session hosts can schedule sessions.")
    try:
        session = services.schedule_session(current_user, inputs.from_form(request.form, current_user))
    except ValidationError as exc:
        db.session.rollback()
        errors, findings = split_refusal(exc)
        context = _form_context(request.form, inputs.form_errors(errors))
        return render_template("learning/form.html", **context, sensitive=findings), 422
    db.session.commit()
    flash("Session scheduled and announced.", "success")
    return redirect(url_for("learning.show", session_id=session.id))


@bp.route("/<int:session_id>")
@access("signed_in")
def show(session_id: int):
    """The session page: details, RSVP, calendar, materials, the live Q&A and host tools."""
    return views.render_show(services.get_session(current_user, session_id))


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@access("signed_in")
def edit(session_id: int):
    """Hosts change the session; calendars pick up the change."""
    session = services.get_session(current_user, session_id)
    if not can_manage_session(current_user, session):
        abort(403)
    if request.method == "GET":
        return render_template("learning/form.html", **_form_context(views.form_values(session), {}, session))
    try:
        data = inputs.from_form(request.form, current_user)
        data.community_id = session.community_id  # the audience can't move (RSVPs and the post stay put)
        services.update_session(current_user, session, data)
    except ValidationError as exc:
        db.session.rollback()
        errors, findings = split_refusal(exc)
        session = services.get_session(current_user, session_id)
        context = _form_context(request.form, inputs.form_errors(errors), session)
        return render_template("learning/form.html", **context, sensitive=findings), 422
    db.session.commit()
    flash("Session updated.", "success")
    return redirect(url_for("learning.show", session_id=session.id))


@bp.route("/<int:session_id>/cancel", methods=["POST"])
@access("signed_in")
def cancel(session_id: int):
    """Hosts cancel a session."""
    session = services.get_session(current_user, session_id)
    try:
        services.cancel_session(current_user, session)
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("learning.show", session_id=session.id))
    db.session.commit()
    flash("Session cancelled. Everyone who replied has been told.", "success")
    return redirect(url_for("learning.show", session_id=session.id))


@bp.route("/<int:session_id>/rsvp", methods=["POST"])
@access("signed_in")
def rsvp(session_id: int):
    """Going, maybe or can't go; going when it's full joins the waiting list."""
    session = services.get_session(current_user, session_id)
    response = request.form.get("response", "")
    try:
        mine = rsvps.with_retries(lambda: rsvps.respond(current_user, session, response))
    except ValidationError as exc:
        db.session.rollback()
        if fetch_wants_fragment():
            return {"error": {"code": "validation_failed", "message": exc.message, "fields": exc.fields}}, 422
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("learning.show", session_id=session.id))
    messages = {
        "going": "You're going. It's in your calendar feed, and we'll remind you the day before.",
        "waiting": f"It's full, so you're on the waiting list (number {mine.position}). "
        "We'll tell you if a place frees up.",
        "maybe": "Saved as maybe.",
        "cant": "Saved: you can't go.",
    }
    flash(messages[mine.status], "success")
    return redirect(url_for("learning.show", session_id=session.id) + "#rsvp")


@bp.route("/<int:session_id>/calendar.ics")
@access("signed_in")
def ics(session_id: int):
    """This session as an iCalendar file (Outlook, Google, Apple)."""
    session = services.get_session(current_user, session_id)
    body = calendar.build_calendar([session], session.title)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="session-{session.id}.ics"'},
    )
