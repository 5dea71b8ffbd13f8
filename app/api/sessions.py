"""Lunch-and-learn sessions: schedule, list, read, RSVP and feedback (the services the pages use)."""

from flask import request, url_for
from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import ID, choice_field, json_object, text_field
from app.api.schemas import COMPONENTS, CONFIRM_SENSITIVE, REQUESTS, documented, nullable, ref
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.feeds.queries import parse_limit
from app.learning import clock, feedback, inputs, queries, rsvps, services
from app.models import LearningSession
from app.permissions import access, can_manage_session, can_schedule_sessions

_STR, _INT, _TIME = {"type": "string"}, {"type": "integer"}, {"type": "string", "format": "date-time"}
_STATUS = {"enum": ["going", "maybe", "cant", "waiting", None]}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


COMPONENTS.update(
    {
        "Session": _obj(
            {
                "id": _INT,
                "post_id": _INT,
                "title": _STR,
                "description": _STR,
                "html": {"type": "string", "description": "the description, sanitised HTML"},
                "community": ref("CommunityRef"),
                "organiser": ref("Person"),
                "hosts": {"type": "array", "items": ref("Person")},
                "starts_at": _TIME,
                "ends_at": _TIME,
                "time_zone": {"type": "string", "description": "the organisation's zone, e.g. Europe/London"},
                "place": _STR,
                "video_url": _STR,
                "capacity": {"type": ["integer", "null"], "description": "null: no limit"},
                "going_count": _INT,
                "phase": {"enum": ["upcoming", "live", "ended", "cancelled"]},
                "my_rsvp": _STATUS,
                "can_manage": {"type": "boolean"},
                "url": _STR,
            }
        ),
        "SessionList": {
            "type": "object",
            "required": ["items", "next_cursor"],
            "properties": {
                "items": {"type": "array", "items": ref("Session")},
                "next_cursor": {"type": ["string", "null"], "description": "send back as ?cursor="},
            },
        },
        "Rsvp": _obj(
            {
                "status": _STATUS,
                "waitlist_position": {"type": ["integer", "null"], "description": "1 = next in"},
                "going_count": _INT,
                "capacity": {"type": ["integer", "null"]},
            }
        ),
        "Feedback": _obj(
            {
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "apply_text": _STR,
                "updated_at": _TIME,
            }
        ),
    }
)
REQUESTS.update(
    {
        "SessionCreate": _obj(
            {
                "title": {"type": "string", "minLength": 1, "maxLength": services.MAX_TITLE},
                "description": {"type": "string", "minLength": 1, "maxLength": 5000},
                "starts_at": {
                    **_TIME,
                    "description": "ISO 8601; without an offset, the organisation's wall clock",
                },
                "ends_at": _TIME,
                "place": {"type": "string", "maxLength": services.MAX_PLACE},
                "video_url": {"type": "string", "maxLength": services.MAX_URL, "description": "http(s) only"},
                "capacity": nullable({"type": "integer", "minimum": 1, "maximum": services.MAX_CAPACITY}),
                "community_id": {"type": "integer", "minimum": 1, "description": "omit for All staff"},
                "host_ids": {
                    "type": "array",
                    "items": {"type": "integer", "minimum": 1},
                    "maxItems": services.MAX_HOSTS,
                },
                "objective_id": {"type": "integer", "minimum": 1},
                "confirm_sensitive": CONFIRM_SENSITIVE,
            },
            ["title", "description", "starts_at", "ends_at"],
        ),
        "RsvpSet": _obj({"response": {"enum": list(rsvps.RESPONSES)}}),
        "FeedbackSet": _obj(
            {
                "rating": {"type": "integer", "minimum": 1, "maximum": 5},
                "apply_text": {"type": "string", "maxLength": 500},
            },
            ["rating"],
        ),
    }
)
LIST_QUERY = {
    "show": {"enum": list(queries.LISTS), "default": "upcoming"},
    "cursor": {"type": "string", "description": "next_cursor from the previous page"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}


def session_json(session: LearningSession, my_status: str | None, manage: bool) -> dict:
    """One session as JSON (hosts are loaded with the session: no query here)."""
    return {
        "id": session.id,
        "post_id": session.post_id,
        "title": session.title,
        "description": session.post.body_source,
        "html": session.post.body_html,
        "community": serializers.community_ref(session.community),
        "organiser": serializers.person(session.organiser),
        "hosts": [serializers.person(h) for h in session.hosts],
        "starts_at": serializers.iso(session.starts_at),
        "ends_at": serializers.iso(session.ends_at),
        "time_zone": clock.org_zone().key,
        "place": session.place,
        "video_url": session.video_url,
        "capacity": session.capacity,
        "going_count": session.going_count,
        "phase": services.phase(session),
        "my_rsvp": my_status,
        "can_manage": manage,
        "url": url_for("learning.show", session_id=session.id, _external=False),
    }


def _one(session: LearningSession) -> dict:
    mine = rsvps.my_statuses(current_user, [session.id]).get(session.id)
    return session_json(session, mine, can_manage_session(current_user, session))


@bp.route("/sessions")
@access("signed_in")
@documented(response=ref("SessionList"), query=LIST_QUERY)
def list_sessions():
    """Upcoming sessions I may see (soonest first), past ones (latest first), or mine."""
    which = request.args.get("show", "upcoming")
    if which not in queries.LISTS:
        raise ValidationError({"show": f"Choose one of: {', '.join(queries.LISTS)}."})
    rows, next_cursor = queries.paginate(
        queries.session_list(current_user, which),
        which,
        request.args.get("cursor"),
        parse_limit(request.args.get("limit")),
    )
    mine = rsvps.my_statuses(current_user, [s.id for s in rows])
    # Hosting is decided for the page from the loaded hosts, so no query runs per session.
    items = [
        session_json(
            s,
            mine.get(s.id),
            s.organiser_id == current_user.id or any(h.id == current_user.id for h in s.hosts),
        )
        for s in rows
    ]
    return {"items": items, "next_cursor": next_cursor}


@bp.route("/sessions", methods=["POST"])
@access("signed_in")
@documented(request=ref("SessionCreate"), response=ref("Session"), status=201)
def create_session():
    """Schedule a session (comms officers, leaders, session hosts); it is announced in the feed."""
    if not can_schedule_sessions(current_user):
        raise PermissionDenied("Only comms officers, leaders and session hosts can schedule sessions.")
    session = services.schedule_session(current_user, inputs.from_json(json_object()))
    db.session.commit()
    return _one(session), 201, {"Location": url_for("api.get_session", session_id=session.id)}


@bp.route(f"/sessions/<{ID}:session_id>")
@access("signed_in")
@documented(response=ref("Session"))
def get_session(session_id: int):
    """A session I may see."""
    return _one(services.get_session(current_user, session_id))


@bp.route(f"/sessions/<{ID}:session_id>/rsvp", methods=["PUT"])
@access("signed_in")
@documented(request=ref("RsvpSet"), response=ref("Rsvp"))
def set_rsvp(session_id: int):
    """Reply going, maybe or cant; going when it's full puts me on the waiting list."""
    session = services.get_session(current_user, session_id)
    response = choice_field(json_object(), "response", rsvps.RESPONSES)
    mine = rsvps.with_retries(lambda: rsvps.respond(current_user, session, response))
    db.session.refresh(session)
    return {
        "status": mine.status,
        "waitlist_position": mine.position,
        "going_count": session.going_count,
        "capacity": session.capacity,
    }


@bp.route(f"/sessions/<{ID}:session_id>/feedback", methods=["PUT"])
@access("signed_in")
@documented(request=ref("FeedbackSet"), response=ref("Feedback"))
def set_feedback(session_id: int):
    """After it ends, if I attended or was going: my rating 1-5 and one thing I'll apply (editable)."""
    session = services.get_session(current_user, session_id)
    data = json_object()
    row = feedback.give_feedback(current_user, session, data.get("rating"), text_field(data, "apply_text"))
    db.session.commit()
    return {"rating": row.rating, "apply_text": row.apply_text, "updated_at": serializers.iso(row.updated_at)}
