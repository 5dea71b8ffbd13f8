"""Feeds: home, a community's posts (pinned first), a topic's posts and a person's posts."""

from flask_login import current_user
from sqlalchemy import Select

from app.api import bp, serializers
from app.api.communities import visible_community
from app.api.inputs import ID, cursor_and_limit
from app.api.schemas import PAGE_QUERY, documented, list_of
from app.errors import PermissionDenied
from app.extensions import db
from app.feeds import follows, queries
from app.forms import clean_text
from app.permissions import access, can_see_content


def _page(stmt: Select) -> dict:
    cursor, limit = cursor_and_limit()
    return serializers.posts(queries.paginate(current_user, stmt, cursor, limit))


@bp.route("/feeds/home")
@access("signed_in")
@documented(response=list_of("Post"), query=PAGE_QUERY)
def home_feed():
    """My communities (All staff included), people and topics I follow, newest first."""
    return _page(queries.home_feed(current_user))


@bp.route(f"/communities/<{ID}:community_id>/posts")
@access("signed_in")
@documented(response=list_of("Post"), query=PAGE_QUERY)
def community_posts(community_id: int):
    """A community's posts, newest first; the first page starts with the pinned posts."""
    community = visible_community(community_id)
    if not can_see_content(current_user, community):
        raise PermissionDenied("Only members can read this community's posts.")
    cursor, limit = cursor_and_limit()
    page = queries.paginate(
        current_user, queries.community_feed(community), cursor, limit, exclude_pinned=True
    )
    if cursor is None:
        pinned = list(db.session.scalars(queries.pinned_posts(community)).unique())
        page = queries.decorate(current_user, pinned + page.items, page.next_cursor)
    return serializers.posts(page)


@bp.route("/topics/<name>/posts")
@access("signed_in")
@documented(response=list_of("Post"), query=PAGE_QUERY)
def topic_posts(name: str):
    """Posts with a #topic, in communities I may read."""
    return _page(queries.topic_feed(current_user, follows.get_topic(clean_text(name))))


@bp.route(f"/users/<{ID}:user_id>/posts")
@access("signed_in")
@documented(response=list_of("Post"), query=PAGE_QUERY)
def user_posts(user_id: int):
    """A person's posts in communities I may read."""
    return _page(queries.person_feed(current_user, follows.get_active_person(user_id)))
