"""Who may moderate what: site moderators (and admins) handle cases in communities they may read.

A report from a private or secret community reaches only admins and moderators who belong to it, so
the queue never shows a moderator content (or a secret community's name) they couldn't read.
"""

from sqlalchemy import ColumnElement, or_

from app.models import Decision, ModerationCase, User
from app.permissions.communities import can_see_content, visible_community_ids
from app.permissions.roles import has_role


def is_moderator(user: User | None) -> bool:
    """Site moderators and admins."""
    return has_role(user, "moderator")


def cases_visible_to(user: User) -> ColumnElement[bool]:
    """A filter on ModerationCase: profile cases, and cases in communities the person may read."""
    return or_(
        ModerationCase.community_id.is_(None), ModerationCase.community_id.in_(visible_community_ids(user))
    )


def can_handle_case(user: User | None, case: ModerationCase) -> bool:
    """A moderator who may read the community the item is in."""
    if not is_moderator(user):
        return False
    return case.community is None or can_see_content(user, case.community)


def can_view_decision(user: User | None, decision: Decision) -> bool:
    """The author it is about, and the moderators who may handle its case."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return decision.case.author_id == user.id or can_handle_case(user, decision.case)
