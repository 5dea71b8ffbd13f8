"""Thin views for leadership: updates (publish, read, acknowledge, remind) and Ask leadership."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import decorate
from app.feeds.routes import render_feed
from app.forms import parse_id
from app.insights import privacy
from app.leadership import bp, cards, digest, questions, stats, updates  # noqa: F401 - register loaders, tasks
from app.models import Community
from app.objectives.services import parse_choice
from app.people.services import unit_choices
from app.permissions import access, can_manage_update, can_publish_updates, has_role, listed_communities
from app.posts.views import confirmed_sensitive, fetch_wants_fragment, render_card, safe_back, split_refusal

PAGE_SIZE = 20


@bp.route("/leadership")
@access("signed_in")
def index():
    """Leadership updates I may see, newest first."""
    return render_feed(
        "leadership/updates.html",
        updates.update_posts(current_user),
        can_publish=can_publish_updates(current_user),
        feed_kind="updates",
    )


def _form_context(errors: dict, form) -> dict:
    return {
        "errors": errors,
        "form": form,
        "leaders": updates.leader_choices(current_user),
        "communities": db.session.scalars(
            listed_communities(current_user).where(Community.archived_at.is_(None)).order_by(Community.name)
        ).all(),
        "units": unit_choices(),
    }


@bp.route("/leadership/updates/new", methods=["GET", "POST"])
@access("signed_in")
def new_update():
    """Leaders (and comms officers for a leader) publish a vision update."""
    if not can_publish_updates(current_user):
        abort(403)
    errors: dict[str, str] = {}
    findings: list = []
    if request.method == "POST":
        form = request.form
        try:
            row = updates.publish_update(
                current_user,
                title=form.get("title", ""),
                body=form.get("body", ""),
                leader_id=form.get("leader_id"),
                objective=parse_choice(form.get("objective_id") or "none"),
                everyone=form.get("audience", "everyone") == "everyone",
                community_ids=form.getlist("community_ids"),
                unit_ids=form.getlist("unit_ids"),
                ack_required=form.get("ack_required") == "1",
                confirm_sensitive=confirmed_sensitive(),
            )
        except ValidationError as exc:
            db.session.rollback()
            errors, findings = split_refusal(exc)
        else:
            db.session.commit()
            flash("Your update is published.", "success")
            return redirect(url_for("leadership.update_page", update_id=row.id))
    return render_template(
        "leadership/new_update.html",
        **_form_context(errors, request.form if errors or findings else {}),
        sensitive=findings,
    ), 422 if errors or findings else 200


@bp.route("/leadership/updates/<int:update_id>")
@access("signed_in")
def update_page(update_id: int):
    """One update; its leader, poster and admins also see who has read it, by unit, and can remind."""
    row = updates.get_update(current_user, update_id)
    manage = can_manage_update(current_user, row)
    return render_template(
        "leadership/update.html",
        update=row,
        post=row.post,
        page=decorate(current_user, [row.post]),
        table=stats.by_unit(row, privacy.threshold()) if manage else None,
        manage=manage,
        errors={},
    )


@bp.route("/leadership/updates/<int:update_id>/acknowledge", methods=["POST"])
@access("signed_in")
def acknowledge(update_id: int):
    """Press Acknowledge; from the page's script the answer is the refreshed card."""
    row = updates.get_update(current_user, update_id)
    updates.acknowledge(current_user, row)
    db.session.commit()
    if fetch_wants_fragment():
        return render_card(row.post)
    flash("Thank you: your acknowledgement is recorded.", "success")
    return redirect(safe_back(url_for("leadership.update_page", update_id=row.id)))


@bp.route("/leadership/updates/<int:update_id>/remind", methods=["POST"])
@access("signed_in")
def remind(update_id: int):
    """Remind everyone who hasn't acknowledged, once (notification now, email shortly)."""
    row = updates.get_update(current_user, update_id)
    try:
        sent = updates.remind(current_user, row)
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("leadership.update_page", update_id=row.id))
    db.session.commit()
    flash(
        f"Reminder sent to {sent} {'person' if sent == 1 else 'people'}; they will get an email too.",
        "success",
    )
    return redirect(url_for("leadership.update_page", update_id=row.id))


@bp.route("/leadership/pins")
@access("signed_in")
def pins():
    """My updates waiting for an acknowledgement, as the fragment pinned on Home."""
    return render_template("leadership/_pins.html", pins=updates.home_pins(current_user))


