"""People: me, the directory of active people, one person, and units."""

from flask import g, request
from flask_login import current_user
from sqlalchemy import select

from app.api import bp, serializers
from app.api.inputs import ID, keyset
from app.api.schemas import PAGE_QUERY, documented, list_of, ref
from app.extensions import db
from app.models import Unit, User
from app.people import services
from app.permissions import access

PEOPLE_QUERY = {
    **PAGE_QUERY,
    "q": {"type": "string", "maxLength": 100, "description": "part of a name or job title"},
    "unit_id": {"type": "integer", "description": "a unit, its sub-units included"},
    "staff_type": {"type": "string"},
}


@bp.route("/me")
@access("signed_in")
@documented(response=ref("Me"))
def me():
    """The person the token belongs to, and the token's name and scope."""
    return serializers.me(current_user, g.get("api_token"))


@bp.route("/users")
@access("signed_in")
@documented(response=list_of("User"), query=PEOPLE_QUERY)
def list_users():
    """Active people, filtered by name or job title (?q=), unit and staff type; by id."""
    stmt = services.directory(
        request.args.get("q", ""), request.args.get("unit_id"), request.args.get("staff_type", "")
    )
    rows, next_cursor = keyset(stmt, User.id, ascending=True)
    return {"items": [serializers.profile(u) for u in rows], "next_cursor": next_cursor}


@bp.route(f"/users/<{ID}:user_id>")
@access("signed_in")
@documented(response=ref("User"))
def get_user(user_id: int):
    """One person (former members too, marked as such)."""
    return serializers.profile(services.get_person(user_id))


@bp.route("/units")
@access("signed_in")
@documented(response=list_of("Unit"))
def list_units():
    """Every unit with its full path, in tree order (one page: units are few)."""
    units = list(db.session.scalars(select(Unit)))
    paths = services.unit_paths(units)
    rows = sorted(units, key=lambda u: paths[u.id].lower())
    return {"items": [serializers.unit(u, paths[u.id]) for u in rows], "next_cursor": None}
