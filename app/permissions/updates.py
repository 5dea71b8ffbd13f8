"""Who sees a leadership update: one audience rule, as a check, as SQL filters and as recipient lists.

An update's post lives in All staff, so the community rule alone would show it to everyone; this rule
narrows it. It is used by pages and the API (posts.services.can_see_post), feeds (feeds.queries),
sockets (realtime.push) and the event catch-up (events.visible_events), and the digest
(leadership.digest). Admins, the leader it speaks for and whoever posted it always see it.
"""

from flask import g, has_app_context
from sqlalchemy import ColumnElement, Select, and_, false, not_, or_, select, true
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Membership, Post, Unit, Update, UpdateCommunity, UpdateUnit, User
from app.permissions.roles import has_role, is_admin


def _active(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _unit_parents(session: Session) -> dict[int, int | None]:
    """Every unit's parent (units are few; cached for the request)."""
    if has_app_context() and session is db.session() and "unit_parents" in g:
        return g.unit_parents
    parents = dict(session.execute(select(Unit.id, Unit.parent_id)).all())
    if has_app_context() and session is db.session():
        g.unit_parents = parents
    return parents


def unit_ancestors(unit_id: int | None, session: Session | None = None) -> list[int]:
    """The unit and every unit above it (an update to "Operations" reaches "Operations › Response")."""
    if unit_id is None:
        return []
    parents = _unit_parents(session or db.session())
    chain: list[int] = []
    current: int | None = unit_id
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def unit_descendants(unit_ids: list[int], session: Session | None = None) -> set[int]:
    """The units and every unit inside them."""
    parents = _unit_parents(session or db.session())
    found = set(unit_ids)
    frontier = set(unit_ids)
    while frontier:
        frontier = {uid for uid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _addressed_parts(user: User) -> list[ColumnElement[bool]]:
    mine = select(Membership.community_id).where(Membership.user_id == user.id)
    parts = [
        Update.everyone.is_(True),
        Update.id.in_(select(UpdateCommunity.update_id).where(UpdateCommunity.community_id.in_(mine))),
    ]
    ancestors = unit_ancestors(user.unit_id)
    if ancestors:
        parts.append(Update.id.in_(select(UpdateUnit.update_id).where(UpdateUnit.unit_id.in_(ancestors))))
    return parts


def addressed_clause(user: User) -> ColumnElement[bool]:
    """SQL over Update: updates addressed to the person (everyone, their communities, their units), who
    is asked to acknowledge them; never their own (as the leader or the poster)."""
    if not _active(user):
        return false()
    return and_(
        or_(*_addressed_parts(user)),
        Update.leader_id != user.id,
        or_(Update.posted_by_id.is_(None), Update.posted_by_id != user.id),
    )


def audience_clause(user: User) -> ColumnElement[bool]:
    """SQL over Update: the updates this person may see (addressed to them, theirs, or any for admins)."""
    if not _active(user):
        return false()
    if is_admin(user):
        return true()
    return or_(*_addressed_parts(user), Update.leader_id == user.id, Update.posted_by_id == user.id)


def can_see_update(user: User, update: Update) -> bool:
    """Whether the person may see this update (the same rule as the SQL filters, by construction)."""
    if not _active(user):
        return False
    stmt = select(Update.id).where(Update.id == update.id, audience_clause(user))
    return db.session.scalar(stmt) is not None


def can_see_update_post(user: User, post: Post) -> bool:
    """For any post: True unless it is an update outside the person's audience."""
    if post.kind != "update":
        return True
    if not _active(user):
        return False
    return (
        db.session.scalar(select(Update.id).where(Update.post_id == post.id, audience_clause(user)))
        is not None
    )


def hidden_update_posts(user: User) -> Select:
    """Ids of update posts the person may not see (few: most updates go to everyone)."""
    return select(Update.post_id).where(not_(audience_clause(user)))


def audience_limited_update_posts() -> Select:
    """Ids of update posts not addressed to everyone. Search leaves them out of its index: the index
    scopes by community, and these sit in All staff, so their words and counts would reach everyone."""
    return select(Update.post_id).where(Update.everyone.is_(False))


def post_visibility_clause(user: User) -> ColumnElement[bool]:
    """SQL over Post for lists and feeds: every post except updates outside the person's audience."""
    if is_admin(user):
        return true()
    return or_(Post.kind != "update", Post.id.not_in(hidden_update_posts(user)))


def can_manage_update(user: User, update: Update) -> bool:
    """The leader it speaks for, whoever posted it, and admins see its figures and send the reminder."""
    return _active(user) and (is_admin(user) or user.id in (update.leader_id, update.posted_by_id))


def can_publish_updates(user: User) -> bool:
    """Leaders publish for themselves; comms officers (and admins) for a leader."""
    return has_role(user, "leader", "comms")


def _in_audience(update: Update, session: Session) -> ColumnElement[bool]:
    """SQL over User: the people the update was addressed to (everyone, communities, units)."""
    if update.everyone:
        return true()
    parts: list[ColumnElement[bool]] = [
        User.id.in_(
            select(Membership.user_id).where(
                Membership.community_id.in_(
                    select(UpdateCommunity.community_id).where(UpdateCommunity.update_id == update.id)
                )
            )
        )
    ]
    chosen = list(session.scalars(select(UpdateUnit.unit_id).where(UpdateUnit.update_id == update.id)))
    if chosen:
        parts.append(User.unit_id.in_(unit_descendants(chosen, session)))
    return or_(*parts)


def _active_people() -> Select:
    return select(User.id).where(User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))


def recipients(update: Update, session: Session | None = None) -> Select:
    """Ids of active people the update is for (not the leader or the person who posted it)."""
    session = session or db.session()
    authors = [uid for uid in (update.leader_id, update.posted_by_id) if uid is not None]
    return _active_people().where(_in_audience(update, session), User.id.not_in(authors))


def readers(update: Update, session: Session | None = None) -> Select:
    """Ids of every active person who may see the update: recipients, admins, its leader and poster."""
    session = session or db.session()
    authors = [uid for uid in (update.leader_id, update.posted_by_id) if uid is not None]
    return _active_people().where(
        or_(_in_audience(update, session), User.role == "admin", User.id.in_(authors))
    )
