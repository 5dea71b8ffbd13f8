"""Vision updates: publish (a leader, or comms for a leader), acknowledge, remind once, list and pin."""

from flask import current_app
from sqlalchemy import Select, exists, insert, literal, select, update

from app import audit, events
from app.communities.services import all_staff
from app.db import writing
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.feeds.queries import Page, decorate
from app.forms import MAX_ID, clean_text, parse_id, strip_control
from app.insights.views import insert_ignoring_duplicates
from app.jobs import task
from app.mail import send_mail
from app.models import (
    Community,
    Post,
    Unit,
    Update,
    UpdateCommunity,
    UpdateReceipt,
    UpdateUnit,
    User,
    utcnow,
)
from app.notifications.services import notify_many, register_kinds
from app.objectives.services import chosen_objective
from app.permissions import can_manage_update, can_publish_updates, can_see_community, can_see_update
from app.permissions.updates import addressed_clause, audience_clause, recipients
from app.posts import screening
from app.posts.rendering import check_body, render_body, set_post_topics
from app.posts.services import follow_thread, notify_mentions
from app.sanitize import plain_text

MAX_TITLE = 160
MAX_AUDIENCE = 50
EMAIL_BATCH = 200

register_kinds(
    update_published="A leader publishes an update I'm asked to acknowledge",
    update_reminder="A reminder to acknowledge a leadership update",
)


def leader_choices(actor: User) -> list[User]:
    """Whom the actor may publish for: a leader only for themselves; comms and admins for any leader."""
    if actor.role == "leader":
        return [actor]
    people = list(
        db.session.scalars(
            select(User)
            .where(User.role == "leader", User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
            .order_by(User.name)
        )
    )
    return [actor, *people] if actor.role == "admin" else people


def _ids(raw: list, field: str, errors: dict) -> list[int]:
    values = []
    for item in raw[: MAX_AUDIENCE + 1]:
        value = parse_id(item)
        if value is None:
            errors[field] = "Choose from the list."
            return []
        values.append(value)
    if len(values) > MAX_AUDIENCE:
        errors[field] = f"Choose at most {MAX_AUDIENCE}."
    return sorted(set(values))


def _audience(actor: User, everyone: bool, community_ids: list, unit_ids: list, errors: dict):
    communities: list[Community] = []
    units: list[Unit] = []
    if everyone:
        return communities, units
    community_ids, unit_ids = _ids(community_ids, "community_ids", errors), _ids(unit_ids, "unit_ids", errors)
    if community_ids:
        communities = list(db.session.scalars(select(Community).where(Community.id.in_(community_ids))))
        if len(communities) != len(community_ids) or not all(
            can_see_community(actor, c) and not c.is_archived for c in communities
        ):
            errors["community_ids"] = "Choose communities from the list."
    if unit_ids:
        units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids))))
        if len(units) != len(unit_ids):
            errors["unit_ids"] = "Choose units from the list."
    if not community_ids and not unit_ids and "community_ids" not in errors and "unit_ids" not in errors:
        errors["audience"] = "Send it to everyone, or choose at least one community or unit."
    return communities, units


