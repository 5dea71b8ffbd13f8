"""Protective-marking labels a post may carry (e.g. OFFICIAL-SENSITIVE), as admins list them."""

from app.errors import ValidationError
from app.site_settings import get_setting

SETTING = "protective_markings"


def markings() -> list[str]:
    """The labels a post may carry, in the admins' order."""
    return list(dict.fromkeys(line.strip() for line in get_setting(SETTING).splitlines() if line.strip()))


def check_marking(raw: object) -> str:
    """A chosen marking ("" for none); a field error for anything not on the list."""
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or raw not in markings():
        raise ValidationError({"marking": "Choose a protective marking from the list, or none."})
    return raw
