"""Leadership in the governance registry: update receipts, question votes and questions have retention
periods, everything a person did around updates and Ask leadership is in their subject access
download (and erased on request), and a community's updates (and, for All staff, the questions) are
in its disclosure exports. An anonymous question stays anonymous to peers through all of it."""

from sqlalchemy import delete, select, update

from app import events
from app.extensions import db
from app.governance.purge import forget_notifications, placeholder
from app.governance.registry import (
    DisclosureKind,
    PersonalData,
    RetentionKind,
    iso,
    register_disclosure,
    register_keep_rule,
    register_personal_data,
    register_purge_hook,
    register_retention,
)
from app.models import (
    Community,
    Post,
    Question,
    QuestionVote,
    SensitiveConfirmation,
    Update,
    UpdateCommunity,
    UpdateReceipt,
    User,
)

ANONYMOUS = "Anonymous"


def _erased_ids():
    return select(User.id).where(User.erased_at.is_not(None))


def _all_staff_id():
    return select(Community.id).where(Community.is_all_staff.is_(True)).limit(1).scalar_subquery()


def _update_created(column):
    return select(Update.created_at).where(Update.id == column).scalar_subquery()


def _update_community(column):
    return (
        select(Post.community_id)
        .join(Update, Update.post_id == Post.id)
        .where(Update.id == column)
        .scalar_subquery()
    )


register_retention(
    RetentionKind(
        key="update_receipts",
        label="Leadership update receipts",
        description="Who each leadership update was sent to, and when they saw and acknowledged it, by when the "
        "update was published. Acknowledgement figures for an update go with its receipts.",
        model=UpdateReceipt,
        timestamp=_update_created(UpdateReceipt.update_id),
        people=(UpdateReceipt.user_id,),
        community=_update_community(UpdateReceipt.update_id),
        identity=(UpdateReceipt.update_id, UpdateReceipt.user_id),
    )
)
register_retention(
    RetentionKind(
        key="question_votes",
        label="Ask leadership upvotes",
        description="Who upvoted which question to a leader, by when they upvoted. Votes on questions still "
        "waiting for an answer are kept (they decide which are answered first).",
        model=QuestionVote,
        timestamp=QuestionVote.created_at,
        people=(QuestionVote.user_id,),
        community=_all_staff_id(),
        identity=(QuestionVote.question_id, QuestionVote.user_id),
    )
)


def _votes_on_open_questions():
    """An unanswered visible question's votes still rank it for the leader."""
    return QuestionVote.question_id.in_(
        select(Question.id).where(Question.status == "visible", Question.answered_at.is_(None))
    )


register_keep_rule("question_votes", _votes_on_open_questions)


def _remove_questions(ids: list[int]) -> int:
    forget_notifications("question_id", ids)
    db.session.execute(
        delete(SensitiveConfirmation).where(
            SensitiveConfirmation.item_type == "question", SensitiveConfirmation.item_id.in_(ids)
        )
    )
    db.session.execute(
        delete(Question).where(Question.id.in_(ids)).execution_options(synchronize_session=False)
    )
    for question_id in ids:
        events.record("question_removed", question_id=question_id, purged=True)
    return len(ids)


def credit_questions(ids: list[int], who: User) -> int:
    """Credit questions to a placeholder; an anonymous one stays anonymous (the flag is kept)."""
    db.session.execute(
        update(Question)
        .where(Question.id.in_(ids))
        .values(asker_id=who.id)
        .execution_options(synchronize_session=False)
    )
    for question_id in ids:
        events.record("question_anonymised", question_id=question_id)
    return len(ids)


register_retention(
    RetentionKind(
        key="questions",
        label="Ask leadership questions",
        description="Questions to leaders and their answers, by when they were asked. Anonymising keeps the "
        "question and answer and forgets who asked.",
        model=Question,
        timestamp=Question.created_at,
        people=(Question.asker_id, Question.leader_id),
        community=_all_staff_id(),
        remove=_remove_questions,
        anonymise=lambda ids: credit_questions(ids, placeholder("anonymised")),
        anonymised=lambda: Question.asker_id.in_(_erased_ids()),
    )
)


@register_purge_hook
def forget_updates(post_ids: list[int], reply_ids: list[int]) -> None:
    """An update's post removed for good takes the update, its audience and receipts with it (their
    foreign keys cascade; deleted here too so no database setting can leave them behind)."""
    if post_ids:
        doomed = select(Update.id).where(Update.post_id.in_(post_ids))
        forget_notifications("update_id", list(db.session.scalars(doomed)))
        db.session.execute(delete(UpdateReceipt).where(UpdateReceipt.update_id.in_(doomed)))
        db.session.execute(delete(Update).where(Update.post_id.in_(post_ids)))


