"""Objective services: the catalogue (create, edit, archive, targets), choosing one for a post, defaults,
and the links and sessions tagged with one."""

from datetime import date

from sqlalchemy import Select, delete, func, select

from app import audit, events
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import MAX_ID, clean_text, optional_id
from app.models import (
    TARGET_METRICS,
    Community,
    CuratedLink,
    LearningSession,
    Objective,
    ObjectiveTarget,
    Post,
    User,
    utcnow,
)
from app.permissions import can_manage_community, has_role, is_admin, visible_community_ids
from app.permissions.links import visible_links

MAX_NAME, MAX_DESCRIPTION = 120, 2000
MAX_TARGET = 10**9
# A composer's choice: "default" (the community's objective), None (no objective) or an objective id.
DEFAULT = "default"
TARGET_LABELS = {
    "items": "items tagged",
    "people_reached": "people reached",
    "engagement": "replies and reactions",
}


def active_objectives() -> list[Objective]:
    """Objectives that may be chosen now (not archived), by name."""
    return list(
        db.session.scalars(select(Objective).where(Objective.archived_at.is_(None)).order_by(Objective.name))
    )


def all_objectives() -> list[Objective]:
    """The whole catalogue for admins, active ones first."""
    return list(
        db.session.scalars(select(Objective).order_by(Objective.archived_at.is_not(None), Objective.name))
    )


def get_objective(objective_id: int) -> Objective:
    """The objective with this id (archived ones too), or NotFound."""
    objective = db.session.get(Objective, objective_id) if 0 < objective_id <= MAX_ID else None
    if objective is None:
        raise NotFound("We couldn't find that objective.")
    return objective


def parse_choice(raw: str | None, field: str = "objective_id") -> int | str | None:
    """A form's objective field: blank means the community's default, "none" means no objective."""
    raw = (raw or "").strip()
    if raw == "":
        return DEFAULT
    if raw == "none":
        return None
    return optional_id(raw, field)


def chosen_objective(choice: int | str | None, field: str = "objective_id") -> int | None:
    """An explicit choice checked against the catalogue: an active objective's id, or None."""
    if choice is None or choice == DEFAULT:
        return None
    objective = (
        db.session.get(Objective, choice) if isinstance(choice, int) and 0 < choice <= MAX_ID else None
    )
    if objective is None or objective.archived_at is not None:
        raise ValidationError({field: "Choose an objective from the list."})
    return objective.id


def objective_for_post(choice: int | str | None, community: Community) -> int | None:
    """The objective a new post serves: the author's explicit choice, else the community's default."""
    if choice == DEFAULT:
        default = (
            db.session.get(Objective, community.default_objective_id)
            if community.default_objective_id
            else None
        )
        return default.id if default is not None and default.archived_at is None else None
    return chosen_objective(choice)


def leader_choices(current: User | None = None) -> list[User]:
    """Active leaders an objective can belong to (and its current owner, whoever they are)."""
    people = list(
        db.session.scalars(
            select(User).where(User.role == "leader", User.deactivated_at.is_(None)).order_by(User.name)
        )
    )
    if current is not None and current not in people:
        people.insert(0, current)
    return people


def _parse_date(raw: str, field: str, errors: dict) -> date | None:
    raw = clean_text(raw)
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        errors[field] = "Use a date like 2027-04-01."
        return None
    if not 2000 <= value.year <= 2100:
        errors[field] = "Use a date between 2000 and 2100."
        return None
    return value


def _parse_targets(raw: dict[str, str], errors: dict) -> dict[str, int]:
    targets: dict[str, int] = {}
    for metric in TARGET_METRICS:
        text = clean_text(raw.get(metric, ""))
        if not text:
            continue
        if not text.isascii() or not text.isdigit() or len(text) > 10 or not 0 < int(text) <= MAX_TARGET:
            errors[f"target_{metric}"] = "Use a whole number from 1 to 1,000,000,000."
            continue
        targets[metric] = int(text)
    return targets


