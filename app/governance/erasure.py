"""Carrying out an erasure request: the person's content stays where others replied to it, credited to
"Former member (erased)"; everything else about them goes; the account row stays, emptied, so nothing
points at a missing row. Refused while a legal hold covers anything of theirs."""

import re

from sqlalchemy import and_, delete, or_, select

from app import audit, events
from app.admin.services import end_account
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.governance import clock
from app.governance.holds import MAX_REASON, holds_on_person
from app.governance.purge import PLACEHOLDERS, placeholder
from app.governance.registry import PERSONAL_DATA
from app.models import Event, Invitation, Post, Reply, User
from app.permissions import is_admin
from app.posts.rendering import render_body


def _refuse_for_holds(person: User) -> None:
    holds = holds_on_person(person)
    if not holds:
        return
    hold = holds[0]
    by = hold.created_by.name if hold.created_by else "an admin"
    more = f" (and {len(holds) - 1} more)" if len(holds) > 1 else ""
    raise ValidationError(
        {
            "form": f"This can't be done yet: a legal hold placed on {hold.created_at:%-d %b %Y} by {by} "
            f"covers what this person wrote{more} (“{hold.reason[:200]}”). Nothing under a hold may be changed "
            "or removed; lift the hold first if it no longer applies."
        },
        "A legal hold covers this person's content.",
    )


def _forget_mentions(person: User) -> int:
    """Other people's posts and replies that @mention them say "(former member)" instead: the handle
    is theirs. Each is rendered again and refreshed on open pages; returns how many changed."""
    pattern = re.compile(rf"(?<![\w/&])@{re.escape(person.handle)}(?![\w.-])", re.IGNORECASE)
    changed = 0
    for model in (Post, Reply):
        like = model.body_source.ilike(f"%@{person.handle}%")  # a superset: the pattern decides
        for item in db.session.scalars(select(model).where(like)):
            text = pattern.sub("(former member)", item.body_source)
            if text == item.body_source:
                continue
            rendered, _ = render_body(text)
            item.body_source, item.body_html, item.render_version = text, rendered.html, rendered.version
            changed += 1
            if isinstance(item, Post):
                events.record("post_updated", community_id=item.community_id, post_id=item.id)
            else:
                post = item.post
                events.record(
                    "reply_updated",
                    community_id=post.community_id,
                    post_id=post.id,
                    reply_id=item.id,
                    reply_count=post.reply_count,
                )
    return changed


def _forget_events(person: User) -> int:
    """Delivered and indexed entries of the event log done by or addressed to them go (the events
    retention kind would remove them later anyway); undelivered ones, such as the sign-out that ends
    their sockets, must still reach their handlers, and go with that kind's period."""
    done = and_(Event.dispatched.is_(True), Event.search_indexed.is_(True))
    about = or_(Event.actor_id == person.id, Event.user_id == person.id)
    return db.session.execute(delete(Event).where(done, about)).rowcount or 0


def _empty_account(person: User) -> None:
    """The row stays (audit entries and kept content point at it), with nothing personal left."""
    now = clock.now()
    person.name = PLACEHOLDERS["erased"]
    person.email = f"erased-{person.id}@erased.invalid"
    person.handle = f"erased-{person.id}"
    person.job_title = person.bio = ""
    person.unit_id = None
    person.password_hash = None
    person.role = "member"
    person.staff_type = "civilian"
    person.email_confirmed_at = person.last_seen_at = None
    person.deactivated_at = person.deactivated_at or now
    person.erased_at = now
    person.session_version += 1


def erase_person(admin: User, person: User, reason: str, confirmed: bool) -> dict[str, int]:
    """Erase a person (admins): sessions, sockets and tokens end at once; their posts, replies and other
    kept content are credited to the shared "Former member (erased)" account; memberships, follows,
    reactions, notifications and the like are deleted; the profile is emptied. Audited (without their
    name). Returns how many rows of each kind changed."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can carry out erasure requests.")
    errors: dict[str, str] = {}
    reason = clean_text(reason, multiline=True)
    if person.id == admin.id:
        errors["person"] = "You can't erase your own account. Ask another admin to do it."
    elif person.is_erased:
        errors["person"] = "That account has already been erased."
    elif person.role == "admin" and not person.is_deactivated:
        errors["person"] = (
            "Make this person a member first (an admin account can't be erased while it is one)."
        )
    if not reason:
        errors["reason"] = (
            "Give the request's reference and why it is being carried out (not the person's name)."
        )
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"Keep it under {MAX_REASON:,} characters."
    if not confirmed:
        errors["confirm"] = "Tick the box to confirm: an erasure can't be undone."
    if errors:
        raise ValidationError(errors)
    _refuse_for_holds(person)
    end_account(person, admin, "erasure request")
    credited_to = placeholder("erased")
    counts = {}
    for key, kind in PERSONAL_DATA.items():
        if kind.erase is not None:
            counts[key] = kind.erase(person, credited_to)
    counts["mentions"] = _forget_mentions(person)
    counts["events"] = _forget_events(person)
    db.session.execute(delete(Invitation).where(Invitation.email == person.email))
    _empty_account(person)
    db.session.flush()
    audit.record(admin, "user.erased", "user", person.id, reason, counts=counts)
    events.record("user_updated", actor=admin, id=person.id, erased=True)
    return counts
