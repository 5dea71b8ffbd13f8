"""Reading a session from the web form (local date and times) or an API body (ISO 8601)."""

from app.errors import ValidationError
from app.forms import clean_text, optional_id, parse_id, strip_control
from app.learning import clock
from app.learning.services import SessionInput, hosts_from_text
from app.models import User


def _capacity(raw: object, errors: dict) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str) and raw.strip().isascii() and raw.strip().isdigit() and len(raw.strip()) < 9:
        raw = int(raw.strip())
    if isinstance(raw, bool) or not isinstance(raw, int):
        errors["capacity"] = "Use a whole number, or leave it blank for no limit."
        return None
    return raw


def _optional(raw, field: str, errors: dict) -> int | None:
    try:
        return optional_id(raw, field)
    except ValidationError as exc:
        errors.update(exc.fields)
        return None


def from_form(form, organiser: User) -> SessionInput:
    """The new/edit session form: date, start and end times are on the organisation's wall clock."""
    errors: dict[str, str] = {}
    data = SessionInput(
        title=clean_text(form.get("title")),
        description=strip_control(form.get("description") or "").strip(),
        place=clean_text(form.get("place")),
        video_url=clean_text(form.get("video_url")),
        confirm_sensitive=form.get("confirm_sensitive") == "1",
    )
    try:
        day = clock.parse_date(form.get("date"), "date")
    except ValidationError as exc:
        errors.update(exc.fields)
        day = None
    for name, target in (("start_time", "starts_at"), ("end_time", "ends_at")):
        try:
            at = clock.parse_time(form.get(name), name)
            if day is not None:
                setattr(data, target, clock.combine_local(day, at, name))
        except ValidationError as exc:
            errors.update(exc.fields)
    data.capacity = _capacity(form.get("capacity"), errors)
    data.community_id = _optional(form.get("community_id"), "community_id", errors)
    data.objective_id = _optional(form.get("objective_id"), "objective_id", errors)
    host_ids, host_errors = hosts_from_text(form.get("hosts") or "")
    errors.update(host_errors)
    data.host_ids = host_ids
    data.errors = errors
    return data


def form_errors(fields: dict[str, str]) -> dict[str, str]:
    """Service field names as the form names them (starts_at -> start_time, ends_at -> end_time)."""
    renamed = {"starts_at": "start_time", "ends_at": "end_time"}
    return {renamed.get(k, k): v for k, v in fields.items()}


def from_json(data: dict) -> SessionInput:
    """An API body: starts_at/ends_at in ISO 8601 (an offset or Z; without one, the organisation's zone)."""
    errors: dict[str, str] = {}

    def text(name: str) -> str:
        value = data.get(name, "")
        if value is None:
            return ""
        if not isinstance(value, str):
            errors[name] = "Send this as a JSON string."
            return ""
        return value

    result = SessionInput(
        title=clean_text(text("title")),
        description=strip_control(text("description")).strip(),
        place=clean_text(text("place")),
        video_url=clean_text(text("video_url")),
        confirm_sensitive=data.get("confirm_sensitive") is True,
    )
    for name in ("starts_at", "ends_at"):
        if data.get(name) is None:
            continue
        try:
            setattr(result, name, clock.parse_instant(data[name], name))
        except ValidationError as exc:
            errors.update(exc.fields)
    result.capacity = _capacity(data.get("capacity"), errors)
    for name in ("community_id", "objective_id"):
        value = data.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or parse_id(value) is None
        ):
            errors[name] = "Send the id as a positive whole number."
        else:
            setattr(result, name, value)
    hosts = data.get("host_ids")
    if hosts is not None:
        if not isinstance(hosts, list) or any(
            isinstance(h, bool) or not isinstance(h, int) or parse_id(h) is None for h in hosts
        ):
            errors["host_ids"] = "Send a list of people's ids."
        else:
            result.host_ids = [int(h) for h in hosts]
    result.errors = errors
    return result
