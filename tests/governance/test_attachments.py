"""Attachments on posts and replies: type from the bytes, size and count limits, alt text required for
images, EXIF (GPS) stripped from the stored copy, thumbnails, files kept when a form comes back,
downloads checked like the post (held, hidden and removed too), headers, the API and the card."""

import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.attachments import services
from app.attachments.services import Draft, Upload
from app.errors import ValidationError
from app.extensions import db
from app.models import Attachment, Post, User
from app.posts.services import create_post, delete_post
from tests.api_helpers import api_factory, community  # noqa: F401
from tests.governance.helpers import PDF, image_upload, jpeg_with_gps, make_post, make_reply, png, read_html


def _one(app) -> Attachment:
    with app.app_context():
        row = db.session.scalar(select(Attachment))
        db.session.expunge(row)
        return row


def fetch(client, url: str) -> tuple[int, dict, bytes]:
    """GET a file and close the response (send_file holds it open): status, headers, body."""
    response = client.get(url)
    try:
        return response.status_code, response.headers, response.get_data()
    finally:
        response.close()


def _stored(app, row: Attachment, thumbnail=False) -> bytes:
    with app.app_context():
        return services.file_path(row, thumbnail).read_bytes()


def test_an_image_is_stored_without_its_exif_and_turned_upright_with_a_thumbnail(app, member):
    original = jpeg_with_gps(size=(800, 600))
    assert b"SERIAL-12345" in original and b"Exif" in original
    post_id = make_post(app, member, "Open day photos", files=[image_upload(data=original)])
    row = _one(app)
    assert (row.post_id, row.kind, row.content_type, row.alt_text) == (
        post_id,
        "image",
        "image/jpeg",
        "The team at the station open day",
    )
    stored = _stored(app, row)
    assert b"SERIAL-12345" not in stored and b"Rollcall Test Camera" not in stored and b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.getexif() == {} and image.size == (600, 800)  # orientation 6 applied, then dropped
        assert (row.width, row.height) == (600, 800)
    with Image.open(io.BytesIO(_stored(app, row, thumbnail=True))) as thumb:
        assert max(thumb.size) <= 640
    with app.app_context():
        assert services.file_path(row).parent == Path(app.config["MEDIA_DIR"]) / "attachments"


def test_png_text_chunks_are_dropped_and_documents_kept_as_they_are(app, member):
    make_post(
        app,
        member,
        "Plan and chart",
        files=[
            Draft(
                upload=Upload("chart.png", png(text="taken at 51.5N 0.1W by Sam")),
                alt_text="Bar chart of calls",
            ),
            Draft(upload=Upload("plan.pdf", PDF)),
        ],
    )
    with app.app_context():
        rows = db.session.scalars(select(Attachment).order_by(Attachment.position)).all()
        assert [(r.kind, r.file_name, r.content_type) for r in rows] == [
            ("image", "chart.png", "image/png"),
            ("document", "plan.pdf", "application/pdf"),
        ]
        assert b"51.5N" not in services.file_path(rows[0]).read_bytes()
        assert services.file_path(rows[1]).read_bytes() == PDF and not rows[1].has_thumbnail


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (Draft(upload=Upload("photo.jpg", jpeg_with_gps()), alt_text=""), "Describe each image"),
        (Draft(upload=Upload("notes.txt", b"just text")), "isn't a file type Rollcall accepts"),
        (Draft(upload=Upload("fake.png", b"\x89PNG\r\n\x1a\n" + b"garbage")), "can't be read"),
        (Draft(upload=Upload("evil.pdf.html", b"<script>alert(1)</script>")), "isn't a file type"),
        (Draft(upload=Upload("empty.pdf", b"")), "is empty"),
        (Draft(upload=Upload("big.pdf", PDF + b"0" * (8 * 1024 * 1024))), "files can be at most 8 MB"),
        (Draft(upload=Upload("photo.jpg", jpeg_with_gps()), alt_text="x" * 1001), "under 1,000 characters"),
        (Draft(staged_id=999999), "no longer available"),
    ],
    ids=["no-alt", "text", "corrupt-image", "html", "empty", "too-big", "long-alt", "unknown-staged"],
)
def test_bad_attachments_are_refused_with_a_clear_message_and_nothing_is_stored(app, member, draft, message):
    folder = Path(app.config["MEDIA_DIR"]) / "attachments"
    before = set(folder.iterdir()) if folder.exists() else set()
    with app.app_context():
        with pytest.raises(ValidationError) as caught:
            create_post(db.session.get(User, member.id), "With a file", files=[draft])
        assert message in caught.value.fields["attachments"]
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Post)) == 0
    assert (set(folder.iterdir()) if folder.exists() else set()) == before


