"""The privacy threshold: a unit or community smaller than it is only ever shown inside a larger total."""

from collections.abc import Callable

from app.errors import ValidationError
from app.site_settings import get_setting, set_setting

DEFAULT_THRESHOLD = 5
MAX_THRESHOLD = 100


def threshold() -> int:
    """The admin's setting (people), or the default if the stored value is unusable."""
    raw = get_setting("insights_privacy_threshold")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_THRESHOLD else DEFAULT_THRESHOLD


def set_threshold(raw: str) -> int:
    """Store a new threshold from a form (1 to 100 people)."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_THRESHOLD:
        raise ValidationError({"threshold": f"Use a whole number of people from 1 to {MAX_THRESHOLD}."})
    set_setting("insights_privacy_threshold", str(int(raw)))
    return int(raw)


def suppress(
    rows: list[dict], size: Callable[[dict], int], minimum: int, combined_label: str, keys: list[str]
) -> tuple[list[dict], dict | None]:
    """Rows big enough to show alone, and one combined row for the rest (or None).

    The combined row must itself reach the threshold and hold at least two groups, so nobody can
    subtract it out: the smallest shown rows are folded in until it does. If even that is not
    enough, the small groups appear only in the overall total.
    """
    small = [r for r in rows if size(r) < minimum]
    if not small:
        return rows, None
    shown = sorted((r for r in rows if size(r) >= minimum), key=size)
    while shown and (sum(size(r) for r in small) < minimum or len(small) < 2):
        small.append(shown.pop(0))
    kept = [r for r in rows if any(r is s for s in shown)]
    if sum(size(r) for r in small) < minimum or len(small) < 2:
        return kept, None
    combined = {key: sum(r.get(key) or 0 for r in small) for key in keys}
    combined["label"] = f"{combined_label} ({len(small)} combined)"
    combined["combined"] = True
    return kept, combined
