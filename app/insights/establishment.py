"""The HR establishment: a CSV of unit, staff type and headcount, checked row by row, re-importable."""

import csv
import io

from sqlalchemy import delete, func, select

from app import audit
from app.errors import ValidationError
from app.extensions import db
from app.models import STAFF_TYPES, Establishment, Unit, User
from app.permissions import is_admin

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
MAX_HEADCOUNT = 1_000_000
COLUMNS = {"unit": "unit", "staff type": "staff_type", "staff_type": "staff_type", "headcount": "headcount"}


class ImportRejected(ValidationError):
    """The file can't be imported; `rows` holds (line number, message) for every problem found."""

    def __init__(self, message: str, rows: list[tuple[int, str]] | None = None):
        super().__init__({"file": message}, message)
        self.rows = rows or []


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _decode(data: bytes) -> str:
    if not data.strip():
        raise ImportRejected("The file is empty. Export the establishment from your HR system as CSV.")
    if len(data) > MAX_BYTES:
        raise ImportRejected("The file is larger than 1 MB. Is it the establishment export?")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")  # Excel on Windows saves "CSV" in this encoding
        except UnicodeDecodeError as exc:
            raise ImportRejected("The file isn't text. Save it from your spreadsheet as CSV.") from exc


def parse(data: bytes) -> list[tuple[int, str, int]]:
    """Check every row; (unit id, staff type, headcount) for each, or ImportRejected listing each problem."""
    reader = csv.reader(io.StringIO(_decode(data)))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportRejected("The first line must name the columns: unit, staff_type, headcount.") from exc
    names = [COLUMNS.get(_key(h).replace("-", " ")) for h in header]
    missing = [c for c in ("unit", "staff_type", "headcount") if c not in names]
    if missing:
        raise ImportRejected(
            "The first line must name the columns unit, staff_type and headcount "
            f"(missing: {', '.join(missing)})."
        )
    where = {c: names.index(c) for c in ("unit", "staff_type", "headcount")}
    units = {_key(name): uid for uid, name in db.session.execute(select(Unit.id, Unit.name))}
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[int, str], int] = {}
    out: list[tuple[int, str, int]] = []
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if line > MAX_ROWS + 1:
                raise ImportRejected(f"The file has more than {MAX_ROWS:,} rows.")
            cells = {c: (row[i].strip() if i < len(row) else "") for c, i in where.items()}
            errors = []
            unit_id = units.get(_key(cells["unit"]))
            if not cells["unit"]:
                errors.append("the unit is empty")
            elif unit_id is None:
                errors.append(
                    f"there is no unit called “{cells['unit'][:80]}” (add it under Admin › Units, or check the spelling)"
                )
            staff_type = cells["staff_type"].casefold()
            if staff_type not in STAFF_TYPES:
                errors.append(f"the staff type must be one of {', '.join(STAFF_TYPES)}")
            raw = cells["headcount"].replace(",", "")
            if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_HEADCOUNT:
                errors.append("the headcount must be a whole number, 0 or more")
            if not errors:
                earlier = seen.get((unit_id, staff_type))
                if earlier is not None:
                    errors.append(f"{cells['unit']} / {staff_type} is already on line {earlier}")
                else:
                    seen[(unit_id, staff_type)] = line
                    out.append((unit_id, staff_type, int(raw)))
            if errors:
                message = "; ".join(errors)
                problems.append((line, message[0].upper() + message[1:] + "."))
    except csv.Error as exc:
        raise ImportRejected(f"The file isn't valid CSV ({exc}).", problems) from exc
    if problems:
        plural = "row needs" if len(problems) == 1 else "rows need"
        raise ImportRejected(f"Nothing was imported: {len(problems)} {plural} correcting.", problems)
    if not out:
        raise ImportRejected("The file has a header but no rows.")
    return out


def import_establishment(admin: User, data: bytes) -> int:
    """Replace the establishment with the file's rows, all or nothing; returns how many rows."""
    if not is_admin(admin):
        raise ValidationError({"file": "Only admins import the establishment."})
    rows = parse(data)
    db.session.execute(delete(Establishment))
    db.session.add_all(
        Establishment(unit_id=u, staff_type=s, headcount=h, imported_by_id=admin.id) for u, s, h in rows
    )
    db.session.flush()
    audit.record(
        admin,
        "establishment.imported",
        "establishment",
        None,
        rows=len(rows),
        headcount=sum(h for *_, h in rows),
    )
    return len(rows)


def current() -> list[tuple[str, str, int]]:
    """The imported establishment as (unit name, staff type, headcount), by unit."""
    return list(
        db.session.execute(
            select(Unit.name, Establishment.staff_type, Establishment.headcount)
            .join(Unit, Unit.id == Establishment.unit_id)
            .order_by(Unit.name, Establishment.staff_type)
        ).all()
    )


def last_import():
    """When the establishment was last imported (None if never)."""
    return db.session.scalar(select(func.max(Establishment.imported_at)))
