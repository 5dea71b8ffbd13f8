"""Suggestions as you type in the header box: people and communities whose names start with it.

Straight from the database, so a new colleague or a renamed community shows at once, and through
the same visibility rules as everything else: a secret community only for its members.
"""

from sqlalchemy import case, or_

from app.extensions import db
from app.forms import clean_text
from app.models import Community, User
from app.permissions import listed_communities, searchable_people

LIMIT = 5
MAX_TYPED = 80


def _starts_a_word(column, typed: str):
    return or_(column.istartswith(typed, autoescape=True), column.icontains(" " + typed, autoescape=True))


def suggest(viewer: User, typed: str | None) -> dict[str, list]:
    """Up to five people and five communities for what has been typed so far."""
    typed = clean_text(typed)[:MAX_TYPED].lstrip("@#")
    if not typed:
        return {"people": [], "communities": []}
    people = db.session.scalars(
        searchable_people()
        .where(or_(_starts_a_word(User.name, typed), User.handle.istartswith(typed, autoescape=True)))
        .order_by(case((User.name.istartswith(typed, autoescape=True), 0), else_=1), User.name, User.id)
        .limit(LIMIT)
    ).unique()
    communities = db.session.scalars(
        listed_communities(viewer)
        .where(_starts_a_word(Community.name, typed))
        .order_by(
            Community.archived_at.is_not(None),
            case((Community.name.istartswith(typed, autoescape=True), 0), else_=1),
            Community.name,
        )
        .limit(LIMIT)
    )
    return {"people": list(people), "communities": list(communities)}
