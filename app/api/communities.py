"""Communities: the ones I may know of, one community, joining and leaving."""

from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import ID, keyset
from app.api.schemas import PAGE_QUERY, documented, list_of, ref
from app.communities import services
from app.communities.queries import member_counts, my_statuses
from app.errors import NotFound
from app.extensions import db
from app.models import Community
from app.permissions import access, listed_communities


def visible_community(community_id: int) -> Community:
    """The community if I may know it exists; 404 otherwise (a secret one is never revealed)."""
    community = db.session.get(Community, community_id)
    if community is None:
        raise NotFound("We couldn't find that community.")
    return services.get_visible_community(current_user, community.slug)


def communities_json(rows: list[Community]) -> list[dict]:
    """Communities with member counts and my status (two queries, whatever the count)."""
    ids = [c.id for c in rows]
    counts, statuses = member_counts(ids), my_statuses(current_user, ids)
    return [serializers.community(c, counts.get(c.id, 0), statuses.get(c.id)) for c in rows]


@bp.route("/communities")
@access("signed_in")
@documented(response=list_of("Community"), query=PAGE_QUERY)
def list_communities():
    """Communities I may know exist: public, private, and secret ones I belong to (by id)."""
    rows, next_cursor = keyset(listed_communities(current_user), Community.id, ascending=True)
    return {"items": communities_json(rows), "next_cursor": next_cursor}


@bp.route(f"/communities/<{ID}:community_id>")
@access("signed_in")
@documented(response=ref("Community"))
def get_community(community_id: int):
    """One community (a secret one only for its members)."""
    return communities_json([visible_community(community_id)])[0]


@bp.route(f"/communities/<{ID}:community_id>/join", methods=["POST"])
@access("signed_in")
@documented(response=ref("Community"))
def join_community(community_id: int):
    """Join a public community."""
    community = visible_community(community_id)
    services.join(current_user, community)
    db.session.commit()
    return communities_json([community])[0]


@bp.route(f"/communities/<{ID}:community_id>/leave", methods=["POST"])
@access("signed_in")
@documented(response=ref("Community"))
def leave_community(community_id: int):
    """Leave a community (never All staff; the last owner hands over first)."""
    community = visible_community(community_id)
    services.leave(current_user, community)
    db.session.commit()
    return communities_json([community])[0]
