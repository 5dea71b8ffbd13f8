"""Session materials: links (http/https only) and uploads sniffed by content, size-capped, stored under
MEDIA_DIR and downloaded only by the session's readers, as attachments with nosniff."""

import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import SessionMaterial, User
from app.sniff import sniff
from tests import factories
from tests.learning.helpers import WINTER_NOON, schedule

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office(part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


def opendocument(mime: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mime)  # stored first and uncompressed, as ODF requires
        archive.writestr("content.xml", "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (PDF, "application/pdf"),
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (b"GIF89a" + b"\x00" * 10, "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (
            office("ppt/presentation.xml"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            office("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (office("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            opendocument("application/vnd.oasis.opendocument.presentation"),
            "application/vnd.oasis.opendocument.presentation",
        ),
    ],
)
def test_the_sniffer_knows_the_allowed_types(data, mime):
    assert sniff(data).mime == mime


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 this is a Windows program",
        b"<html><script>alert(1)</script></html>",
        b"#!/bin/sh\nrm -rf /\n",
        b"PK\x03\x04 not really a zip",
        office("evil/payload.xml"),
        b"",
    ],
)
def test_the_sniffer_refuses_everything_else(data):
    assert sniff(data) is None


def upload(client, session_id: int, data: bytes, name: str, title: str = "Slides"):
    return client.post(
        f"/sessions/{session_id}/materials",
        data={"title": title, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def materials(app) -> list[SessionMaterial]:
    with app.app_context():
        rows = db.session.scalars(select(SessionMaterial).order_by(SessionMaterial.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def test_hosts_upload_a_pdf_that_members_download_safely(app, client, login, comms, member, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    login(comms)
    assert upload(client, session_id, PDF, "Our plan (v2).PDF.exe").status_code == 302
    [row] = materials(app)
    assert (
        row.content_type == "application/pdf"
        and row.file_name == "Our plan v2.PDF.pdf"
        and row.size == len(PDF)
    )
    stored = Path(app.config["MEDIA_DIR"]) / "sessions" / row.file_key
    assert stored.read_bytes() == PDF
    login(member)
    page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
    assert "Slides" in page
    response = client.get(f"/sessions/{session_id}/materials/{row.id}/download")
    assert response.status_code == 200 and response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    assert upload(client, session_id, PDF, "x.pdf").status_code == 403  # members don't add materials


def test_wrong_types_and_oversized_files_are_refused(app, client, login, comms, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    login(comms)
    root = Path(app.config["MEDIA_DIR"]) / "sessions"
    files_before = len(list(root.glob("*"))) if root.exists() else 0
    upload(client, session_id, b"<html><script>alert(1)</script>", "slides.pdf")
    upload(client, session_id, b"MZ\x90\x00" * 10, "slides.pptx")
    app.config["SESSION_MATERIAL_MAX_BYTES"] = 1024
    try:
        page = upload(client, session_id, PDF + b"0" * 2048, "big.pdf", "Big")
        assert page.status_code == 302
        flashed = client.get(f"/sessions/{session_id}").get_data(as_text=True)
        assert "Files can be at most" in flashed
    finally:
        app.config["SESSION_MATERIAL_MAX_BYTES"] = 8 * 1024 * 1024
    assert materials(app) == []
    assert (len(list(root.glob("*"))) if root.exists() else 0) == files_before  # nothing written


def test_links_must_be_http_or_https(app, client, login, comms, frozen):
    session_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    login(comms)
    for bad in (
        "javascript:alert(1)",
        "data:text/html,hi",
        "file:///etc/passwd",
        "not a url",
        "https://" + "a" * 600,
    ):
        client.post(f"/sessions/{session_id}/materials", data={"title": "Bad", "url": bad})
    client.post(f"/sessions/{session_id}/materials", data={"title": "", "url": "https://example.org"})
    assert materials(app) == []
    client.post(
        f"/sessions/{session_id}/materials", data={"title": "Guide", "url": "https://example.org/guide"}
    )
    [row] = materials(app)
    assert row.url == "https://example.org/guide" and row.file_key is None


def test_private_session_files_are_404_to_outsiders_and_removal_deletes_the_file(
    app, client, login, comms, member, intruder, frozen
):
    with app.app_context():
        place = factories.make_community(
            db.session.get(User, comms.id), "private", members=[db.session.get(User, member.id)]
        )
        place_id = place.id
    session_id = schedule(
        app, comms, community_id=place_id, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1)
    )
    login(comms)
    upload(client, session_id, PNG, "chart.png", "Chart")
    [row] = materials(app)
    url = f"/sessions/{session_id}/materials/{row.id}/download"
    outsider = login(intruder, app.test_client())
    assert outsider.get(url).status_code == 404
    insider = login(member, app.test_client())
    ok = insider.get(url)
    assert ok.status_code == 200
    ok.close()
    other_id = schedule(app, comms, starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    assert (
        insider.get(f"/sessions/{other_id}/materials/{row.id}/download").status_code == 404
    )  # wrong session
    client.post(f"/sessions/{session_id}/materials/{row.id}/delete")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SessionMaterial)) == 0
    assert not (Path(app.config["MEDIA_DIR"]) / "sessions" / row.file_key).exists()