def publish_update(
    actor: User,
    *,
    title: str,
    body: str,
    leader_id: int | str | None = None,
    objective: int | str | None = None,
    everyone: bool = True,
    community_ids: list | None = None,
    unit_ids: list | None = None,
    ack_required: bool = False,
    confirm_sensitive: bool = False,
) -> Update:
    """Publish a vision update to everyone or to chosen communities and units (Post kind "update")."""
    if not can_publish_updates(actor):
        raise PermissionDenied("Only leaders and comms officers publish leadership updates.")
    title, body = clean_text(title), strip_control(body)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = "Give the update a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters (this is {len(title)})."
    errors |= check_body(body)
    choices = leader_choices(actor)
    wanted = parse_id(leader_id) if leader_id not in (None, "") else (actor.id if actor in choices else None)
    leader = next((u for u in choices if u.id == wanted), None)
    if leader is None:
        errors["leader_id"] = "Choose the leader this update is from."
    communities, units = _audience(actor, everyone, community_ids or [], unit_ids or [], errors)
    try:
        objective_id = chosen_objective(objective)
    except ValidationError as exc:
        errors |= exc.fields
    if errors:
        raise ValidationError(errors)
    findings = screening.check_sensitive(actor, {"title": title, "body": body}, confirm_sensitive)
    rendered, mentioned = render_body(body)
    place = all_staff()
    post = Post(
        author=leader,
        community=place,
        kind="update",
        body_source=body,
        body_html=rendered.html,
        render_version=rendered.version,
        objective_id=objective_id,
    )
    db.session.add(post)
    db.session.flush()
    screening.sensitive_confirmed(actor, "post", post.id, findings)
    row = Update(
        post_id=post.id,
        title=title,
        leader_id=leader.id,
        posted_by_id=actor.id,
        everyone=everyone,
        ack_required=ack_required,
    )
    db.session.add(row)
    db.session.flush()
    db.session.add_all(UpdateCommunity(update_id=row.id, community_id=c.id) for c in communities)
    db.session.add_all(UpdateUnit(update_id=row.id, unit_id=u.id) for u in units)
    db.session.flush()
    # A receipt per recipient now, so acknowledgement figures describe the people it was sent to.
    db.session.execute(
        insert(UpdateReceipt).from_select(
            ["user_id", "update_id"], recipients(row).add_columns(literal(row.id))
        )
    )
    set_post_topics(post.id, rendered.topics)
    follow_thread(leader.id, post.id)
    if actor.id != leader.id:
        follow_thread(actor.id, post.id)
    notify_mentions(leader, post, mentioned)
    if ack_required:
        notify_many(
            db.session.scalars(recipients(row)).all(),
            "update_published",
            actor=leader,
            update_id=row.id,
            post_id=post.id,
            title=title,
        )
    # One event for All staff; realtime.push and events.visible_events narrow it to the audience.
    events.record(
        "post_created",
        actor=leader,
        community_id=place.id,
        post_id=post.id,
        author_id=leader.id,
        topics=rendered.topics,
        kind="update",
        ack_required=ack_required,
    )
    return row


def get_update(user: User, update_id: int) -> Update:
    """The update if the person may see it (its post not removed, unless they manage it); else NotFound."""
    row = db.session.get(Update, update_id) if 0 < update_id <= MAX_ID else None
    if row is None or not can_see_update(user, row):
        raise NotFound("We couldn't find that update.")
    if row.post.status != "visible" and not can_manage_update(user, row):
        raise NotFound("We couldn't find that update.")
    return row


def is_addressed_to(user: User, row: Update) -> bool:
    """Whether the update asks this person (not its leader or poster) to read and acknowledge it."""
    return db.session.scalar(select(Update.id).where(Update.id == row.id, addressed_clause(user))) is not None


def acknowledge(user: User, row: Update) -> UpdateReceipt:
    """Press Acknowledge (idempotent); the update leaves the person's pinned items everywhere at once."""
    if not row.ack_required:
        raise ValidationError({"update": "This update doesn't ask for an acknowledgement."})
    if row.post.status != "visible" or not is_addressed_to(user, row):
        raise ValidationError(
            {"update": "This update isn't addressed to you, so there is nothing to acknowledge."}
        )
    now = utcnow()
    insert_ignoring_duplicates(UpdateReceipt, [{"update_id": row.id, "user_id": user.id}])
    receipt = db.session.get(UpdateReceipt, (row.id, user.id))
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = now
        receipt.seen_at = receipt.seen_at or now
        db.session.flush()
        events.record(
            "update_acknowledged", actor=user, user_id=user.id, update_id=row.id, post_id=row.post_id
        )
    return receipt


