"""Parsing what people type into forms and API bodies: text, ids and optional choices."""

import re

from werkzeug.routing import IntegerConverter

from app.errors import ValidationError

MAX_ID = 2**31 - 1  # larger ids can't exist, and SQLite refuses to bind them
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None, multiline: bool = False) -> str:
    """Trim and drop control characters (NUL breaks PostgreSQL); bios keep their line breaks."""
    text = strip_control(value)
    return text.strip() if multiline else " ".join(text.split())


def strip_control(text: str | None) -> str:
    """Drop control characters except newlines and tabs (NUL breaks PostgreSQL)."""
    return _CONTROL.sub("", text or "")


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs, capped so a huge number is a 404, never an overflow (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def parse_id(raw: int | str | None) -> int | None:
    """A positive database id from a form or API value, or None if it can't be one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw.isascii() or not raw.isdigit():
            return None
        raw = int(raw)
    if isinstance(raw, int) and 0 < raw <= MAX_ID:
        return raw
    return None


def optional_id(raw: int | str | None, field: str) -> int | None:
    """An optional id field: None when blank, a field error when it can't be an id."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    value = parse_id(raw)
    if value is None:
        raise ValidationError({field: "Choose an option from the list."})
    return value
