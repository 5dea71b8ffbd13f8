"""Feed pages: topics and a person's posts; following; the @mention picker; newer-posts partials."""

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from app.extensions import db
from app.feeds import bp, follows, queries
from app.permissions import access
from app.posts.views import safe_back


def render_feed(template: str, stmt, **context):
    """A feed page, or with ?after=<id>&partial=1 just the newer cards (for the new-posts bar)."""
    after = queries.parse_cursor(request.args.get("after"))
    if request.args.get("partial") and after is not None:
        newer = list(db.session.scalars(stmt.where(queries.Post.id > after).limit(queries.MAX_PAGE_SIZE)))
        return render_template("feeds/_cards.html", page=queries.decorate(current_user, newer))
    cursor = queries.parse_cursor(request.args.get("cursor"))
    page = queries.paginate(
        current_user,
        stmt,
        cursor,
        queries.parse_limit(request.args.get("limit")),
        exclude_pinned=context.pop("exclude_pinned", False),
    )
    if request.args.get("partial"):
        return render_template("feeds/_cards.html", page=page)
    return render_template(template, page=page, cursor=cursor, **context)


@bp.route("/topics/<name>")
@access("signed_in")
def topic(name: str):
    """Posts with a #topic that I may read."""
    topic = follows.get_topic(name)
    return render_feed(
        "feeds/topic.html",
        queries.topic_feed(current_user, topic),
        topic=topic,
        following=follows.follows_topic(current_user, topic),
    )


@bp.route("/topics/<name>/follow", methods=["POST"])
@access("signed_in")
def follow_topic(name: str):
    """Follow or unfollow a topic."""
    topic = follows.get_topic(name)
    follows.set_following_topic(current_user, topic, request.form.get("following") == "1")
    db.session.commit()
    flash(
        f"Following #{topic.name}." if request.form.get("following") == "1" else f"Unfollowed #{topic.name}.",
        "success",
    )
    return redirect(safe_back(url_for("feeds.topic", name=topic.name)))


@bp.route("/people/<int:user_id>/posts")
@access("signed_in")
def person(user_id: int):
    """A person's posts in communities I may read."""
    person = follows.get_active_person(user_id)
    return render_feed(
        "feeds/person.html",
        queries.person_feed(current_user, person),
        person=person,
        following=follows.follows_person(current_user, person),
    )


@bp.route("/people/<int:user_id>/follow", methods=["POST"])
@access("signed_in")
def follow_person(user_id: int):
    """Follow or unfollow a colleague."""
    person = follows.get_active_person(user_id)
    following = request.form.get("following") == "1"
    follows.set_following_person(current_user, person, following)
    db.session.commit()
    flash(f"You're following {person.name}." if following else f"You've unfollowed {person.name}.", "success")
    return redirect(safe_back(url_for("feeds.person", user_id=person.id)))


@bp.route("/mentions/suggest")
@access("signed_in")
def suggest():
    """People for the @mention picker, as JSON."""
    people = follows.suggest_people(request.args.get("q", ""))
    return jsonify(
        [
            {
                "id": p.id,
                "name": p.name,
                "handle": p.handle,
                "job_title": p.job_title,
                "initials": p.initials,
                "colour": p.avatar_colour,
            }
            for p in people
        ]
    )
