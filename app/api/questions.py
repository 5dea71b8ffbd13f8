"""Ask leadership (questions, upvotes, answers) and the objectives catalogue with its figures."""

from flask import request, url_for
from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import ID, cursor_and_limit, int_arg, json_object, optional_bool, optional_id, text_field
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
from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import paginate
from app.forms import MAX_ID
from app.insights.objective_stats import objective_totals
from app.leadership import questions
from app.models import Question
from app.objectives import services as objectives
from app.permissions import access

_STR, _INT, _BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_TIME = {"type": "string", "format": "date-time"}

COMPONENTS.update(
    {
        "Question": _obj(
            {
                "id": _INT,
                "leader": ref("Person"),
                "asker": {**nullable(ref("Person")), "description": "null when anonymous to you"},
                "anonymous": _BOOL,
                "body": _STR,
                "html": _STR,
                "votes": _INT,
                "my_vote": _BOOL,
                "answer": {"type": ["string", "null"]},
                "answer_html": {"type": ["string", "null"]},
                "answered_at": nullable(_TIME),
                "created_at": _TIME,
            }
        ),
        "Objective": _obj(
            {
                "id": _INT,
                "name": _STR,
                "description": _STR,
                "owner": nullable(ref("Person")),
                "starts_on": {"type": ["string", "null"], "format": "date"},
                "ends_on": {"type": ["string", "null"], "format": "date"},
                "items": _INT,
                "people_reached": _INT,
                "engagement": _INT,
            }
        ),
    }
)
REQUESTS.update(
    {
        "QuestionCreate": _obj(
            {"leader_id": _INT, "body": _STR, "anonymous": _BOOL, "confirm_sensitive": CONFIRM_SENSITIVE},
            ["leader_id", "body"],
        ),
        "AnswerSet": _obj({"answer": _STR}),
    }
)


def _questions_json(rows: list[Question]) -> list[dict]:
    counts, mine = questions.vote_figures(current_user, rows)
    return [
        {
            "id": q.id,
            "leader": serializers.person(q.leader),
            "asker": serializers.person(q.asker) if questions.can_see_asker(current_user, q) else None,
            "anonymous": q.anonymous,
            "body": q.body_source,
            "html": q.body_html,
            "votes": counts.get(q.id, 0),
            "my_vote": q.id in mine,
            "answer": q.answer_source,
            "answer_html": q.answer_html,
            "answered_at": serializers.iso(q.answered_at),
            "created_at": serializers.iso(q.created_at),
        }
        for q in rows
    ]


@bp.route("/questions")
@access("signed_in")
@documented(
    response=list_of("Question"),
    query={
        **PAGE_QUERY,
        "tab": {"enum": list(questions.TABS), "default": "new"},
        "leader": {"type": "integer", "description": "only questions to this leader"},
    },
)
def list_questions():
    """Questions to leaders: new (default), top, unanswered or answered."""
    tab = request.args.get("tab", "new")
    leader_id = int_arg("leader", 0, MAX_ID) or None
    stmt = questions.question_list(tab, leader_id)
    cursor, limit = cursor_and_limit()
    if cursor is not None and tab != "top":
        stmt = stmt.where(Question.id < cursor)
    rows = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    more = len(rows) > limit and tab != "top"
    rows = rows[:limit]
    return {"items": _questions_json(rows), "next_cursor": rows[-1].id if more and rows else None}


@bp.route("/questions", methods=["POST"])
@access("signed_in")
@documented(request=ref("QuestionCreate"), response=ref("Question"), status=201)
def ask_question():
    """Ask a leader a question, optionally anonymously to colleagues (never to admins)."""
    data = json_object()
    anonymous = data.get("anonymous", False)
    if not isinstance(anonymous, bool):
        raise ValidationError({"anonymous": "Send true or false."})
    row = questions.ask(
        current_user,
        optional_id(data, "leader_id"),
        text_field(data, "body"),
        anonymous,
        optional_bool(data, "confirm_sensitive"),
    )
    db.session.commit()
    return _questions_json([row])[0], 201, {"Location": url_for("api.get_question", question_id=row.id)}


@bp.route(f"/questions/<{ID}:question_id>")
@access("signed_in")
@documented(response=ref("Question"))
def get_question(question_id: int):
    """One question and its answer."""
    return _questions_json([questions.get_question(current_user, question_id)])[0]


@bp.route(f"/questions/<{ID}:question_id>/vote", methods=["PUT"])
@access("signed_in")
@documented(response=ref("Question"))
def upvote_question(question_id: int):
    """Upvote a question (once each; again is harmless)."""
    return _vote(question_id, True)


@bp.route(f"/questions/<{ID}:question_id>/vote", methods=["DELETE"])
@access("signed_in")
@documented(response=ref("Question"))
def withdraw_vote(question_id: int):
    """Take back my upvote."""
    return _vote(question_id, False)


def _vote(question_id: int, on: bool) -> dict:
    row = questions.get_question(current_user, question_id)
    questions.set_vote(current_user, row, on)
    db.session.commit()
    return _questions_json([row])[0]


@bp.route(f"/questions/<{ID}:question_id>/answer", methods=["POST"])
@access("signed_in")
@documented(request=ref("AnswerSet"), response=ref("Question"))
def answer_question(question_id: int):
    """The leader who was asked answers in public."""
    row = questions.get_question(current_user, question_id)
    questions.answer(current_user, row, text_field(json_object(), "answer"))
    db.session.commit()
    return _questions_json([row])[0]


@bp.route("/objectives")
@access("signed_in")
@documented(response=list_of("Objective"))
def list_objectives():
    """Active objectives with their figures (items tagged, people reached, replies and reactions)."""
    rows = objectives.active_objectives()
    totals = objective_totals([o.id for o in rows])
    return {
        "items": [
            {
                "id": o.id,
                "name": o.name,
                "description": o.description,
                "owner": serializers.person(o.owner),
                "starts_on": o.starts_on.isoformat() if o.starts_on else None,
                "ends_on": o.ends_on.isoformat() if o.ends_on else None,
                **{k: totals[o.id][k] for k in ("items", "people_reached", "engagement")},
            }
            for o in rows
        ],
        "next_cursor": None,
    }


@bp.route(f"/objectives/<{ID}:objective_id>/posts")
@access("signed_in")
@documented(response=list_of("Post"), query=PAGE_QUERY)
def objective_posts(objective_id: int):
    """Everything tagged with an objective that I may read, newest first."""
    objective = objectives.get_objective(objective_id)
    cursor, limit = cursor_and_limit()
    return serializers.posts(
        paginate(current_user, objectives.objective_feed(current_user, objective), cursor, limit)
    )
