"""Thin views for the live Q&A: open or close it, ask, upvote, mark answered, remove, and the
question fragment the live page fetches when a socket says something changed."""

from flask import flash, redirect, request, url_for
from flask_login import current_user

from app.errors import ValidationError
from app.extensions import db
from app.learning import bp, qa, services
from app.learning.views import render_question
from app.permissions import access, can_manage_session
from app.posts.views import fetch_wants_fragment


def _to_qa(session_id: int):
    return redirect(url_for("learning.show", session_id=session_id) + "#qa")


def _question_html(question, session) -> str:
    return render_question(
        question, session, qa.has_voted(current_user, question), can_manage_session(current_user, session)
    )


def _refused(exc: ValidationError, session_id: int):
    db.session.rollback()
    if fetch_wants_fragment():
        return {"error": {"code": "validation_failed", "message": exc.message, "fields": exc.fields}}, 422
    flash(" ".join(exc.fields.values()), "error")
    return _to_qa(session_id)


@bp.route("/<int:session_id>/qa", methods=["POST"])
@access("signed_in")
def set_qa(session_id: int):
    """Hosts open the Q&A early, or close it."""
    session = services.get_session(current_user, session_id)
    try:
        qa.set_qa_open(current_user, session, request.form.get("open") == "1")
    except ValidationError as exc:
        return _refused(exc, session.id)
    db.session.commit()
    flash("The Q&A is open." if qa.qa_state(session) == "open" else "The Q&A is closed.", "success")
    return _to_qa(session.id)


@bp.route("/<int:session_id>/questions", methods=["POST"])
@access("signed_in")
def ask(session_id: int):
    """Ask a question in the live Q&A."""
    session = services.get_session(current_user, session_id)
    try:
        question = qa.ask(current_user, session, request.form.get("body", ""))
    except ValidationError as exc:
        return _refused(exc, session.id)
    db.session.commit()
    if fetch_wants_fragment():
        return _question_html(question, session), 201
    flash("Question asked.", "success")
    return _to_qa(session.id)


@bp.route("/questions/<int:question_id>")
@access("signed_in")
def question(question_id: int):
    """One question as an HTML fragment."""
    found, session = qa.get_question(current_user, question_id)
    return _question_html(found, session)


@bp.route("/questions/<int:question_id>/vote", methods=["POST"])
@access("signed_in")
def vote(question_id: int):
    """Upvote a question (up=0 takes the vote back)."""
    found, session = qa.get_question(current_user, question_id)
    try:
        qa.vote(current_user, found, session, request.form.get("up", "1") != "0")
    except ValidationError as exc:
        return _refused(exc, session.id)
    db.session.commit()
    if fetch_wants_fragment():
        return _question_html(found, session)
    return _to_qa(session.id)


@bp.route("/questions/<int:question_id>/answered", methods=["POST"])
@access("signed_in")
def answered(question_id: int):
    """Hosts mark a question answered (answered=0 undoes it)."""
    found, session = qa.get_question(current_user, question_id)
    qa.set_answered(current_user, found, session, request.form.get("answered", "1") != "0")
    db.session.commit()
    if fetch_wants_fragment():
        return _question_html(found, session)
    return _to_qa(session.id)


@bp.route("/questions/<int:question_id>/delete", methods=["POST"])
@access("signed_in")
def remove_question(question_id: int):
    """Its author or a host removes a question."""
    found, session = qa.get_question(current_user, question_id)
    qa.remove_question(current_user, found, session)
    db.session.commit()
    if fetch_wants_fragment():
        return "", 204
    flash("Question removed.", "success")
    return _to_qa(session.id)
