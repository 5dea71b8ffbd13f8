"""Helpers for the governance tests: a controllable clock, images with EXIF, posts and zips read back."""

import io
import json
import zipfile
from datetime import datetime, timedelta
from html.parser import HTMLParser

from PIL import Image

from app.attachments.services import Draft, Upload
from app.extensions import db
from app.governance import clock
from app.models import Community, User, utcnow
from app.posts.replies import create_reply
from app.posts.services import create_post

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Clock:
    """The time the governance package sees; tests move it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def advance(self, **delta) -> None:
        """Move forward (days=400, hours=1, ...)."""
        self.at += timedelta(**delta)


def freeze(monkeypatch, at: datetime | None = None) -> Clock:
    """Replace the governance clock with one the test moves (starting now, unless told)."""
    fake = Clock(at or utcnow())
    monkeypatch.setattr(clock, "now", lambda: fake.at)
    return fake


def jpeg_with_gps(size=(800, 600), colour=(200, 30, 30)) -> bytes:
    """A JPEG photo whose EXIF holds a GPS position, a camera serial number and an orientation."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[0x0110] = "Rollcall Test Camera"  # Model
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (51.0, 30.0, 0.0)
    gps[3], gps[4] = "W", (0.0, 7.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png(size=(40, 30), text: str | None = None) -> bytes:
    """A small PNG (optionally with a tEXt comment, which the stored copy must drop)."""
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 255)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def image_upload(name="photo.jpg", data=None, alt="The team at the station open day") -> Draft:
    """A draft attachment of a new image upload."""
    return Draft(upload=Upload(name, data or jpeg_with_gps()), alt_text=alt)


def make_post(app, author: User, body="Hello team", community_id=None, **kwargs) -> int:
    """A post's id, written through the service and committed."""
    with app.app_context():
        community = db.session.get(Community, community_id) if community_id else None
        post = create_post(db.session.get(User, author.id), body, community, **kwargs)
        db.session.commit()
        return post.id


def make_reply(app, author: User, post_id: int, body="Agreed", **kwargs) -> int:
    """A reply's id."""
    from app.models import Post

    with app.app_context():
        reply = create_reply(db.session.get(User, author.id), db.session.get(Post, post_id), body, **kwargs)
        db.session.commit()
        return reply.id


class _Text(HTMLParser):
    """Collects an HTML page's text and the targets of its links (to read an export's index back)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href")

    def handle_data(self, data):
        if data.strip():
            self.text.append(" ".join(data.split()))


def read_html(source: str) -> _Text:
    """Parse HTML with the standard library parser (what a browser would show as text)."""
    parser = _Text()
    parser.feed(source)
    parser.close()
    return parser


def open_zip(data: bytes) -> zipfile.ZipFile:
    """A downloaded zip, checked to be a valid archive."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def zip_json(archive: zipfile.ZipFile, name: str) -> dict:
    """One JSON file of an export."""
    return json.loads(archive.read(name).decode("utf-8"))


# Erasure keeps these on purpose: the audit log (who did what, for accountability; its own retention
# period anonymises it) and undelivered entries of the event log (checked separately).
KEPT = ("events", "audit_entries")


def rows_pointing_at(user_id: int, *tables: str) -> dict[str, int]:
    """Rows of these tables (every table but KEPT, if none named) whose foreign keys to users name the
    person."""
    from sqlalchemy import func, select

    from app.models import Base

    found = {}
    for table in Base.metadata.sorted_tables:
        if (
            table.name == "users"
            or (tables and table.name not in tables)
            or (not tables and table.name in KEPT)
        ):
            continue
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                n = db.session.scalar(select(func.count()).select_from(table).where(column == user_id))
                if n:
                    found[f"{table.name}.{column.name}"] = n
    return found


def text_mentions(needle: str, *tables: str) -> list[str]:
    """Table.column pairs in these tables whose text or JSON holds `needle` (a name, an email)."""
    from sqlalchemy import JSON, String, Text, cast, func, select

    from app.models import Base

    found = []
    for table in Base.metadata.sorted_tables:
        if table.name not in tables:
            continue
        for column in table.columns:
            if isinstance(column.type, String | Text | JSON):
                text = cast(column, Text) if isinstance(column.type, JSON) else column
                where = func.lower(text).contains(needle.lower())
                if db.session.scalar(select(func.count()).select_from(table).where(where)):
                    found.append(f"{table.name}.{column.name}")
    return found


def foreign_key_problems() -> list:
    """SQLite's own check that every foreign key names a row that exists (PostgreSQL enforces it)."""
    from sqlalchemy import text

    if db.session.get_bind().dialect.name != "sqlite":
        return []
    return list(db.session.execute(text("PRAGMA foreign_key_check")).all())


def subject_access(app, client, person) -> zipfile.ZipFile:
    """The person downloads their own data from the account page; the zip, opened."""
    from sqlalchemy import select

    from app.models import DataExport

    with client.session_transaction() as session:
        session["_user_id"] = person.get_id()
        session["_fresh"] = True
    assert client.post("/account/data").status_code == 302
    with app.app_context():
        export_id = db.session.scalar(
            select(DataExport.id)
            .where(DataExport.requested_by_id == person.id)
            .order_by(DataExport.id.desc())
        )
    response = client.get(f"/account/data/{export_id}/download")
    try:
        assert response.status_code == 200
        return open_zip(response.get_data())
    finally:
        response.close()


def disclosure(app, admin, community_id: int, days: int = 7) -> zipfile.ZipFile:
    """An admin's disclosure export of a community over the last `days` days (built at once), opened."""
    from app.governance import exports

    today = utcnow().date()
    with app.app_context():
        export = exports.request_disclosure(
            db.session.get(User, admin.id),
            community_id,
            (today - timedelta(days=days)).isoformat(),
            today.isoformat(),
            "FOI/TEST/1",
        )
        db.session.commit()
        return open_zip(exports.path_of(export).read_bytes())


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict]:
    """One CSV of a disclosure export, read back as dicts (columns checked by the caller)."""
    import csv

    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def erase(app, admin, person, reason="ER-TEST") -> dict:
    """Carry out an erasure request through the service and commit; the counts."""
    from app.governance.erasure import erase_person

    with app.app_context():
        counts = erase_person(db.session.get(User, admin.id), db.session.get(User, person.id), reason, True)
        db.session.commit()
        return counts