def remind(actor: User, row: Update) -> int:
    """Remind, once, everyone who hasn't acknowledged: a notification now and an email from the job runner."""
    if not can_manage_update(actor, row):
        raise PermissionDenied("Only the leader, whoever posted it and admins can send a reminder.")
    if not row.ack_required:
        raise ValidationError({"remind": "This update doesn't ask for an acknowledgement."})
    if row.reminded_at is not None:
        raise ValidationError(
            {"remind": f"A reminder was already sent on {row.reminded_at:%-d %b %Y at %H:%M} UTC."}
        )
    pending = db.session.scalars(
        select(UpdateReceipt.user_id)
        .join(User, User.id == UpdateReceipt.user_id)
        .where(
            UpdateReceipt.update_id == row.id,
            UpdateReceipt.acknowledged_at.is_(None),
            User.deactivated_at.is_(None),
        )
    ).all()
    now = utcnow()
    notified = [
        n.user_id
        for n in notify_many(
            pending, "update_reminder", actor=actor, update_id=row.id, post_id=row.post_id, title=row.title
        )
    ]
    if notified:
        db.session.execute(
            update(UpdateReceipt)
            .where(UpdateReceipt.update_id == row.id, UpdateReceipt.user_id.in_(notified))
            .values(reminded_at=now)
        )
    row.reminded_at = now
    db.session.flush()
    audit.record(actor, "update.reminded", "update", row.id, reminded=len(notified))
    return len(notified)


def update_posts(user: User) -> Select[tuple[Post]]:
    """Leadership updates the person may see, newest first (for the Leadership page)."""
    return (
        select(Post)
        .join(Update, Update.post_id == Post.id)
        .where(Post.kind == "update", Post.status == "visible", audience_clause(user))
        .order_by(Post.id.desc())
    )


def pending_acknowledgement(user: User) -> Select[tuple[Post]]:
    """Updates addressed to the person that ask for an acknowledgement they haven't given: pinned on Home."""
    acked = exists().where(
        UpdateReceipt.update_id == Update.id,
        UpdateReceipt.user_id == user.id,
        UpdateReceipt.acknowledged_at.is_not(None),
    )
    waiting = select(Update.post_id).where(Update.ack_required.is_(True), addressed_clause(user), ~acked)
    # IN (the few updates), not a join: with a join SQLite walked every visible post newest first
    # looking for updates, 12 ms a home page at 100k posts (bench/run.py); this takes 0.01 ms.
    return (
        select(Post).where(Post.status == "visible", Post.id.in_(waiting)).order_by(Post.id.desc()).limit(10)
    )


def home_pins(user: User) -> Page:
    """The Home page's pinned updates, decorated for their cards (the feed below leaves them out)."""
    return decorate(user, list(db.session.scalars(pending_acknowledgement(user)).unique()))


@task("update_reminder_emails")
def send_reminder_emails(limit: int = EMAIL_BATCH) -> int:
    """Email the reminders remind() queued (an update acknowledged meanwhile is not emailed)."""
    sent = 0
    with writing():
        rows = db.session.execute(
            select(UpdateReceipt, User, Update)
            .join(User, User.id == UpdateReceipt.user_id)
            .join(Update, Update.id == UpdateReceipt.update_id)
            .where(
                UpdateReceipt.reminded_at.is_not(None),
                UpdateReceipt.reminder_emailed_at.is_(None),
                UpdateReceipt.acknowledged_at.is_(None),
                User.deactivated_at.is_(None),
            )
            .limit(limit)
        ).all()
        base = current_app.config["BASE_URL"]
        for receipt, person, row in rows:
            send_mail(
                person.email,
                f"Please acknowledge: {row.title}",
                "update_reminder",
                person=person,
                update=row,
                excerpt=plain_text(row.post.body_source, 300),
                url=f"{base}/leadership/updates/{row.id}",
            )
            receipt.reminder_emailed_at = utcnow()
            db.session.commit()  # one by one: a failure part-way keeps what was sent, and the rest follow
            sent += 1
    return sent