def test_at_most_four_files(ctx, member):
    with pytest.raises(ValidationError) as caught:
        create_post(
            db.session.get(User, member.id),
            "Lots",
            files=[Draft(upload=Upload(f"{i}.pdf", PDF)) for i in range(5)],
        )
    assert caught.value.fields["attachments"] == "Attach at most 4 files."


def test_someone_elses_upload_cant_be_attached(app, member, intruder):
    with app.app_context():
        rows, _ = services.stage(db.session.get(User, member.id), [Draft(upload=Upload("plan.pdf", PDF))])
        db.session.commit()
        staged_id = rows[0].id
        with pytest.raises(ValidationError) as caught:
            create_post(db.session.get(User, intruder.id), "Mine now", files=[Draft(staged_id=staged_id)])
        assert "no longer available" in caught.value.fields["attachments"]


def test_the_composer_keeps_uploads_and_asks_for_the_missing_description(app, client, login, member):
    login(member)
    data = {"body": "Photo from today", "files": (io.BytesIO(jpeg_with_gps()), "today.jpg")}
    response = client.post("/posts", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Describe each image for people who can" in " ".join(read_html(page).text)
    row = _one(app)
    assert row.post_id is None and row.uploader_id == member.id  # kept for the second submit
    assert f'name="attachment_id" value="{row.id}"' in page and f'name="alt_{row.id}"' in page
    # The kept file's thumbnail shows in the form (to the uploader only).
    assert fetch(client, f"/attachments/{row.id}/thumbnail")[0] == 200
    second = client.post(
        "/posts",
        data={
            "body": "Photo from today",
            "attachment_id": str(row.id),
            f"alt_{row.id}": "Officers at the open day",
        },
    )
    assert second.status_code == 302
    with app.app_context():
        attached = db.session.get(Attachment, row.id)
        assert attached.post_id is not None and attached.alt_text == "Officers at the open day"
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1


def test_a_kept_upload_can_be_dropped(app, client, login, member):
    login(member)
    client.post(
        "/posts",
        data={"body": "", "files": (io.BytesIO(PDF), "plan.pdf")},
        content_type="multipart/form-data",
    )
    row = _one(app)
    response = client.post(
        "/posts",
        data={"body": "No file after all", "attachment_id": str(row.id), "drop_attachment": str(row.id)},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Attachment, row.id).post_id is None


def test_the_card_shows_the_image_with_its_alt_text_and_lists_documents(app, client, login, member):
    make_post(
        app,
        member,
        "Photos and the plan",
        files=[
            image_upload(alt="Two officers with a police dog"),
            Draft(upload=Upload("Event plan.pdf", PDF)),
        ],
    )
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert 'alt="Two officers with a police dog"' in page
    assert "Event plan.pdf" in page and "download>" in page


def test_downloads_follow_the_posts_visibility(app, client, login, member, intruder, comms, moderator):
    private = community(app, comms, "private", members=(member,))
    post_id = make_post(app, member, "Team only", private, files=[image_upload()])
    row = _one(app)
    login(member)
    status, headers, body = fetch(client, f"/attachments/{row.id}")
    assert status == 200 and headers["Content-Type"] == "image/jpeg" and body == _stored(app, row)
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert (
        headers["Content-Disposition"].startswith("inline") and "photo.jpg" in headers["Content-Disposition"]
    )
    assert "sandbox" in headers["Content-Security-Policy"] and "no-store" in headers["Cache-Control"]
    for who in (intruder, moderator):  # the moderator isn't in the private community either
        login(who)
        assert fetch(client, f"/attachments/{row.id}")[0] == 404
        assert fetch(client, f"/attachments/{row.id}/thumbnail")[0] == 404
    with app.app_context():
        delete_post(db.session.get(User, member.id), db.session.get(Post, post_id))
        db.session.commit()
    login(member)  # removed: readers (the author too) see the tombstone, not the file
    assert fetch(client, f"/attachments/{row.id}")[0] == 404
    login(comms)  # the community's owner moderates it
    assert fetch(client, f"/attachments/{row.id}")[0] == 200


def test_held_and_hidden_posts_files_reach_only_the_author_and_moderators(
    app, client, login, member, comms, moderator
):
    post_id = make_post(app, member, "Held one", files=[Draft(upload=Upload("plan.pdf", PDF))])
    with app.app_context():
        db.session.get(Post, post_id).status = "held"
        db.session.commit()
    row = _one(app)
    login(comms)
    assert fetch(client, f"/attachments/{row.id}")[0] == 404
    for who in (member, moderator):
        login(who)
        status, headers, body = fetch(client, f"/attachments/{row.id}")
        assert status == 200 and headers["Content-Disposition"].startswith("attachment") and body == PDF
        assert headers["Content-Type"] == "application/pdf"


def test_anonymous_and_unknown_ids(app, client, login, member):
    assert client.get("/attachments/1").status_code == 302  # to the sign-in page
    login(member)
    assert client.get("/attachments/99999999999999").status_code == 404
    assert client.get("/attachments/5/thumbnail").status_code == 404


def test_replies_carry_attachments_too(app, client, login, member, comms):
    post_id = make_post(app, comms, "Rota question")
    make_reply(app, member, post_id, "Here it is", files=[image_upload(alt="The rota on the board")])
    login(comms)
    page = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert 'alt="The rota on the board"' in page


def test_the_api_uploads_then_attaches(app, api, member, intruder):
    client = api(member)
    upload = client.client.post(
        "/api/v1/attachments",
        data={"file": (io.BytesIO(jpeg_with_gps()), "p.jpg"), "alt_text": "Station front"},
        headers={"Authorization": f"Bearer {client.token}"},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 201
    body = upload.get_json()
    assert body["kind"] == "image" and body["attached"] is False and body["alt_text"] == "Station front"
    assert api(intruder).get(f"/attachments/{body['id']}").status_code == 404
    assert (
        api(intruder).post("/posts", json={"body": "Steal", "attachment_ids": [body["id"]]}).status_code
        == 422
    )
    created = client.post("/posts", json={"body": "Look", "attachment_ids": [body["id"]]})
    assert created.status_code == 201
    assert [a["id"] for a in created.get_json()["attachments"]] == [body["id"]]
    assert client.get(f"/attachments/{body['id']}").get_json()["attached"] is True
    assert client.post("/posts", json={"body": "x", "attachment_ids": "3"}).status_code == 422
    assert client.post("/posts", json={"body": "x", "attachment_ids": [True]}).status_code == 422
    none = client.client.post("/api/v1/attachments", headers={"Authorization": f"Bearer {client.token}"})
    assert none.status_code == 422 and "file" in none.get_json()["error"]["fields"]


def test_uploads_never_attached_are_tidied_after_a_day(app, member):
    from datetime import timedelta

    from app.models import utcnow

    with app.app_context():
        rows, _ = services.stage(db.session.get(User, member.id), [Draft(upload=Upload("plan.pdf", PDF))])
        db.session.commit()
        path = services.file_path(rows[0])
        assert services.remove_stale_uploads(utcnow()) == 0
        assert services.remove_stale_uploads(utcnow() + timedelta(days=1, minutes=1)) == 1
        db.session.commit()
    assert not path.exists()


def test_a_feed_with_attachments_costs_the_same_queries_for_3_or_12_posts(
    app, client, login, member, count_queries
):
    login(member)

    def measure() -> int:
        with count_queries() as queries:
            assert client.get("/").status_code == 200
        return queries()

    measure()  # warm the idle-timeout setting's 30-second cache, so only one of the two calls doesn't pay it
    for i in range(3):
        make_post(app, member, f"Post {i}", files=[Draft(upload=Upload(f"{i}.pdf", PDF))])
    few = measure()
    for i in range(9):
        make_post(app, member, f"More {i}", files=[Draft(upload=Upload(f"m{i}.pdf", PDF))])
    assert measure() == few


def test_the_upload_is_described_as_multipart_in_openapi(app, api, member):
    doc = api(member).get("/openapi.json").get_json()
    body = doc["paths"]["/api/v1/attachments"]["post"]["requestBody"]["content"]
    assert list(body) == ["multipart/form-data"]
    assert body["multipart/form-data"]["schema"] == {"$ref": "#/components/schemas/AttachmentUpload"}
