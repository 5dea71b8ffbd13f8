"""What goes in the zips: subject access (a JSON file per kind, the person's files, and a readable
index.html) and disclosure (a CSV per kind, the attachments, and index.html with each conversation).

Everything comes from the registry, so a feature that registers its kinds is in both at once.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.governance import clock
from app.governance.registry import DISCLOSURE, PERSONAL_DATA, iso
from app.models import Community, DataExport, Post, Reply, User

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection): quote it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Section:
    """One kind's part of the readable index."""

    key: str
    label: str
    description: str
    items: list[dict]
    columns: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def _columns(items: list[dict]) -> list[str]:
    columns: list[str] = []
    for item in items:
        columns.extend(key for key in item if key not in columns)
    return columns


def _render(template: str, **context) -> str:
    # Not render_template: this runs in the job runner too, where there is no request.
    return current_app.jinja_env.get_template(template).render(**context)


def _add_files(archive: zipfile.ZipFile, files: list[tuple[str, Path]], used: set[str]) -> list[str]:
    names = []
    for name, path in files:
        arcname = f"files/{name}"
        if arcname in used or not path.is_file():
            continue
        used.add(arcname)
        archive.write(path, arcname)
        names.append(arcname)
    return names


def write_subject_access(target: Path, export: DataExport) -> dict[str, int]:
    """Write a person's download; returns how many items of each kind it holds."""
    subject = db.session.get(User, export.subject_id)
    sections, used = [], set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, kind in PERSONAL_DATA.items():
            items = kind.collect(subject)
            archive.writestr(
                f"data/{key}.json",
                json.dumps(
                    {"kind": key, "label": kind.label, "description": kind.description, "items": items},
                    indent=2,
                    ensure_ascii=False,
                ),
            )
            names = _add_files(archive, kind.files(subject) if kind.files else [], used)
            sections.append(Section(key, kind.label, kind.description, items, _columns(items), names))
        archive.writestr(
            "index.html",
            _render(
                "governance/export/subject_access.html",
                subject=subject,
                export=export,
                sections=sections,
                generated_at=iso(clock.now()),
                org_name=current_app.config["ORG_NAME"],
                dpo=current_app.config["DPO_CONTACT"],
            ),
        )
    return {section.key: len(section.items) for section in sections}


def _csv(columns: tuple[str, ...], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            text = "" if value is None else str(value)
            cells.append("'" + text if text.startswith(_FORMULA_START) else text)
        writer.writerow(cells)
    # A byte-order mark so Excel reads the UTF-8 (names with accents) correctly.
    return "\ufeff" + out.getvalue()


def disclosure_rows(community: Community, start, end) -> int:
    """How many posts and replies a disclosure would hold (to decide whether to build it at once)."""
    posts = db.session.scalar(
        select(func.count()).where(
            Post.community_id == community.id, Post.created_at >= start, Post.created_at < end
        )
    )
    replies = db.session.scalar(
        select(func.count())
        .select_from(Reply)
        .join(Post, Post.id == Reply.post_id)
        .where(Post.community_id == community.id, Reply.created_at >= start, Reply.created_at < end)
    )
    return (posts or 0) + (replies or 0)


def write_disclosure(target: Path, export: DataExport) -> dict[str, int]:
    """Write a community's disclosure over the export's dates; returns how many rows of each kind."""
    community = db.session.get(Community, export.community_id)
    start, end = export.starts_at, export.ends_at
    tables: dict[str, list[dict]] = {}
    files: dict[str, list[str]] = {}
    used: set[str] = set()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, kind in DISCLOSURE.items():
            rows = kind.collect(community, start, end)
            tables[key] = rows
            archive.writestr(f"{key}.csv", _csv(kind.columns, rows))
            files[key] = _add_files(archive, kind.files(community, start, end) if kind.files else [], used)
        shown = {post["id"] for post in tables.get("posts", [])}
        replies_by_post: dict[int, list[dict]] = {}
        earlier = []  # replies on these dates in conversations started before them
        for reply in tables.get("replies", []):
            if reply["post_id"] in shown:
                replies_by_post.setdefault(reply["post_id"], []).append(reply)
            else:
                earlier.append(reply)
        others = [
            Section(key, kind.label, "", tables[key], list(kind.columns), files[key])
            for key, kind in DISCLOSURE.items()
            if key not in ("posts", "replies")
        ]
        archive.writestr(
            "index.html",
            _render(
                "governance/export/disclosure.html",
                community=community,
                export=export,
                starts_on=start.date().isoformat(),
                ends_on=(end - timedelta(days=1)).date().isoformat(),
                posts=tables.get("posts", []),
                replies_by_post=replies_by_post,
                earlier_replies=earlier,
                others=others,
                csv_files=[f"{key}.csv" for key in DISCLOSURE],
                generated_at=iso(clock.now()),
                org_name=current_app.config["ORG_NAME"],
            ),
        )
    return {key: len(rows) for key, rows in tables.items()}
