"""The public channels proposals are written for: the seeded list, and admins adding or changing them."""

from sqlalchemy import func, select

from app import audit
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.forms import clean_text
from app.models import COUNTING_RULES, ProposalChannel, User, utcnow
from app.permissions import is_admin

MAX_LIMIT = 20_000  # the longest draft Rollcall keeps
COUNTING_LABELS = {
    "characters": "Characters",
    "x_weighted": "X's rule: links count 23, emoji and CJK count 2",
}

# The channels a new organisation starts with (the migration inserts the same rows).
DEFAULT_CHANNELS = (
    (
        "x",
        "X (Twitter)",
        280,
        "x_weighted",
        "Links count as 23 characters however long they are; emoji and Chinese, Japanese or Korean "
        "characters count as 2. Add alt text to every image. Replies can be quoted out of context.",
    ),
    (
        "facebook",
        "Facebook",
        63_206,
        "characters",
        "Only the first few lines show before \u201cSee more\u201d: put the point first. Local groups "
        "share our posts, so write for a neighbour, not a colleague.",
    ),
    (
        "instagram",
        "Instagram",
        2_200,
        "characters",
        "Links in captions can't be clicked; say \u201clink in bio\u201d. Needs an image or video, with alt "
        "text. The first 125 characters show before \u201cmore\u201d.",
    ),
    (
        "website",
        "Public website",
        None,
        "characters",
        "News and appeals on the force website. Plain English, a clear headline, the date and what "
        "we want people to do.",
    ),
    (
        "press-release",
        "Press release",
        None,
        "characters",
        "For journalists: headline, what happened, when and where, a quote from a named officer, and "
        "notes to editors. The press office issues it.",
    ),
)


def seed_default_channels() -> int:
    """Add any default channel that is missing (by slug); returns how many were added."""
    existing = set(db.session.scalars(select(ProposalChannel.slug)))
    added = 0
    for position, (slug, name, limit, counting, notes) in enumerate(DEFAULT_CHANNELS):
        if slug in existing:
            continue
        db.session.add(
            ProposalChannel(
                slug=slug, name=name, char_limit=limit, counting=counting, notes=notes, position=position
            )
        )
        added += 1
    db.session.flush()
    return added


def active_channels() -> list[ProposalChannel]:
    """Channels a proposal may be written for, in the admins' order."""
    return list(
        db.session.scalars(
            select(ProposalChannel)
            .where(ProposalChannel.archived_at.is_(None))
            .order_by(ProposalChannel.position, ProposalChannel.id)
        )
    )


def all_channels() -> list[ProposalChannel]:
    """Every channel, archived ones last (for the admin page and filters)."""
    return list(
        db.session.scalars(
            select(ProposalChannel).order_by(
                ProposalChannel.archived_at.is_not(None), ProposalChannel.position, ProposalChannel.id
            )
        )
    )


def get_channel(channel_id: int) -> ProposalChannel:
    """A channel by id, or NotFound."""
    channel = db.session.get(ProposalChannel, channel_id)
    if channel is None:
        raise NotFound("We couldn't find that channel.")
    return channel


def _slug(name: str) -> str:
    from app.communities.services import slugify

    base, n = slugify(name)[:36], 2
    slug = base
    while db.session.scalar(select(ProposalChannel.id).where(ProposalChannel.slug == slug)) is not None:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _checked(name: str, char_limit: int | None, counting: str, notes: str) -> tuple[str, str]:
    name, notes = clean_text(name), clean_text(notes, multiline=True)
    errors = {}
    if not name:
        errors["name"] = "Give the channel a name, e.g. \u201cLinkedIn\u201d."
    elif len(name) > 60:
        errors["name"] = "Keep the name under 60 characters."
    if char_limit is not None and not 1 <= char_limit <= MAX_LIMIT:
        errors["char_limit"] = f"Use a whole number from 1 to {MAX_LIMIT:,}, or leave it empty for no limit."
    if counting not in COUNTING_RULES:
        errors["counting"] = "Choose how the channel counts length."
    if len(notes) > 2000:
        errors["notes"] = "Keep the notes under 2,000 characters."
    if errors:
        raise ValidationError(errors)
    return name, notes


def _require_admin(actor: User) -> None:
    if not is_admin(actor):
        raise PermissionDenied("Only admins can change the channels.")


def create_channel(
    actor: User, name: str, char_limit: int | None, counting: str, notes: str
) -> ProposalChannel:
    """An admin adds a channel."""
    _require_admin(actor)
    name, notes = _checked(name, char_limit, counting, notes)
    position = (db.session.scalar(select(func.max(ProposalChannel.position))) or 0) + 1
    channel = ProposalChannel(
        slug=_slug(name), name=name, char_limit=char_limit, counting=counting, notes=notes, position=position
    )
    db.session.add(channel)
    db.session.flush()
    audit.record(actor, "proposal_channel.created", "proposal_channel", channel.id, name=name)
    return channel


def update_channel(
    actor: User,
    channel: ProposalChannel,
    name: str,
    char_limit: int | None,
    counting: str,
    notes: str,
    archived: bool,
) -> ProposalChannel:
    """An admin changes a channel; archiving keeps it on old proposals but offers it no more."""
    _require_admin(actor)
    name, notes = _checked(name, char_limit, counting, notes)
    before = {"name": channel.name, "char_limit": channel.char_limit, "counting": channel.counting}
    channel.name, channel.char_limit, channel.counting, channel.notes = name, char_limit, counting, notes
    if archived and channel.archived_at is None:
        channel.archived_at = utcnow()
    elif not archived:
        channel.archived_at = None
    db.session.flush()
    audit.record(
        actor,
        "proposal_channel.updated",
        "proposal_channel",
        channel.id,
        before=before,
        after={"name": name, "char_limit": char_limit, "counting": counting, "archived": archived},
    )
    return channel
