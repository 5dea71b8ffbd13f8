"""Dashboard tables: one structure rendered as an HTML table and exported as CSV, so the two agree."""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from markupsafe import Markup


@dataclass(frozen=True)
class Column:
    """A column: the row key it reads, its heading and how its values are written."""

    key: str
    label: str
    kind: str = "int"  # text, int, decimal, pct, duration, date


@dataclass
class Table:
    """A named table of a dashboard section (its name is the CSV export's file name)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    total: dict | None = None
    note: str = ""
    empty: str = "No figures for this period yet."


def percent(part: int | None, whole: int | None) -> float | None:
    """part as a percentage of whole (None when whole is zero or unknown)."""
    if part is None or not whole:
        return None
    return 100.0 * part / whole


def human_duration(value: timedelta | None) -> str:
    """A duration for people: "45 min", "3 h 20 min", "2 days 4 h"."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min" if value.total_seconds() >= 30 else "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return (
        f"{days} day{'s' if days != 1 else ''} {hours} h"
        if hours
        else f"{days} day{'s' if days != 1 else ''}"
    )


def cell(value, kind: str) -> str:
    """A value as the page shows it."""
    if value is None:
        return "—"
    if kind == "int":
        return f"{value:,}"
    if kind == "pct":
        return f"{value:.0f}%"
    if kind == "decimal":
        return f"{value:.1f}"
    if kind == "duration":
        return human_duration(value)
    if kind == "date":
        return value.strftime("%-d %b %Y")
    return str(value)


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind in ("pct", "decimal"):
        return f"{value:.1f}"
    if kind == "duration":
        return f"{value.total_seconds() / 3600:.2f}"
    if kind == "date":
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ is a formula to a spreadsheet: names people typed must stay text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") and kind == "text" else text


def to_csv(table: Table) -> str:
    """The table as CSV (durations in hours, percentages to one decimal place)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label + (" (hours)" if c.kind == "duration" else "") for c in table.columns])
    for row in [*table.rows, *([table.total] if table.total else [])]:
        writer.writerow([_csv_value(row.get(c.key), c.kind) for c in table.columns])
    return out.getvalue()


def link(text: str, url: str) -> Markup:
    """A linked cell (the CSV keeps only the text)."""
    return Markup('<a href="{}">{}</a>').format(url, text)
