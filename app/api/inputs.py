"""Reading API input: a JSON object body and typed fields, refused with field messages (never a 500)."""

import json

from flask import request
from sqlalchemy import Select

from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import parse_cursor, parse_limit
from app.forms import MAX_ID

# URL converter for ids: larger numbers can't be ids and would overflow SQLite's integers (a 500).
ID = f"int(max={MAX_ID})"


class BadRequest(ValidationError):
    """A body that isn't a JSON object at all (answered 400, not 422)."""


def json_object() -> dict:
    """The request body as a JSON object; an empty body counts as {}."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
        # \ud800-style escapes decode to lone surrogates, which no database or renderer accepts.
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError/UnicodeEncodeError are ValueErrors
        raise BadRequest(
            {"json": "The body isn't valid JSON."}, "The request body must be a JSON object."
        ) from exc
    if not isinstance(data, dict):
        raise BadRequest(
            {"json": 'Send a JSON object, like {"body": "Hello"}.'}, "The request body must be a JSON object."
        )
    return data


def text_field(data: dict, name: str) -> str:
    """A string field; missing counts as empty so the service explains what is needed."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({name: "Send this as a JSON string."})
    return value.replace("\x00", "")  # PostgreSQL text can't hold NUL


def optional_id(data: dict, name: str) -> int | None:
    """An optional id field: a positive JSON integer, or absent/null."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise ValidationError({name: "Send the id as a positive whole number."})
    return value


def bool_field(data: dict, name: str) -> bool:
    """A required true/false field."""
    value = data.get(name)
    if not isinstance(value, bool):
        raise ValidationError({name: "Send true or false."})
    return value


def optional_bool(data: dict, name: str) -> bool:
    """An optional true/false field (absent or null means false)."""
    value = data.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValidationError({name: "Send true or false."})
    return value


def id_list(data: dict, name: str, limit: int = 20) -> list[int]:
    """An optional JSON array of ids (positive whole numbers), at most `limit` of them."""
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > limit:
        raise ValidationError({name: f"Send a JSON array of at most {limit} ids."})
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v <= MAX_ID for v in value):
        raise ValidationError({name: "Send ids as positive whole numbers."})
    return list(dict.fromkeys(value))


def choice_field(data: dict, name: str, choices: tuple[str, ...]) -> str:
    """A required string that must be one of the choices."""
    value = data.get(name)
    if not isinstance(value, str) or value not in choices:
        raise ValidationError({name: f"Choose one of: {', '.join(choices)}."})
    return value


def int_arg(name: str, default: int, maximum: int) -> int:
    """A non-negative whole-number query parameter (clamped to maximum)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise ValidationError({name: "Use a whole number, 0 or more."})
    return min(int(raw), maximum)


def cursor_and_limit() -> tuple[int | None, int]:
    """The ?cursor= and ?limit= query parameters, as the web feeds read them."""
    return parse_cursor(request.args.get("cursor")), parse_limit(request.args.get("limit"))


def keyset(stmt: Select, column, ascending: bool = False) -> tuple[list, int | None]:
    """One page of a list ordered by an id column, after ?cursor=, and the next cursor."""
    cursor, limit = cursor_and_limit()
    stmt = stmt.order_by(None).order_by(column.asc() if ascending else column.desc())
    if cursor is not None:
        stmt = stmt.where(column > cursor if ascending else column < cursor)
    rows = list(db.session.scalars(stmt.limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)
