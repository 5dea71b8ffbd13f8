"""Pre-moderation: chosen communities and watched words hold a post or reply for a moderator first."""

import re

from sqlalchemy import select

from app import audit, events
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.models import Community, Post, Reply, User, WatchedWord
from app.moderation import notices
from app.moderation.cases import open_case, post_target, reply_target
from app.permissions import is_admin, is_moderator, listed_communities
from app.posts import screening

MAX_WORD = 60
MAX_WORDS = 300
HELD_SEVERITY = 2


def watched_words() -> list[str]:
    """Every watched word or phrase, in alphabetical order."""
    return list(db.session.scalars(select(WatchedWord.word).order_by(WatchedWord.word)))


def parse_words(text: str) -> list[str]:
    """One word or phrase per line (or comma), lower-cased, blanks and repeats dropped."""
    words: list[str] = []
    for part in re.split(r"[\n,]", text or ""):
        word = " ".join(part.split()).lower()
        if word and word not in words:
            words.append(word)
    return words


def set_watched_words(admin: User, text: str) -> list[str]:
    """Replace the watched list (admins only); returns the new list."""
    if not is_admin(admin):
        raise PermissionDenied("Only admins can change the watched words.")
    words = parse_words(text)
    long = [w for w in words if len(w) > MAX_WORD]
    if long:
        raise ValidationError(
            {"words": f"Keep each word or phrase to {MAX_WORD} characters (“{long[0][:20]}…”)."}
        )
    if len(words) > MAX_WORDS:
        raise ValidationError({"words": f"Watch at most {MAX_WORDS} words or phrases."})
    existing = {row.word: row for row in db.session.scalars(select(WatchedWord))}
    added = [w for w in words if w not in existing]
    removed = [w for w in existing if w not in words]
    for word in removed:
        db.session.delete(existing[word])
    db.session.add_all(WatchedWord(word=w, created_by_id=admin.id) for w in added)
    db.session.flush()
    if added or removed:
        audit.record(
            admin, "settings.watched_words_updated", "watched_words", None, added=added, removed=removed
        )
    return sorted(words)


def watched_in(body: str, words: list[str] | None = None) -> str | None:
    """The first watched word or phrase in the text: whole words only, in any case."""
    words = watched_words() if words is None else words
    if not words:
        return None
    pattern = r"(?<!\w)(" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) + r")(?!\w)"
    match = re.search(pattern, body, re.IGNORECASE)
    return match.group(1) if match else None


def premoderated_communities() -> list[Community]:
    """Communities whose posts wait for a moderator."""
    return list(
        db.session.scalars(select(Community).where(Community.premoderated.is_(True)).order_by(Community.name))
    )


def choosable_communities(actor: User) -> list[Community]:
    """Active communities the person may know exist (a secret one only if they belong to it)."""
    return list(
        db.session.scalars(
            listed_communities(actor).where(Community.archived_at.is_(None)).order_by(Community.name)
        )
    )


def set_premoderated(actor: User, community_ids: list[int]) -> None:
    """Choose which of the communities they may see are pre-moderated (moderators and admins)."""
    if not is_moderator(actor):
        raise PermissionDenied("Only moderators can choose pre-moderated communities.")
    chosen = set(community_ids)
    for community in choosable_communities(actor):
        wanted = community.id in chosen
        if community.premoderated != wanted:
            community.premoderated = wanted
            audit.record(
                actor,
                "settings.premoderation_updated",
                "community",
                community.id,
                premoderated=wanted,
            )
    db.session.flush()


@screening.register_screen
def premoderation_screen(author: User, community: Community, body: str, editing: bool) -> str | None:
    """Why to hold the item, if its community is pre-moderated or it contains a watched word.

    Moderators' own posts aren't held: they would only approve them themselves.
    """
    if is_moderator(author):
        return None
    if community.premoderated:
        return f"posts in {community.name} are checked by a moderator before they appear"
    word = watched_in(body)
    if word:
        return f"it contains “{word}”, which a moderator checks before it appears"
    return None


@screening.register_hold_handler
def open_held_case(author: User, item: Post | Reply, reason: str) -> None:
    """A held item enters the queue; its author is told why (and live clients of theirs hear of it)."""
    target = reply_target(item) if isinstance(item, Reply) else post_target(item)
    case = open_case(target, "held", HELD_SEVERITY, reason)
    notices.held(case, reason)
    data = {"post_id": target.post.id, "reply_id": target.reply.id if target.reply else None}
    name = "reply_held" if isinstance(item, Reply) else "post_held"
    events.record(name, actor=author, user_id=author.id, community_id=target.community_id, **data)
