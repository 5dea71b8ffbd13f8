"""Thin views for my calendar feed: the page with its secret link, making a new one, and the feed."""

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import db
from app.learning import bp, calendar
from app.permissions import access


@bp.route("/calendar")
@access("signed_in")
def my_calendar():
    """My calendar feed: subscribe once in Outlook or Google and my sessions appear by themselves."""
    return render_template("learning/calendar.html", token=calendar.feed_token(current_user), urls=None)


@bp.route("/calendar", methods=["POST"])
@access("signed_in")
def new_calendar_link():
    """Make a new secret feed link; the old one stops working at once."""
    had_one = calendar.feed_token(current_user) is not None
    plaintext = calendar.new_feed_token(current_user)
    db.session.commit()
    # Rendered, not redirected: the secret must not go into the session cookie or a flash message.
    return render_template(
        "learning/calendar.html",
        token=calendar.feed_token(current_user),
        urls=calendar.feed_urls(plaintext),
        replaced=had_one,
    ), 201


@bp.route("/calendar/off", methods=["POST"])
@access("signed_in")
def calendar_off():
    """Switch my calendar feed off."""
    calendar.revoke_feed_token(current_user)
    db.session.commit()
    flash("Calendar feed switched off. Its link no longer works.", "success")
    return redirect(url_for("learning.my_calendar"))


@bp.route("/feed/<token>.ics")
@access("public")
def calendar_feed(token: str):
    """The personal feed a calendar program polls: no cookies, the secret in the URL is the key."""
    owner = calendar.feed_owner(token)
    if owner is None:
        abort(404)
    body = calendar.build_calendar(
        calendar.my_feed_sessions(owner), f"{current_app.config['ORG_NAME']} sessions"
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )
