"""Subject access downloads, admins' exports for a named person, disclosure exports, erasure: every zip
is read back (zipfile, json, csv, html.parser) and checked, and so is who may fetch it."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.api.tokens import create_token
from app.attachments.services import Draft, Upload
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.governance import exports, holds
from app.governance.erasure import erase_person
from app.models import (
    ApiToken,
    AuditEntry,
    DataExport,
    Membership,
    Notification,
    Post,
    Reaction,
    Reply,
    User,
)
from app.posts.replies import react
from tests.api_helpers import community
from tests.governance.helpers import (
    PDF,
    freeze,
    image_upload,
    make_post,
    make_reply,
    open_zip,
    read_html,
    zip_json,
)


def _download(client, export_id: int):
    response = client.get(f"/account/data/{export_id}/download")
    try:
        return response.status_code, response.headers, response.get_data()
    finally:
        response.close()


def _latest(app, **where) -> DataExport:
    with app.app_context():
        row = db.session.scalar(select(DataExport).filter_by(**where).order_by(DataExport.id.desc()))
        db.session.expunge(row)
        return row


def test_a_person_downloads_everything_held_about_them(app, client, login, member, comms):
    private = community(app, comms, "private", name="Response team", members=(member,))
    post_id = make_post(
        app, member, "My post in the team", private, marking="OFFICIAL", files=[image_upload()]
    )
    make_reply(app, member, post_id, "And my reply")
    other = make_post(app, comms, "Someone else's post")
    with app.app_context():
        react(db.session.get(User, member.id), db.session.get(Post, other), "celebrate")
        db.session.commit()
    login(member)
    page = client.get("/account/data")
    assert page.status_code == 200 and "Download everything Rollcall holds about you" in page.get_data(
        as_text=True
    )
    assert client.post("/account/data").status_code == 302
    export = _latest(app, requested_by_id=member.id)
    assert export.status == "ready" and export.expires_at - export.ready_at == timedelta(days=7)
    status, headers, body = _download(client, export.id)
    assert status == 200 and headers["Content-Type"] == "application/zip"
    assert headers["Content-Disposition"].startswith("attachment;") and "no-store" in headers["Cache-Control"]
    archive = open_zip(body)
    names = set(archive.namelist())
    assert {
        "index.html",
        "data/profile.json",
        "data/posts.json",
        "data/replies.json",
        "data/reactions.json",
    } <= names
    assert zip_json(archive, "data/profile.json")["items"][0]["email"] == member.email
    posts = zip_json(archive, "data/posts.json")["items"]
    assert [(p["text"], p["community"], p["protective_marking"]) for p in posts] == [
        ("My post in the team", "Response team", "OFFICIAL")
    ]
    assert zip_json(archive, "data/replies.json")["items"][0]["text"] == "And my reply"
    assert zip_json(archive, "data/reactions.json")["items"][0] == {
        "post_id": other,
        "kind": "celebrate",
        "created_at": zip_json(archive, "data/reactions.json")["items"][0]["created_at"],
    }
    assert "Someone else's post" not in archive.read("data/posts.json").decode()
    attachment = zip_json(archive, "data/attachments.json")["items"][0]
    assert attachment["file"] in names and archive.read(attachment["file"])[:3] == b"\xff\xd8\xff"
    index = read_html(archive.read("index.html").decode("utf-8"))
    assert "What Rollcall holds about Morgan Member" in index.text and "My post in the team" in index.text
    assert attachment["file"] in index.links
    for name in names:
        if name.startswith("data/"):
            assert isinstance(zip_json(archive, name)["items"], list)


def test_nobody_else_can_fetch_a_download_and_it_expires(
    app, client, login, member, intruder, admin, monkeypatch
):
    login(member)
    client.post("/account/data")
    export = _latest(app, requested_by_id=member.id)
    for other in (intruder, admin):
        login(other)
        assert _download(client, export.id)[0] == 404
    login(member)
    assert _download(client, 999999)[0] == 404
    clock = freeze(monkeypatch)
    clock.advance(days=8)
    assert _download(client, export.id)[0] == 410
    with app.app_context():
        assert exports.expire_due(clock.at) == 1
        db.session.commit()
        assert db.session.get(DataExport, export.id).status == "expired"
    assert _download(client, export.id)[0] == 410


def test_a_big_account_is_built_by_the_job_runner_and_the_person_told(
    app, client, login, member, monkeypatch
):
    monkeypatch.setitem(app.config, "DATA_EXPORT_SYNC_MAX_ROWS", 1)
    make_post(app, member, "one")
    make_post(app, member, "two")
    login(member)
    client.post("/account/data")
    export = _latest(app, requested_by_id=member.id)
    assert export.status == "pending"
    assert "Being prepared" in client.get("/account/data").get_data(as_text=True)
    assert client.post("/account/data").status_code == 422  # one at a time
    with app.app_context():
        assert exports.build_waiting_exports() == 1
        note = db.session.scalar(select(Notification).where(Notification.user_id == member.id))
        assert note.kind == "data_export_ready" and note.data["export_id"] == export.id
    assert _download(client, export.id)[0] == 200
    assert "download it" in client.get("/notifications").get_data(as_text=True)


def test_an_admin_exports_a_named_persons_data_and_it_is_audited(app, client, login, admin, member, comms):
    make_post(app, member, "Member's words")
    login(comms)
    assert client.post("/admin/requests/subject-access", data={"person": member.email}).status_code == 403
    login(admin)
    assert client.get("/admin/requests").status_code == 200
    missing = client.post("/admin/requests/subject-access", data={"person": "nobody@example.police.uk"})
    assert missing.status_code == 422
    done = client.post(
        "/admin/requests/subject-access",
        data={"person": "@" + _handle(app, member), "reference": "SAR-2026-14"},
    )
    assert done.status_code == 302
    export = _latest(app, requested_by_id=admin.id)
    assert export.subject_id == member.id and export.reference == "SAR-2026-14"
    status, _, body = _download(client, export.id)
    assert status == 200 and "Member's words" in open_zip(body).read("data/posts.json").decode()
    login(member)  # the person asked about can't fetch the admin's copy
    assert _download(client, export.id)[0] == 404
    with app.app_context():
        actions = db.session.execute(
            select(AuditEntry.action, AuditEntry.target_id, AuditEntry.reason).where(
                AuditEntry.action.like("subject_access.%")
            )
        ).all()
        assert sorted(actions) == [
            ("subject_access.downloaded", member.id, "SAR-2026-14"),
            ("subject_access.requested", member.id, "SAR-2026-14"),
        ]


def _handle(app, user) -> str:
    with app.app_context():
        return db.session.get(User, user.id).handle


def test_a_disclosure_export_is_readable_html_and_csv(app, client, login, admin, comms, member, monkeypatch):
    place = community(app, comms, "private", name="Neighbourhood team", members=(member,))
    first = make_post(
        app,
        comms,
        '=HYPERLINK("http://evil") budget update',
        place,
        files=[Draft(upload=Upload("plan.pdf", PDF))],
    )
    make_reply(app, member, first, "Thanks, noted")
    make_post(app, comms, "Outside the community")
    with app.app_context():
        old = make_post(app, comms, "Too early", place)
        db.session.get(Post, old).created_at -= timedelta(days=60)
        db.session.commit()
    from app.models import utcnow

    today = utcnow().date()
    login(admin)
    bad = client.post(
        "/admin/requests/disclosure",
        data={"community_id": place, "starts_on": "2026-13-01", "ends_on": "", "reference": ""},
    )
    assert bad.status_code == 422
    text = " ".join(read_html(bad.get_data(as_text=True)).text)
    assert "Enter a date" in text and "Give the request's reference" in text
    response = client.post(
        "/admin/requests/disclosure",
        data={
            "community_id": place,
            "starts_on": (today - timedelta(days=7)).isoformat(),
            "ends_on": today.isoformat(),
            "reference": "FOI/2026/0412",
        },
    )
    assert response.status_code == 302
    export = _latest(app, kind="disclosure")
    status, _, body = _download(client, export.id)
    assert status == 200
    archive = open_zip(body)
    assert {"index.html", "posts.csv", "replies.csv", "links.csv", "sessions.csv", "attachments.csv"} <= set(
        archive.namelist()
    )
    rows = list(csv.DictReader(io.StringIO(archive.read("posts.csv").decode("utf-8-sig"))))
    assert [r["text"] for r in rows] == ['\'=HYPERLINK("http://evil") budget update']  # a formula is defused
    assert rows[0]["author"] == "Casey Comms"
    replies = list(csv.DictReader(io.StringIO(archive.read("replies.csv").decode("utf-8-sig"))))
    assert [(r["post_id"], r["text"]) for r in replies] == [(str(first), "Thanks, noted")]
    files = list(csv.DictReader(io.StringIO(archive.read("attachments.csv").decode("utf-8-sig"))))
    assert archive.read(files[0]["file"]) == PDF
    index = read_html(archive.read("index.html").decode("utf-8"))
    assert "Neighbourhood team" in " ".join(index.text) and "Thanks, noted" in index.text
    assert "Outside the community" not in " ".join(index.text) and "Too early" not in " ".join(index.text)
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "disclosure.requested"))
        assert (entry.target_id, entry.reason) == (place, "FOI/2026/0412")


def test_only_admins_export_a_community_and_a_secret_one_never_leaks(
    app, client, login, intruder, comms, admin
):
    secret = community(app, comms, "secret", name="Operation Kestrel")
    private = community(app, comms, "private", name="Professional Standards")
    make_post(app, comms, "Private words", private)
    login(intruder)
    for target in (secret, private):
        response = client.post(
            "/admin/requests/disclosure",
            data={
                "community_id": target,
                "starts_on": "2026-01-01",
                "ends_on": "2026-12-31",
                "reference": "x",
            },
        )
        page = response.get_data(as_text=True)
        assert response.status_code == 403 and "Operation Kestrel" not in page and "Private words" not in page
    assert client.get("/admin/requests").status_code == 403
    login(comms)  # the community's own owner isn't an information officer either
    assert client.post("/admin/requests/disclosure", data={"community_id": secret}).status_code == 403
    with app.app_context():
        with pytest.raises(PermissionDenied):
            exports.request_disclosure(
                db.session.get(User, intruder.id), secret, "2026-01-01", "2026-01-02", "x"
            )
    assert db_count(app, DataExport) == 0


def db_count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_erasure_anonymises_content_and_removes_the_rest(app, client, login, admin, member, comms):
    place = community(app, comms, "public", members=(member,))
    post_id = make_post(app, member, "Started this thread", place)
    reply_id = make_reply(app, comms, post_id, "Good point @" + _handle(app, member))
    make_reply(app, member, post_id, "Thanks!")
    with app.app_context():
        react(db.session.get(User, member.id), db.session.get(Post, post_id), "like")
        create_token(db.session.get(User, member.id), "script", "write")
        db.session.commit()
    login(admin)
    refused = client.post("/admin/requests/erasure", data={"person": member.email, "reason": ""})
    assert refused.status_code == 422
    text = " ".join(read_html(refused.get_data(as_text=True)).text)
    assert "Give the request's reference" in text and "Tick the box" in text
    done = client.post(
        "/admin/requests/erasure",
        data={"person": member.email, "reason": "Erasure request ER-7", "confirm": "1"},
    )
    assert done.status_code == 302
    with app.app_context():
        person = db.session.get(User, member.id)
        assert person.is_erased and person.is_deactivated and person.name == "Former member (erased)"
        assert (
            person.email == f"erased-{member.id}@erased.invalid"
            and person.bio == ""
            and person.password_hash is None
        )
        post = db.session.get(Post, post_id)
        assert post.body_source == "Started this thread" and post.author.name == "Former member (erased)"
        assert post.author_id != member.id and db.session.get(Reply, reply_id) is not None
        assert (
            db.session.scalar(select(func.count()).select_from(Reply).where(Reply.author_id == member.id))
            == 0
        )
        for model, column in (
            (Membership, Membership.user_id),
            (Reaction, Reaction.user_id),
            (ApiToken, ApiToken.user_id),
        ):
            assert db.session.scalar(select(func.count()).select_from(model).where(column == member.id)) == 0
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.erased"))
        assert entry.target_id == member.id and entry.reason == "Erasure request ER-7"
        assert member.email not in str(entry.data) and member.name not in str(entry.data)
    thread = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "Former member (erased)" in thread and f"/people/{member.id}" not in thread
    assert client.get(f"/people/{member.id}").status_code == 404
    again = client.post(
        "/admin/requests/erasure",
        data={"person": f"erased-{member.id}@erased.invalid", "reason": "x", "confirm": "1"},
    )
    assert again.status_code == 422


def test_erasure_ends_the_persons_sessions_at_once(app, client, login, admin, member):
    login(member)
    assert client.get("/").status_code == 200
    with app.app_context():
        erase_person(db.session.get(User, admin.id), db.session.get(User, member.id), "ER-8", True)
        db.session.commit()
    assert client.get("/").status_code == 302  # signed out


def test_erasure_is_refused_while_a_legal_hold_covers_the_person(app, admin, member, comms):
    place = community(app, comms, "public", members=(member,))
    make_post(app, member, "Evidence", place)
    with app.app_context():
        boss = db.session.get(User, admin.id)
        hold = holds.create_hold(boss, community_id=place, reason="Misconduct investigation MI-3")
        db.session.commit()
        with pytest.raises(ValidationError) as caught:
            erase_person(boss, db.session.get(User, member.id), "ER-9", True)
        assert (
            "legal hold" in caught.value.fields["form"]
            and "Misconduct investigation MI-3" in caught.value.fields["form"]
        )
        db.session.rollback()
        assert not db.session.get(User, member.id).is_erased
        holds.lift_hold(boss, hold.id, "Investigation closed")
        erase_person(boss, db.session.get(User, member.id), "ER-9", True)
        db.session.commit()
        assert db.session.get(User, member.id).is_erased


def test_an_erased_persons_subject_access_download_holds_nothing_personal(app, admin, member):
    make_post(app, member, "Something I wrote")
    with app.app_context():
        boss, person = db.session.get(User, admin.id), db.session.get(User, member.id)
        erase_person(boss, person, "ER-10", True)
        export = exports.request_subject_access(boss, person, "after erasure")
        db.session.commit()
        archive = open_zip(exports.path_of(export).read_bytes())
        assert zip_json(archive, "data/posts.json")["items"] == []
        profile = zip_json(archive, "data/profile.json")["items"][0]
        assert (
            profile["name"] == "Former member (erased)"
            and member.email not in archive.read("index.html").decode()
        )


def test_exports_show_what_people_wrote_as_text_never_as_markup(app, admin, member):
    make_post(app, member, '<script>alert("x")</script> <img src=x onerror=alert(1)>')
    with app.app_context():
        person = db.session.get(User, member.id)
        export = exports.request_subject_access(person, person)
        db.session.commit()
        index = open_zip(exports.path_of(export).read_bytes()).read("index.html").decode()
    assert "<script>alert" not in index and "&lt;script&gt;alert" in index and "<img src=x" not in index
    assert [tag for tag in read_html(index).tags if tag in ("script", "img", "iframe")] == []
