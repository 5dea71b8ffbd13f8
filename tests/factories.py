"""Factories for tests: people, units and communities with sensible defaults."""

import itertools

from app.auth.services import create_user
from app.communities.services import create_community
from app.extensions import db
from app.models import Community, Membership, PolicyAcceptance, Unit, User
from app.policy.services import current_version

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_unit(name: str | None = None, parent: Unit | None = None) -> Unit:
    """A unit with a unique name."""
    unit = Unit(name=name or f"Unit {next(_seq)}", parent=parent)
    db.session.add(unit)
    db.session.flush()
    return unit


def make_user(
    name: str | None = None,
    role: str = "member",
    email: str | None = None,
    accept_policy: bool = True,
    **kwargs,
) -> User:
    """A confirmed, active person with the shared test password who has accepted the current
    acceptable use policy, if one is published (accept_policy=False for someone who hasn't)."""
    n = next(_seq)
    user = create_user(
        email or f"person{n}@example.police.uk", name or f"Person {n}", PASSWORD, role=role, **kwargs
    )
    current = current_version()
    if accept_policy and current is not None:
        db.session.add(PolicyAcceptance(user_id=user.id, version_id=current.id))
    db.session.commit()
    return user


def make_community(
    owner: User,
    visibility: str = "public",
    name: str | None = None,
    members: list[User] = (),
    description: str = "",
) -> Community:
    """A community owned by `owner`, with extra plain members."""
    community = create_community(owner, name or f"Community {next(_seq)}", description, visibility)
    for member in members:
        db.session.add(Membership(community_id=community.id, user_id=member.id, role="member"))
    db.session.commit()
    return community
