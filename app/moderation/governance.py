"""Moderation in the governance registry: retention never removes a post or reply a moderation case
is about (the case is the evidence for a decision, a strike or an appeal); decided cases have their
own retention period, after which the case, its reports, decision, appeal and strike go and the item
can follow. A person's reports, decisions about their content, appeals, strikes and pauses are in
their subject access download."""

from sqlalchemy import delete, exists, select, update

from app.extensions import db
from app.governance.registry import (
    PersonalData,
    RetentionKind,
    iso,
    register_keep_rule,
    register_personal_data,
    register_retention,
)
from app.models import (
    Appeal,
    Decision,
    ModerationCase,
    Post,
    PostingRestriction,
    Reply,
    Report,
    Strike,
    User,
)


def _post_has_case():
    return exists(select(ModerationCase.id).where(ModerationCase.post_id == Post.id))


def _reply_has_case():
    return exists(select(ModerationCase.id).where(ModerationCase.reply_id == Reply.id))


for _kind in ("posts", "removed_posts"):
    register_keep_rule(_kind, _post_has_case)
for _kind in ("replies", "removed_replies"):
    register_keep_rule(_kind, _reply_has_case)


def remove_cases(ids: list[int]) -> int:
    """Delete decided cases with their reports, decisions, appeals and strikes (a pause they led to
    keeps its dates, no longer linked)."""
    decisions = select(Decision.id).where(Decision.case_id.in_(ids))
    db.session.execute(
        update(PostingRestriction)
        .where(PostingRestriction.decision_id.in_(decisions))
        .values(decision_id=None)
        .execution_options(synchronize_session=False)
    )
    for model, column in ((Strike, Strike.decision_id), (Appeal, Appeal.decision_id)):
        db.session.execute(
            delete(model).where(column.in_(decisions)).execution_options(synchronize_session=False)
        )
    db.session.execute(
        delete(Decision).where(Decision.case_id.in_(ids)).execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Report).where(Report.case_id.in_(ids)).execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(ModerationCase).where(ModerationCase.id.in_(ids)).execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return len(ids)


register_retention(
    RetentionKind(
        key="moderation_cases",
        label="Decided moderation cases",
        description="Reports, decisions, appeals and strikes, by when the case was decided. Posts and replies a "
        "case is about are kept until the case goes. Keep them at least as long as strikes count (180 days).",
        model=ModerationCase,
        timestamp=ModerationCase.decided_at,
        created=ModerationCase.created_at,
        people=(ModerationCase.author_id, ModerationCase.subject_id),
        community=ModerationCase.community_id,
        where=ModerationCase.status == "decided",
        remove=remove_cases,
    )
)


def _moderation(user: User) -> list[dict]:
    reports = db.session.scalars(select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    decisions = db.session.scalars(
        select(Decision)
        .join(ModerationCase, ModerationCase.id == Decision.case_id)
        .where(ModerationCase.author_id == user.id)
    )
    appeals = db.session.scalars(select(Appeal).where(Appeal.author_id == user.id))
    strikes = db.session.scalars(select(Strike).where(Strike.user_id == user.id))
    pauses = db.session.scalars(select(PostingRestriction).where(PostingRestriction.user_id == user.id))
    # Moderators' names are left out: they are other people's data, and the decisions speak for them.
    return (
        [
            {
                "reported": r.target_key,
                "clause": r.clause.title if r.clause else None,
                "details": r.details,
                "at": iso(r.created_at),
            }
            for r in reports
        ]
        + [
            {
                "decision_on": d.case.target_key,
                "decision": d.intent,
                "explanation": d.explanation,
                "at": iso(d.created_at),
            }
            for d in decisions
        ]
        + [
            {"appeal": a.text, "status": a.status, "response": a.response, "at": iso(a.created_at)}
            for a in appeals
        ]
        + [{"strike_at": iso(s.created_at), "voided_at": iso(s.voided_at)} for s in strikes]
        + [
            {
                "posting_paused_from": iso(p.starts_at),
                "until": iso(p.ends_at),
                "reason": p.reason,
                "lifted_at": iso(p.lifted_at),
            }
            for p in pauses
        ]
    )


register_personal_data(
    PersonalData(
        "moderation",
        "Moderation",
        "Reports you made, decisions about what you wrote (with the explanation you were given), your appeals, "
        "strikes and posting pauses. These stay as the moderation record after an erasure, no longer naming you.",
        _moderation,
    )
)