def _check(fields: dict, objective: Objective | None = None) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    name = clean_text(fields.get("name", ""))
    description = clean_text(fields.get("description", ""), multiline=True)
    if not name:
        errors["name"] = "Give the objective a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Use at most {MAX_NAME} characters (you have {len(name)})."
    else:
        clash = select(Objective.id).where(func.lower(Objective.name) == name.lower())
        if objective is not None:
            clash = clash.where(Objective.id != objective.id)
        if db.session.scalar(clash) is not None:
            errors["name"] = "An objective with this name already exists."
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Use at most {MAX_DESCRIPTION:,} characters (you have {len(description):,})."
    owner = None
    try:
        owner_id = optional_id(fields.get("owner_id"), "owner_id")
        owner = db.session.get(User, owner_id) if owner_id else None
    except ValidationError as exc:
        errors |= exc.fields
    else:
        if owner is None or not has_role(owner, "leader"):
            errors["owner_id"] = "Choose the leader who owns this objective."
    starts_on = _parse_date(fields.get("starts_on", ""), "starts_on", errors)
    ends_on = _parse_date(fields.get("ends_on", ""), "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date must be on or after the start date."
    targets = _parse_targets({m: fields.get(f"target_{m}", "") for m in TARGET_METRICS}, errors)
    values = {
        "name": name,
        "description": description,
        "owner_id": owner.id if owner else None,
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    return errors, {"values": values, "targets": targets}


def _require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise PermissionDenied("Only admins keep the objectives catalogue.")


def _save_targets(objective: Objective, targets: dict[str, int]) -> None:
    db.session.execute(delete(ObjectiveTarget).where(ObjectiveTarget.objective_id == objective.id))
    db.session.add_all(
        ObjectiveTarget(objective_id=objective.id, metric=m, value=v) for m, v in targets.items()
    )
    db.session.flush()


def targets_of(objective: Objective) -> dict[str, int]:
    """The objective's targets by metric."""
    rows = db.session.execute(
        select(ObjectiveTarget.metric, ObjectiveTarget.value).where(
            ObjectiveTarget.objective_id == objective.id
        )
    )
    return dict(rows.all())


def create_objective(admin: User, fields: dict) -> Objective:
    """Add an objective to the catalogue: name, description, owner, dates and targets."""
    _require_admin(admin)
    errors, parsed = _check(fields)
    if errors:
        raise ValidationError(errors)
    objective = Objective(**parsed["values"])
    db.session.add(objective)
    db.session.flush()
    _save_targets(objective, parsed["targets"])
    audit.record(admin, "objective.created", "objective", objective.id, name=objective.name)
    return objective


def update_objective(admin: User, objective: Objective, fields: dict) -> Objective:
    """Change an objective's details and targets."""
    _require_admin(admin)
    errors, parsed = _check(fields, objective)
    if errors:
        raise ValidationError(errors)
    for key, value in parsed["values"].items():
        setattr(objective, key, value)
    _save_targets(objective, parsed["targets"])
    audit.record(admin, "objective.updated", "objective", objective.id, name=objective.name)
    return objective


def set_archived(admin: User, objective: Objective, archived: bool) -> None:
    """Archive an objective (no longer offered in pickers; its page and figures stay) or restore it."""
    _require_admin(admin)
    if archived == (objective.archived_at is not None):
        return
    objective.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(admin, "objective.archived" if archived else "objective.restored", "objective", objective.id)


def set_community_default(actor: User, community: Community, raw: str | None) -> Objective | None:
    """Community managers choose the objective new posts there serve unless their author picks another."""
    if not can_manage_community(actor, community):
        raise PermissionDenied()
    choice = parse_choice(raw, "default_objective_id")
    objective_id = chosen_objective(None if choice == DEFAULT else choice, "default_objective_id")
    if community.default_objective_id == objective_id:
        return db.session.get(Objective, objective_id) if objective_id else None
    community.default_objective_id = objective_id
    db.session.flush()
    audit.record(
        actor, "community.default_objective_set", "community", community.id, objective_id=objective_id
    )
    events.record("community_updated", actor=actor, community_id=community.id)
    return db.session.get(Objective, objective_id) if objective_id else None


def objective_feed(viewer: User, objective: Objective) -> Select[tuple[Post]]:
    """Everything tagged with the objective (posts of every kind) that the viewer may read, newest first."""
    return (
        select(Post)
        .where(
            Post.status == "visible",
            Post.objective_id == objective.id,
            Post.community_id.in_(visible_community_ids(viewer)),
        )
        .order_by(Post.id.desc())
    )


def tagged_links(viewer: User, objective: Objective, limit: int = 8) -> list[CuratedLink]:
    """The newest curated links tagged with the objective that the viewer may see (one per share)."""
    newest = (
        visible_links(viewer)
        .with_only_columns(func.max(CuratedLink.id))
        .where(Post.objective_id == objective.id)
        .group_by(CuratedLink.share_id)
    )
    stmt = select(CuratedLink).where(CuratedLink.id.in_(newest)).order_by(CuratedLink.id.desc()).limit(limit)
    return list(db.session.scalars(stmt).unique())


def tagged_sessions(viewer: User, objective: Objective, limit: int = 8) -> list[LearningSession]:
    """Sessions tagged with the objective that the viewer may see, latest start first."""
    stmt = (
        select(LearningSession)
        .join(Post, Post.id == LearningSession.post_id)
        .where(
            Post.objective_id == objective.id,
            Post.status == "visible",
            LearningSession.cancelled_at.is_(None),
            LearningSession.community_id.in_(visible_community_ids(viewer)),
        )
        .order_by(LearningSession.starts_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt).unique())