def _ask_page(errors: dict, form, status: int = 200, findings: list | None = None):
    tab = request.args.get("tab", "top")
    if tab not in questions.TABS:
        tab = "top"
    leader_id = parse_id(request.args.get("leader"))
    cursor = parse_id(request.args.get("cursor"))
    stmt = questions.question_list(tab, leader_id)
    if cursor is not None and tab != "top":
        stmt = stmt.where(questions.Question.id < cursor)
    rows = list(db.session.scalars(stmt.limit(PAGE_SIZE + 1)).unique())
    more = len(rows) > PAGE_SIZE and tab != "top"
    rows = rows[:PAGE_SIZE] if tab != "top" else rows[:50]
    counts, mine = questions.vote_figures(current_user, rows)
    return render_template(
        "leadership/ask.html",
        questions=rows,
        counts=counts,
        mine=mine,
        tab=tab,
        leader_id=leader_id,
        next_cursor=rows[-1].id if more and rows else None,
        leaders=questions.leaders(),
        stats=questions.leader_stats(),
        can_see_asker=questions.can_see_asker,
        errors=errors,
        form=form,
        sensitive=findings or [],
    ), status


@bp.route("/leadership/ask", methods=["GET", "POST"])
@access("signed_in")
def ask():
    """Ask leadership: the questions (top, new, unanswered, answered) and a form to ask one."""
    if request.method == "POST":
        try:
            question = questions.ask(
                current_user,
                request.form.get("leader_id"),
                request.form.get("body", ""),
                anonymous=request.form.get("anonymous") == "1",
                confirm_sensitive=confirmed_sensitive(),
            )
        except ValidationError as exc:
            db.session.rollback()
            errors, findings = split_refusal(exc)
            return _ask_page(errors, request.form, 422, findings)
        db.session.commit()
        flash(
            f"Your question is with {question.leader.name}. You'll be notified when they answer.", "success"
        )
        return redirect(url_for("leadership.question", question_id=question.id))
    return _ask_page({}, {})


@bp.route("/leadership/questions/<int:question_id>")
@access("signed_in")
def question(question_id: int):
    """One question with its answer."""
    row = questions.get_question(current_user, question_id)
    counts, mine = questions.vote_figures(current_user, [row])
    return render_template(
        "leadership/question.html",
        question=row,
        counts=counts,
        mine=mine,
        can_see_asker=questions.can_see_asker,
        can_remove=has_role(current_user, "moderator"),
        errors={},
        form={},
    )


@bp.route("/leadership/questions/<int:question_id>/vote", methods=["POST"])
@access("signed_in")
def vote(question_id: int):
    """Upvote a question, or take the upvote back."""
    row = questions.get_question(current_user, question_id)
    try:
        questions.set_vote(current_user, row, request.form.get("on") == "1")
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()), "error")
    else:
        db.session.commit()
    return redirect(safe_back(url_for("leadership.question", question_id=row.id)))


@bp.route("/leadership/questions/<int:question_id>/answer", methods=["POST"])
@access("signed_in")
def answer(question_id: int):
    """The leader who was asked answers (or edits the answer)."""
    row = questions.get_question(current_user, question_id)
    try:
        questions.answer(current_user, row, request.form.get("answer", ""))
    except ValidationError as exc:
        db.session.rollback()
        counts, mine = questions.vote_figures(current_user, [row])
        return render_template(
            "leadership/question.html",
            question=row,
            counts=counts,
            mine=mine,
            can_see_asker=questions.can_see_asker,
            can_remove=has_role(current_user, "moderator"),
            errors=exc.fields,
            form=request.form,
        ), 422
    db.session.commit()
    flash("Your answer is published.", "success")
    return redirect(url_for("leadership.question", question_id=row.id))


@bp.route("/leadership/questions/<int:question_id>/remove", methods=["POST"])
@access("moderator")
def remove_question(question_id: int):
    """Moderators remove a question, saying why."""
    row = questions.get_question(current_user, question_id)
    try:
        questions.remove(current_user, row, request.form.get("reason", ""))
    except ValidationError as exc:
        db.session.rollback()
        flash(" ".join(exc.fields.values()), "error")
        return redirect(url_for("leadership.question", question_id=row.id))
    db.session.commit()
    flash("The question was removed.", "success")
    return redirect(url_for("leadership.ask"))
