"""Thin views for everyone: reporting, the page explaining a decision about my content, appealing it."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import register_extra
from app.forms import parse_id
from app.models import Decision, ModerationCase, Post, User
from app.moderation import appeals, bp, labels, queue, reports
from app.moderation.cases import Target, resolve_target
from app.permissions import access, is_moderator
from app.posts.views import safe_back
from app.security import local_path


def _item_url(target: Target) -> str:
    if target.type == "user":
        return url_for("people.profile", user_id=target.id)
    if target.type == "reply":
        return url_for("posts.thread", post_id=target.post.id, _anchor=f"reply-{target.id}")
    return url_for("posts.thread", post_id=target.id)


@bp.route("/report/<any(post, reply, user):target_type>/<int:target_id>", methods=["GET", "POST"])
@access("signed_in")
def report(target_type: str, target_id: int):
    """Report a post, reply or profile under a policy clause, or "something else" in my own words."""
    target = resolve_target(current_user, target_type, target_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        raw = request.form.get("reason", "")
        clause_id = None if raw in ("", "other") else parse_id(raw) or 0
        try:
            if not raw:
                raise ValidationError({"reason": "Choose the reason that fits best."})
            reports.report_item(current_user, target, clause_id, request.form.get("details", ""))
        except ValidationError as exc:
            errors = exc.fields
        else:
            db.session.commit()
            flash(
                "Thank you for reporting this. A moderator will look at it and we'll tell you the outcome. "
                "The author is never told who reported it.",
                "success",
            )
            return redirect(safe_back(_item_url(target)))
    return render_template(
        "moderation/report.html",
        target=target,
        reasons=reports.reasons(),
        already=reports.already_reported(current_user, target),
        errors=errors,
        form=request.form,
        back=safe_back(_item_url(target))
        if request.method == "POST"
        else _safe_arg("next", _item_url(target)),
        labels=labels,
    ), 422 if errors else 200


def _safe_arg(name: str, default: str) -> str:
    return local_path(request.args.get(name)) or default


@bp.route("/moderation/decisions/<int:decision_id>")
@access("signed_in")
def decision(decision_id: int):
    """A decision about my content: what was decided, under which clause, and the explanation."""
    shown = appeals.get_decision(current_user, decision_id)
    return _render_decision(shown, {}, {})


def _render_decision(shown: Decision, errors: dict, form, status: int = 200):
    case = shown.case
    return render_template(
        "moderation/decision.html",
        decision=shown,
        case=case,
        item=case.reply or case.post,
        can_appeal=appeals.can_appeal(current_user, shown),
        is_author=case.author_id == current_user.id,
        errors=errors,
        form=form,
        labels=labels,
    ), status


@bp.route("/moderation/decisions/<int:decision_id>/appeal", methods=["POST"])
@access("signed_in")
def appeal(decision_id: int):
    """Appeal a decision about my content, once; a different moderator answers."""
    shown = appeals.get_decision(current_user, decision_id)
    try:
        appeals.appeal(current_user, shown, request.form.get("text", ""))
    except ValidationError as exc:
        return _render_decision(shown, exc.fields, request.form, 422)
    db.session.commit()
    flash(
        "Your appeal has been sent. A different moderator will look at it and reply to you here.", "success"
    )
    return redirect(url_for("moderation.decision", decision_id=shown.id))


def card_notes(viewer: User, posts: list[Post]) -> dict[int, dict]:
    """For held or hidden posts the viewer may see: why it is held, and the decision that hid it."""
    waiting = [p.id for p in posts if p.status in ("held", "hidden")]
    if not waiting:
        return {}  # the usual page: no query at all
    notes: dict[int, dict] = {pid: {} for pid in waiting}
    for post_id, reason in db.session.execute(
        select(ModerationCase.post_id, ModerationCase.hold_reason).where(
            ModerationCase.target_type == "post",
            ModerationCase.post_id.in_(waiting),
            ModerationCase.status != "decided",
        )
    ):
        notes[post_id]["reason"] = reason
    for post_id, decision_id in db.session.execute(
        select(ModerationCase.post_id, Decision.id)
        .join(Decision, Decision.case_id == ModerationCase.id)
        .where(ModerationCase.target_type == "post", ModerationCase.post_id.in_(waiting))
        .order_by(Decision.id)
    ):
        notes[post_id]["decision_id"] = decision_id  # the latest wins
    return notes


register_extra("moderation", card_notes)


@bp.app_context_processor
def _moderation_context():
    def moderation_new_count() -> int:
        return queue.new_count(current_user) if is_moderator(current_user) else 0

    return {
        "moderation_new_count": moderation_new_count,
        "INTENT_LABELS": labels.INTENT_LABELS,
        "REPORT_OUTCOMES": labels.OUTCOME_FOR_REPORTER,
    }
