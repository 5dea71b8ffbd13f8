"""The moderators' queue (new, in review, decided), sorted by severity then age, and a case in context."""

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from app.errors import ValidationError
from app.extensions import db
from app.models import (
    Appeal,
    Decision,
    ModerationCase,
    PostingRestriction,
    Reply,
    Report,
    Revision,
    Strike,
    User,
)
from app.moderation import restrictions
from app.permissions import cases_visible_to

PAGE_SIZE = 25
TABS = ("new", "in_review", "decided")
_CURSOR = re.compile(r"^([1-3])-(\d{1,10})$")


def _base(moderator: User):
    return select(ModerationCase).where(cases_visible_to(moderator))


def queue_page(moderator: User, status: str, cursor: str | None) -> tuple[list[ModerationCase], str | None]:
    """One page of a tab: open cases by severity (highest first) then age (oldest first); decided ones
    newest first. The cursor is "severity-id" for open tabs and the id for decided."""
    if status not in TABS:
        raise ValidationError({"status": "Choose new, in review or decided."})
    stmt = _base(moderator).where(ModerationCase.status == status)
    stmt = stmt.options(selectinload(ModerationCase.reports))
    if status == "decided":
        stmt = stmt.options(selectinload(ModerationCase.decisions)).order_by(ModerationCase.id.desc())
        if cursor and cursor.isdigit() and len(cursor) < 11:
            stmt = stmt.where(ModerationCase.id < int(cursor))
    else:
        stmt = stmt.order_by(ModerationCase.severity.desc(), ModerationCase.id)
        match = _CURSOR.match(cursor or "")
        if match:
            severity, last = int(match.group(1)), int(match.group(2))
            stmt = stmt.where(
                or_(
                    ModerationCase.severity < severity,
                    and_(ModerationCase.severity == severity, ModerationCase.id > last),
                )
            )
    rows = list(db.session.scalars(stmt.limit(PAGE_SIZE + 1)).unique())
    page = rows[:PAGE_SIZE]
    if len(rows) <= PAGE_SIZE or not page:
        return page, None
    last_row = page[-1]
    return page, str(last_row.id) if status == "decided" else f"{last_row.severity}-{last_row.id}"


def tab_counts(moderator: User) -> dict[str, int]:
    """How many cases are new and in review, and how many appeals wait."""
    counts = dict(
        db.session.execute(
            select(ModerationCase.status, func.count())
            .where(cases_visible_to(moderator), ModerationCase.status != "decided")
            .group_by(ModerationCase.status)
        ).all()
    )
    appeals = db.session.scalar(
        select(func.count())
        .select_from(Appeal)
        .join(Decision, Decision.id == Appeal.decision_id)
        .join(ModerationCase, ModerationCase.id == Decision.case_id)
        .where(Appeal.status == "open", cases_visible_to(moderator))
    )
    return {"new": counts.get("new", 0), "in_review": counts.get("in_review", 0), "appeals": appeals or 0}


def new_count(moderator: User) -> int:
    """New cases the moderator may handle (the header badge)."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ModerationCase)
            .where(ModerationCase.status == "new", cases_visible_to(moderator))
        )
        or 0
    )


@dataclass
class CaseContext:
    """What a moderator sees beside a case: the thread, the item's history and the author's record."""

    replies: list[Reply] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)
    earlier: list[Decision] = field(default_factory=list)  # earlier decisions on this same item
    history: list[Decision] = field(default_factory=list)  # the author's other outcomes
    strikes: list[Strike] = field(default_factory=list)
    restriction: PostingRestriction | None = None
    suggestion: dict | None = None
    reports: list[Report] = field(default_factory=list)


def case_context(case: ModerationCase) -> CaseContext:
    """The case's thread (a post's replies, or the reply's thread), revisions and the author's record."""
    context = CaseContext(reports=list(case.reports))
    if case.post_id is not None:
        context.replies = list(
            db.session.scalars(select(Reply).where(Reply.post_id == case.post_id).order_by(Reply.id))
        )
    if case.reply_id is not None:
        context.revisions = _revisions(Revision.reply_id == case.reply_id)
    elif case.post_id is not None:
        context.revisions = _revisions(Revision.post_id == case.post_id)
    decisions = (
        select(Decision)
        .join(ModerationCase, ModerationCase.id == Decision.case_id)
        .where(Decision.case_id != case.id)
        .order_by(Decision.id.desc())
    )
    context.earlier = list(db.session.scalars(decisions.where(ModerationCase.target_key == case.target_key)))
    context.history = list(
        db.session.scalars(
            decisions.where(
                ModerationCase.author_id == case.author_id, ModerationCase.target_key != case.target_key
            ).limit(20)
        )
    )
    author = case.author
    context.strikes = restrictions.active_strikes(author)
    context.restriction = restrictions.active_restriction(author.id)
    context.suggestion = restrictions.suggestion(author)
    return context


def _revisions(where) -> list[Revision]:
    return list(db.session.scalars(select(Revision).where(where).order_by(Revision.id.desc())))
