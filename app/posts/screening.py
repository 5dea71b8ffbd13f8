"""Screening posts and replies as they are written or edited, so features can refuse or hold them.

A screen may refuse (raise ValidationError, e.g. a posting restriction) or return why the item must
wait for a moderator (pre-moderation); hold handlers then open the review. The moderation feature
registers both when its services load, so posts never import it.
"""

from collections.abc import Callable

from app.models import Community, Post, Reply, User

# screen(author, community, body, editing) -> why to hold the item, or None.
Screen = Callable[[User, Community, str, bool], str | None]
# on_hold(author, item, reason): the item was just held (status "held") for review.
HoldHandler = Callable[[User, Post | Reply, str], None]

_screens: list[Screen] = []
_hold_handlers: list[HoldHandler] = []


def register_screen(fn: Screen) -> Screen:
    """Add a screen run on every new or edited post and reply."""
    if fn not in _screens:
        _screens.append(fn)
    return fn


def register_hold_handler(fn: HoldHandler) -> HoldHandler:
    """Add a function told whenever a post or reply is held for review."""
    if fn not in _hold_handlers:
        _hold_handlers.append(fn)
    return fn


def screen(author: User, community: Community, body: str, editing: bool = False) -> str | None:
    """Run every screen (any may refuse); the first reason to hold the item, or None."""
    reasons = [reason for fn in _screens if (reason := fn(author, community, body, editing))]
    return reasons[0] if reasons else None


def held(author: User, item: Post | Reply, reason: str) -> None:
    """Tell the hold handlers that an item is now waiting for review."""
    for fn in _hold_handlers:
        fn(author, item, reason)
