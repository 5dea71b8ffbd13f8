"""Lunch-and-learn sessions in the governance registry: materials and feedback have retention
periods, material files go with purged session posts, everything a person did around sessions is in
their subject access download (and erased on request), and a community's sessions are in its
disclosure exports."""

from sqlalchemy import delete, select, update

from app.extensions import db
from app.governance.registry import (
    DisclosureKind,
    PersonalData,
    RetentionKind,
    iso,
    register_disclosure,
    register_personal_data,
    register_purge_hook,
    register_retention,
)
from app.learning import clock
from app.learning.materials import media_root
from app.learning.rsvps import _free_seat, promote_waiting
from app.media import delete_after_commit
from app.models import (
    CalendarToken,
    LearningSession,
    SensitiveConfirmation,
    SessionFeedback,
    SessionHost,
    SessionHostGrant,
    SessionMaterial,
    SessionQuestion,
    SessionQuestionVote,
    SessionRsvp,
    User,
)


def _forget_files(materials) -> None:
    for material in materials:
        if material.file_key:
            delete_after_commit(media_root() / material.file_key)


@register_purge_hook
def forget_material_files(post_ids: list[int], reply_ids: list[int]) -> None:
    """A purged session post takes its session and materials (foreign keys cascade); the files and
    the sensitive-content confirmations about the session go too."""
    if post_ids:
        sessions = select(LearningSession.id).where(LearningSession.post_id.in_(post_ids))
        _forget_files(
            db.session.scalars(select(SessionMaterial).where(SessionMaterial.session_id.in_(sessions)))
        )
        db.session.execute(
            delete(SensitiveConfirmation).where(
                SensitiveConfirmation.item_type == "session", SensitiveConfirmation.item_id.in_(sessions)
            )
        )


def _remove_materials(ids: list[int]) -> int:
    _forget_files(db.session.scalars(select(SessionMaterial).where(SessionMaterial.id.in_(ids))))
    db.session.execute(delete(SessionMaterial).where(SessionMaterial.id.in_(ids)))
    return len(ids)


def _session_community(column):
    return select(LearningSession.community_id).where(LearningSession.id == column).scalar_subquery()


register_retention(
    RetentionKind(
        key="session_materials",
        label="Session materials",
        description="Files and links hosts added to sessions, by when they were added (files are deleted too). "
        "Anonymising keeps the material and forgets who added it.",
        model=SessionMaterial,
        timestamp=SessionMaterial.created_at,
        people=(SessionMaterial.added_by_id,),
        community=_session_community(SessionMaterial.session_id),
        remove=_remove_materials,
        anonymise=lambda ids: (
            db.session.execute(
                update(SessionMaterial).where(SessionMaterial.id.in_(ids)).values(added_by_id=None)
            ).rowcount
        ),
        anonymised=lambda: SessionMaterial.added_by_id.is_(None),
    )
)


def _activity(user: User) -> list[dict]:
    organised = db.session.scalars(select(LearningSession).where(LearningSession.organiser_id == user.id))
    hosted = db.session.scalars(
        select(LearningSession)
        .join(SessionHost, SessionHost.session_id == LearningSession.id)
        .where(SessionHost.user_id == user.id)
    )
    rsvps = db.session.scalars(select(SessionRsvp).where(SessionRsvp.user_id == user.id))
    feedback = db.session.scalars(select(SessionFeedback).where(SessionFeedback.user_id == user.id))
    questions = db.session.scalars(select(SessionQuestion).where(SessionQuestion.author_id == user.id))
    votes = db.session.scalars(select(SessionQuestionVote).where(SessionQuestionVote.user_id == user.id))
    materials = db.session.scalars(select(SessionMaterial).where(SessionMaterial.added_by_id == user.id))
    token = db.session.get(CalendarToken, user.id)
    grant = db.session.get(SessionHostGrant, user.id)
    return (
        [{"organised": s.title, "session_id": s.id, "starts_at": iso(s.starts_at)} for s in organised]
        + [{"hosted": s.title, "session_id": s.id, "starts_at": iso(s.starts_at)} for s in hosted]
        + [
            {"rsvp": r.status, "session_id": r.session_id, "attended": r.attended, "at": iso(r.updated_at)}
            for r in rsvps
        ]
        + [{"feedback_rating": f.rating, "apply": f.apply_text, "session_id": f.session_id} for f in feedback]
        + [
            {"question": q.body_source, "session_id": q.session_id, "at": iso(q.created_at)}
            for q in questions
        ]
        + [{"upvoted_question_id": v.question_id, "at": iso(v.created_at)} for v in votes]
        + [
            {"material": m.title, "session_id": m.session_id, "file": m.file_name, "at": iso(m.created_at)}
            for m in materials
        ]
        + ([{"calendar_feed_since": iso(token.created_at)}] if token else [])
        + ([{"session_host_since": iso(grant.created_at)}] if grant else [])
    )


