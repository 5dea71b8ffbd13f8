"""People and communities as searchable types (the "People" and "Communities" tabs)."""

from collections.abc import Sequence

from sqlalchemy import or_, select

from app.extensions import db
from app.models import Community, Event, Unit, User
from app.permissions import listed_communities, listed_community_ids, searchable_people
from app.search.registry import Doc, Result, SearchType, events_named, register_type

# Events after which a person's entry may have changed: a new account, profile edits, confirming
# an email, roles, leaving and returning.
_PERSON_EVENTS = frozenset({"user_created", "user_updated", "user_deactivated"})


def _unit_name(unit: Unit | None) -> str:
    if unit is None:
        return ""
    return f"{unit.parent.name} › {unit.name}" if unit.parent is not None else unit.name


def person_documents(ids: Sequence[int]) -> dict[int, Doc]:
    """Active people: name as the title; job title, unit, handle and bio as the text."""
    people = db.session.scalars(searchable_people().where(User.id.in_(ids))).unique()
    return {
        p.id: Doc(
            id=p.id, title=p.name, body=" ".join((p.job_title, _unit_name(p.unit), f"@{p.handle}", p.bio))
        )
        for p in people
    }


def indexable_person_ids():
    """Every person who belongs in the index."""
    return searchable_people().with_only_columns(User.id).order_by(User.id)


def people_in_events(events: Sequence[Event]) -> set[int]:
    """People whose profile, role or status may have changed."""
    ids = events_named(events, "user_", "id")
    ids |= {e.user_id for e in events if e.name in _PERSON_EVENTS and e.user_id is not None}
    units = events_named(events, "unit_", "unit_id")
    if units:  # a renamed or moved unit: its people, and its sub-units' (their entry names the parent)
        ids |= set(
            db.session.scalars(
                select(User.id)
                .join(Unit, Unit.id == User.unit_id)
                .where(or_(Unit.id.in_(units), Unit.parent_id.in_(units)))
            )
        )
    return ids


def visible_people(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    """Active people, as results linking to their profile."""
    people = db.session.scalars(searchable_people().where(User.id.in_(ids))).unique()
    return {
        p.id: Result(
            id=p.id,
            title=p.name,
            text=p.bio,
            endpoint="people.profile",
            values={"user_id": p.id},
            context=" · ".join(part for part in (p.job_title, _unit_name(p.unit)) if part),
        )
        for p in people
    }


def community_documents(ids: Sequence[int]) -> dict[int, Doc]:
    """Communities: name as the title, description as the text (their kind is checked at query time)."""
    rows = db.session.execute(
        select(Community.id, Community.name, Community.description).where(Community.id.in_(ids))
    ).all()
    return {r.id: Doc(id=r.id, title=r.name, body=r.description, community_id=r.id) for r in rows}


def indexable_community_ids():
    """Every community (a secret one is filtered out of results for non-members)."""
    return select(Community.id).order_by(Community.id)


def communities_in_events(events: Sequence[Event]) -> set[int]:
    """Communities created (their first membership), renamed, re-described, moved to another kind."""
    return {
        e.community_id
        for e in events
        if e.community_id is not None and (e.name.startswith("community_") or e.name == "membership_created")
    }


_KINDS = {"public": "Public community", "private": "Private community", "secret": "Secret community"}


def visible_communities(viewer: User, ids: Sequence[int]) -> dict[int, Result]:
    """Communities the viewer may know exist, as results."""
    rows = db.session.scalars(listed_communities(viewer).where(Community.id.in_(ids)))
    return {
        c.id: Result(
            id=c.id,
            title=c.name,
            text=c.description,
            endpoint="communities.show",
            values={"slug": c.slug},
            context=_KINDS[c.visibility] + (" · archived" if c.is_archived else ""),
        )
        for c in rows
    }


register_type(
    SearchType(
        name="person",
        tab="people",
        tab_label="People",
        label="Person",
        documents=person_documents,
        all_ids=indexable_person_ids,
        changed_ids=people_in_events,
        load=visible_people,
        scope=None,
        authored=False,
        order=20,
    )
)
register_type(
    SearchType(
        name="community",
        tab="communities",
        tab_label="Communities",
        label="Community",
        documents=community_documents,
        all_ids=indexable_community_ids,
        changed_ids=communities_in_events,
        load=visible_communities,
        scope=listed_community_ids,
        authored=False,
        order=30,
    )
)
