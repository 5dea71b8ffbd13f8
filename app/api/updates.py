"""Leadership updates: list, read, publish, acknowledge, and the acknowledgement figures."""

from flask import url_for
from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import ID, cursor_and_limit, json_object, optional_bool, optional_id, text_field
from app.api.schemas import (
    COMPONENTS,
    CONFIRM_SENSITIVE,
    PAGE_QUERY,
    REQUESTS,
    _obj,
    documented,
    list_of,
    nullable,
    ref,
)
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.feeds.queries import Post, paginate
from app.insights import privacy
from app.leadership import stats, updates
from app.leadership.cards import load_updates
from app.models import Update
from app.permissions import access, can_manage_update

_STR, _INT, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}
_IDS = {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": updates.MAX_AUDIENCE}

COMPONENTS.update(
    {
        "Update": _obj(
            {
                "id": _INT,
                "post_id": _INT,
                "title": _STR,
                "body": _STR,
                "html": _STR,
                "leader": ref("Person"),
                "posted_by": nullable(ref("Person")),
                "everyone": _BOOL,
                "ack_required": _BOOL,
                "objective_id": {"type": ["integer", "null"]},
                "created_at": _TIME,
                "addressed_to_me": _BOOL,
                "seen_at": nullable(_TIME),
                "acknowledged_at": nullable(_TIME),
            }
        ),
        "Acknowledgement": _obj({"update_id": _INT, "acknowledged_at": _TIME}),
        "UpdateFigures": _obj(
            {
                "units": {
                    "type": "array",
                    "items": _obj(
                        {
                            "unit": _STR,
                            "recipients": _INT,
                            "acknowledged": _INT,
                            "seen": _INT,
                            "not_yet": _INT,
                        }
                    ),
                },
                "total": _obj({"recipients": _INT, "acknowledged": _INT, "seen": _INT, "not_yet": _INT}),
            }
        ),
    }
)
REQUESTS.update(
    {
        "UpdateCreate": _obj(
            {
                "title": {"type": "string", "minLength": 1, "maxLength": updates.MAX_TITLE},
                "body": {"type": "string", "minLength": 1},
                "leader_id": {**_INT, "description": "comms officers: the leader it is from"},
                "objective_id": {"type": ["integer", "null"]},
                "everyone": {**_BOOL, "default": True},
                "community_ids": _IDS,
                "unit_ids": _IDS,
                "ack_required": {**_BOOL, "default": False},
                "confirm_sensitive": CONFIRM_SENSITIVE,
            },
            ["title", "body"],
        ),
    }
)


def _update_json(row: Update, extra: dict) -> dict:
    receipt = extra.get("receipt")
    post = row.post
    return {
        "id": row.id,
        "post_id": post.id,
        "title": row.title,
        "body": post.body_source,
        "html": post.body_html,
        "leader": serializers.person(row.leader),
        "posted_by": serializers.person(row.posted_by),
        "everyone": row.everyone,
        "ack_required": row.ack_required,
        "objective_id": post.objective_id,
        "created_at": serializers.iso(row.created_at),
        "addressed_to_me": extra.get("addressed", False),
        "seen_at": serializers.iso(receipt.seen_at) if receipt else None,
        "acknowledged_at": serializers.iso(receipt.acknowledged_at) if receipt else None,
    }


def _updates_json(posts: list[Post]) -> list[dict]:
    extras = load_updates(current_user, posts)
    return [_update_json(extras[p.id]["row"], extras[p.id]) for p in posts if p.id in extras]


@bp.route("/updates")
@access("signed_in")
@documented(response=list_of("Update"), query=PAGE_QUERY)
def list_updates():
    """Leadership updates I may see, newest first."""
    cursor, limit = cursor_and_limit()
    page = paginate(current_user, updates.update_posts(current_user), cursor, limit)
    return {"items": _updates_json(page.items), "next_cursor": page.next_cursor}


@bp.route(f"/updates/<{ID}:update_id>")
@access("signed_in")
@documented(response=ref("Update"))
def get_update(update_id: int):
    """One leadership update, with my receipt."""
    return _updates_json([updates.get_update(current_user, update_id).post])[0]


def _id_list(data: dict, name: str) -> list:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise ValidationError({name: "Send a list of ids."})
    return value


@bp.route("/updates", methods=["POST"])
@access("signed_in")
@documented(request=ref("UpdateCreate"), response=ref("Update"), status=201)
def create_update():
    """Publish a leadership update (leaders; comms officers for a leader)."""
    data = json_object()
    everyone, ack = data.get("everyone", True), data.get("ack_required", False)
    if not isinstance(everyone, bool) or not isinstance(ack, bool):
        raise ValidationError(
            {"everyone" if not isinstance(everyone, bool) else "ack_required": "Send true or false."}
        )
    row = updates.publish_update(
        current_user,
        title=text_field(data, "title"),
        body=text_field(data, "body"),
        leader_id=optional_id(data, "leader_id"),
        objective=optional_id(data, "objective_id"),
        everyone=everyone,
        community_ids=_id_list(data, "community_ids"),
        unit_ids=_id_list(data, "unit_ids"),
        ack_required=ack,
        confirm_sensitive=optional_bool(data, "confirm_sensitive"),
    )
    db.session.commit()
    return _updates_json([row.post])[0], 201, {"Location": url_for("api.get_update", update_id=row.id)}


@bp.route(f"/updates/<{ID}:update_id>/acknowledgement", methods=["POST"])
@access("signed_in")
@documented(response=ref("Acknowledgement"))
def acknowledge_update(update_id: int):
    """Acknowledge an update addressed to me (again is harmless)."""
    row = updates.get_update(current_user, update_id)
    receipt = updates.acknowledge(current_user, row)
    db.session.commit()
    return {"update_id": row.id, "acknowledged_at": serializers.iso(receipt.acknowledged_at)}


@bp.route(f"/updates/<{ID}:update_id>/figures")
@access("signed_in")
@documented(response=ref("UpdateFigures"))
def update_figures(update_id: int):
    """Acknowledged / seen / not yet by unit (its leader, whoever posted it, admins); small units combined."""
    row = updates.get_update(current_user, update_id)
    if not can_manage_update(current_user, row):
        raise PermissionDenied("Only the leader, whoever posted it and admins see these figures.")
    table = stats.by_unit(row, privacy.threshold())
    keys = ("recipients", "acknowledged", "seen", "not_yet")
    return {
        "units": [{"unit": r["label"], **{k: r[k] for k in keys}} for r in table.rows],
        "total": {k: table.total[k] for k in keys},
    }