def _leadership(user: User) -> list[dict]:
    ups = db.session.scalars(
        select(Update)
        .where((Update.leader_id == user.id) | (Update.posted_by_id == user.id))
        .order_by(Update.id)
    )
    receipts = db.session.execute(
        select(UpdateReceipt, Update.title)
        .join(Update, Update.id == UpdateReceipt.update_id)
        .where(UpdateReceipt.user_id == user.id)
        .order_by(UpdateReceipt.update_id)
    ).all()
    asked = db.session.scalars(select(Question).where(Question.asker_id == user.id).order_by(Question.id))
    to_them = db.session.scalars(select(Question).where(Question.leader_id == user.id).order_by(Question.id))
    votes = db.session.scalars(
        select(QuestionVote).where(QuestionVote.user_id == user.id).order_by(QuestionVote.created_at)
    )
    return (
        [
            {
                "update": u.title,
                "update_id": u.id,
                "post_id": u.post_id,
                "as": "leader" if u.leader_id == user.id else "published for " + u.leader.name,
                "text": u.post.body_source,
                "ack_required": u.ack_required,
                "at": iso(u.created_at),
            }
            for u in ups
        ]
        + [
            {
                "received_update": title,
                "update_id": r.update_id,
                "seen_at": iso(r.seen_at),
                "acknowledged_at": iso(r.acknowledged_at),
                "reminded_at": iso(r.reminded_at),
            }
            for r, title in receipts
        ]
        + [
            {
                "asked": q.body_source,
                "question_id": q.id,
                "to": q.leader.name,
                "anonymous": q.anonymous,
                "status": q.status,
                "at": iso(q.created_at),
                "answer": q.answer_source,
            }
            for q in asked
        ]
        # Questions put to them as a leader: never who asked (an anonymous asker stays so).
        + [
            {
                "asked_of_you": q.body_source,
                "question_id": q.id,
                "answer": q.answer_source,
                "at": iso(q.answered_at),
            }
            for q in to_them
        ]
        + [{"upvoted_question_id": v.question_id, "at": iso(v.created_at)} for v in votes]
    )


def _erase(user: User, credited_to: User) -> int:
    """Updates and questions stay (credited to the placeholder, like posts; an anonymous question
    stays anonymous); receipts and upvotes go, like reactions."""
    changed = db.session.execute(
        update(Update).where(Update.leader_id == user.id).values(leader_id=credited_to.id)
    ).rowcount
    changed += db.session.execute(
        update(Update).where(Update.posted_by_id == user.id).values(posted_by_id=credited_to.id)
    ).rowcount
    changed += credit_questions(
        list(db.session.scalars(select(Question.id).where(Question.asker_id == user.id))), credited_to
    )
    changed += db.session.execute(
        update(Question).where(Question.leader_id == user.id).values(leader_id=credited_to.id)
    ).rowcount
    changed += db.session.execute(delete(UpdateReceipt).where(UpdateReceipt.user_id == user.id)).rowcount
    changed += db.session.execute(delete(QuestionVote).where(QuestionVote.user_id == user.id)).rowcount
    db.session.expire_all()
    return changed or 0


register_personal_data(
    PersonalData(
        "leadership",
        "Leadership updates and questions",
        "Updates you published, updates sent to you (when you saw and acknowledged them), questions you "
        "asked (anonymous ones included) or were asked, and your upvotes.",
        _leadership,
        erase=_erase,
    )
)


def _disclosed_updates(community, start, end) -> list[dict]:
    sent_here = select(UpdateCommunity.update_id).where(UpdateCommunity.community_id == community.id)
    rows = db.session.scalars(
        select(Update)
        .join(Post, Post.id == Update.post_id)
        .where(
            (Post.community_id == community.id) | Update.id.in_(sent_here),
            Update.created_at >= start,
            Update.created_at < end,
        )
        .order_by(Update.id)
    )
    return [
        {
            "update_id": u.id,
            "post_id": u.post_id,
            "title": u.title,
            "leader": u.leader.name,
            "published_by": u.posted_by.name if u.posted_by else "",
            "audience": "everyone" if u.everyone else "chosen communities and units",
            "ack_required": "yes" if u.ack_required else "",
            "status": u.post.status,
            "text": u.post.body_source,
            "published_at": iso(u.created_at),
        }
        for u in rows
    ]


register_disclosure(
    DisclosureKind(
        "leadership_updates",
        "Leadership updates",
        (
            "update_id",
            "post_id",
            "title",
            "leader",
            "published_by",
            "audience",
            "ack_required",
            "status",
            "text",
            "published_at",
        ),
        _disclosed_updates,
    )
)


def _disclosed_questions(community, start, end) -> list[dict]:
    # Questions are asked of the whole organisation: they belong to All staff's disclosure only.
    if not community.is_all_staff:
        return []
    rows = db.session.scalars(
        select(Question).where(Question.created_at >= start, Question.created_at < end).order_by(Question.id)
    )
    return [
        {
            "question_id": q.id,
            "leader": q.leader.name,
            # A disclosure is for release: an anonymous asker stays anonymous in it.
            "asker": ANONYMOUS if q.anonymous else q.asker.name,
            "status": q.status,
            "asked_at": iso(q.created_at),
            "text": q.body_source,
            "answer": q.answer_source or "",
            "answered_at": iso(q.answered_at),
        }
        for q in rows
    ]


register_disclosure(
    DisclosureKind(
        "leadership_questions",
        "Ask leadership questions",
        ("question_id", "leader", "asker", "status", "asked_at", "text", "answer", "answered_at"),
        _disclosed_questions,
    )
)
