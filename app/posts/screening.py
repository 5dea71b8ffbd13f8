"""Screening posts and replies as they are written or edited, so features can refuse, hold or warn.

A screen may refuse (raise ValidationError, e.g. a posting restriction) or return why the item must
wait for a moderator (pre-moderation); hold handlers then open the review. The moderation feature
registers both when its services load, so posts never import it.

A warner looks at what the author wrote before it is published (posts, replies and curated links)
and returns findings the author must look at again (information governance's sensitive-content
patterns): the item is refused with NeedsConfirmation until the author edits it or confirms, and
confirmation handlers record who confirmed what.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from app.errors import ValidationError
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


@dataclass(frozen=True)
class Finding:
    """Something in the text to look at again before publishing: which field, which pattern, what."""

    field: str
    pattern: str
    label: str
    text: str


# warn(author, texts) -> findings; texts maps each field ("body", "why", "title" ...) to its text.
Warner = Callable[[User, dict[str, str]], list[Finding]]
# on_confirmed(author, item_type, item_id, findings): the author confirmed and the item was published.
ConfirmHandler = Callable[[User, str, int, list[Finding]], None]

_warners: list[Warner] = []
_confirm_handlers: list[ConfirmHandler] = []


class NeedsConfirmation(ValidationError):
    """The text may hold sensitive information: edit it, or send it again confirmed."""

    code = "sensitive_content"

    def __init__(self, findings: list[Finding]):
        fields = {
            f.field: "This may contain sensitive information: check it, then edit it or confirm it's right to share."
            for f in findings
        }
        super().__init__(
            fields,
            "This looks like it may contain sensitive information. Edit it, or confirm that it's right to "
            "share it here.",
        )
        self.findings = findings

    @property
    def details(self) -> dict:
        """The API lists every match, so a client can show them beside the text."""
        return {"matches": [asdict(f) for f in self.findings]}


def register_warner(fn: Warner) -> Warner:
    """Add a function that looks for things to warn the author about before publishing."""
    if fn not in _warners:
        _warners.append(fn)
    return fn


def register_confirm_handler(fn: ConfirmHandler) -> ConfirmHandler:
    """Add a function told when an author publishes despite a warning (to record it)."""
    if fn not in _confirm_handlers:
        _confirm_handlers.append(fn)
    return fn


def check_sensitive(author: User, texts: dict[str, str], confirmed: bool) -> list[Finding]:
    """Every warner's findings; refuses with NeedsConfirmation unless the author confirmed them."""
    findings = [finding for fn in _warners for finding in fn(author, texts)]
    if findings and not confirmed:
        raise NeedsConfirmation(findings)
    return findings


def sensitive_confirmed(author: User, item_type: str, item_id: int, findings: list[Finding]) -> None:
    """Tell the confirmation handlers that an item was published despite these findings."""
    if findings:
        for fn in _confirm_handlers:
            fn(author, item_type, item_id, findings)