def _erase(user: User, credited_to: User) -> int:
    """Sessions and questions they wrote stay (credited to the placeholder); their replies free their
    seats for the waiting list; votes, feedback, host roles and the calendar feed go."""
    changed = 0
    for rsvp in list(db.session.scalars(select(SessionRsvp).where(SessionRsvp.user_id == user.id))):
        session = db.session.get(LearningSession, rsvp.session_id)
        was_going = rsvp.status == "going"
        db.session.delete(rsvp)
        db.session.flush()
        if was_going:
            _free_seat(session.id)
            if session.ends_at > clock.now() and not session.is_cancelled:
                promote_waiting(session)
        changed += 1
    for vote in list(
        db.session.scalars(select(SessionQuestionVote).where(SessionQuestionVote.user_id == user.id))
    ):
        db.session.execute(
            update(SessionQuestion)
            .where(SessionQuestion.id == vote.question_id, SessionQuestion.vote_count > 0)
            .values(vote_count=SessionQuestion.vote_count - 1)
        )
        db.session.delete(vote)
        changed += 1
    changed += db.session.execute(
        update(SessionQuestion).where(SessionQuestion.author_id == user.id).values(author_id=credited_to.id)
    ).rowcount
    changed += db.session.execute(
        update(LearningSession)
        .where(LearningSession.organiser_id == user.id)
        .values(organiser_id=credited_to.id)
    ).rowcount
    changed += db.session.execute(
        update(SessionMaterial).where(SessionMaterial.added_by_id == user.id).values(added_by_id=None)
    ).rowcount
    for model in (SessionFeedback, SessionHost, SessionHostGrant, CalendarToken):
        changed += db.session.execute(delete(model).where(model.user_id == user.id)).rowcount
    db.session.flush()
    return changed


register_personal_data(
    PersonalData(
        "sessions",
        "Lunch-and-learn sessions",
        "Sessions you organised or hosted, your replies, feedback, questions and votes, materials you "
        "added, and your calendar feed.",
        _activity,
        erase=_erase,
    )
)


def _disclosed(community, start, end) -> list[dict]:
    rows = db.session.scalars(
        select(LearningSession)
        .where(
            LearningSession.community_id == community.id,
            LearningSession.created_at >= start,
            LearningSession.created_at < end,
        )
        .order_by(LearningSession.id)
    )
    return [
        {
            "post_id": s.post_id,
            "title": s.title,
            "starts_at": iso(s.starts_at),
            "ends_at": iso(s.ends_at),
            "place": s.place,
            "organiser": s.organiser.name,
            "cancelled": "yes" if s.is_cancelled else "",
        }
        for s in rows
    ]


register_disclosure(
    DisclosureKind(
        "sessions",
        "Lunch-and-learn sessions",
        ("post_id", "title", "starts_at", "ends_at", "place", "organiser", "cancelled"),
        _disclosed,
    )
)
