"""The registry features plug into, and what removal for good cleans: feature posts (curated links,
sessions) with their rows and files, live pages told, erasure details (owners, mentions), the job
runner's failures, the CLI, and bad input on the request pages."""

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.governance import exports, registry
from app.governance.erasure import erase_person
from app.governance.purge import purge_posts
from app.governance.registry import PersonalData, RetentionKind
from app.models import (
    Community,
    CuratedLink,
    DataExport,
    LearningSession,
    LinkClick,
    LinkSave,
    Membership,
    Post,
    SessionMaterial,
    User,
)
from tests.api_helpers import community
from tests.governance.helpers import PDF, freeze, make_post, make_reply, open_zip, read_html, zip_json
from tests.links_helpers import share
from tests.realtime_helpers import received, sign_in


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_every_registered_kind_answers_for_a_person_and_a_community(app, member, comms):
    """A guard for features that register later: each collect() runs and gives JSON-ready rows."""
    import json

    place = community(app, comms, "public", members=(member,))
    make_post(app, member, "Something", place)
    with app.app_context():
        person, where = db.session.get(User, member.id), db.session.get(Community, place)
        for key, kind in registry.PERSONAL_DATA.items():
            json.dumps(kind.collect(person))
            if kind.count:
                assert isinstance(kind.count(person), int), key
        for key, kind in registry.DISCLOSURE.items():
            rows = kind.collect(
                where, person.created_at - timedelta(days=1), person.created_at + timedelta(days=1)
            )
            assert all(set(row) <= set(kind.columns) for row in rows), key
        for key, kind in registry.RETENTION.items():
            assert kind.actions[0] == "delete" and (kind.anonymise is None) == (kind.anonymised is None), key
    assert {"posts", "replies", "notifications", "audit_entries", "link_clicks", "session_materials"} <= set(
        registry.RETENTION
    )


def test_a_kind_a_new_feature_registers_appears_in_downloads_at_once(app, member, monkeypatch):
    kind = PersonalData(
        "example", "Example feature", "Rows an example feature keeps.", lambda u: [{"hello": u.name}]
    )
    monkeypatch.setitem(registry.PERSONAL_DATA, "example", kind)
    with app.app_context():
        export = exports.request_subject_access(
            db.session.get(User, member.id), db.session.get(User, member.id)
        )
        db.session.commit()
        archive = open_zip(exports.path_of(export).read_bytes())
        assert zip_json(archive, "data/example.json")["items"] == [{"hello": "Morgan Member"}]
        assert "Example feature" in read_html(archive.read("index.html").decode()).text


def test_registering_a_retention_kind_puts_it_on_the_admin_page(app, client, login, admin, monkeypatch):
    from app.models import Topic

    kind = RetentionKind("topics_example", "Example topics", "An example kind.", Topic, Topic.created_at)
    monkeypatch.setitem(registry.RETENTION, "topics_example", kind)
    login(admin)
    assert "Example topics" in client.get("/admin/retention").get_data(as_text=True)


def test_purging_a_curated_link_post_removes_the_link_its_saves_and_clicks(app, member, comms):
    from app.links.services import set_saved

    link_id = share(app, comms)
    with app.app_context():
        link = db.session.get(CuratedLink, link_id)
        set_saved(db.session.get(User, member.id), link, True)
        db.session.add(LinkClick(link_id=link_id, user_id=member.id))
        db.session.commit()
        assert purge_posts([link.post_id]) == 1
        db.session.commit()
    for model in (CuratedLink, LinkSave, LinkClick, Post):
        assert count(app, model) == 0, model


def test_purging_a_session_post_removes_the_session_and_its_material_files(app, comms):
    from app.learning import materials
    from tests.learning.helpers import schedule

    session_id = schedule(app, comms)
    with app.app_context():
        session = db.session.get(LearningSession, session_id)
        material = materials.add_file(db.session.get(User, comms.id), session, "Slides", "s.pdf", PDF)
        db.session.commit()
        path = materials.file_path(material)
        purge_posts([session.post_id])
        assert path.exists()  # only once the transaction commits
        db.session.commit()
    assert not path.exists()
    assert count(app, LearningSession) == 0 and count(app, SessionMaterial) == 0


def test_a_rolled_back_purge_keeps_the_files(app, member):
    from app.attachments import services
    from app.attachments.services import Draft, Upload

    post_id = make_post(app, member, "With a plan", files=[Draft(upload=Upload("p.pdf", PDF))])
    with app.app_context():
        from app.models import Attachment

        path = services.file_path(db.session.scalar(select(Attachment)))
        purge_posts([post_id])
        db.session.rollback()
    assert path.exists() and count(app, Post) == 1


def test_open_pages_are_told_when_a_post_is_removed_for_good(app, member, comms, sockets, monkeypatch):
    post_id = make_post(app, comms, "Going soon")
    sio = sockets.connect(sign_in(app, member))
    received(sio)
    with app.app_context():
        purge_posts([post_id])
        db.session.commit()
    deleted = received(sio, "post_deleted")
    assert [d["post_id"] for d in deleted] == [post_id]
    assert sign_in(app, member).get(f"/posts/{post_id}/card").status_code == 404


def test_erasure_hands_a_community_to_its_admins_and_rewrites_mentions(app, admin, member, comms, intruder):
    from app.communities.services import create_community

    with app.app_context():
        owned = create_community(db.session.get(User, member.id), "Bike Squad", "", "public")
        db.session.add(Membership(community_id=owned.id, user_id=comms.id, role="admin"))
        db.session.commit()
        owned_id = owned.id
        handle = db.session.get(User, member.id).handle
    post_id = make_post(app, intruder, f"Thanks @{handle} and @{handle}x for the ride")
    reply_id = make_reply(app, comms, post_id, f"Agreed, @{handle}!")
    with app.app_context():
        counts = erase_person(db.session.get(User, admin.id), db.session.get(User, member.id), "ER-11", True)
        db.session.commit()
        assert counts["mentions"] == 2
        post = db.session.get(Post, post_id)
        assert post.body_source == f"Thanks (former member) and @{handle}x for the ride"
        assert "(former member)" in post.body_html and f"/people/{member.id}" not in post.body_html
        from app.models import Reply

        assert db.session.get(Reply, reply_id).body_source == "Agreed, (former member)!"
        roles = dict(
            db.session.execute(
                select(Membership.user_id, Membership.role).where(Membership.community_id == owned_id)
            ).all()
        )
        assert roles == {comms.id: "owner"}


def test_a_failing_build_is_recorded_and_the_person_sees_it(app, client, login, member, monkeypatch):
    monkeypatch.setitem(app.config, "DATA_EXPORT_SYNC_MAX_ROWS", -1)
    login(member)
    client.post("/account/data")

    def broken(target, export):
        raise OSError("disk full")

    monkeypatch.setattr("app.governance.bundles.write_subject_access", broken)
    with app.app_context():
        assert exports.build_waiting_exports() == 1
        row = db.session.scalar(select(DataExport))
        assert row.status == "failed" and row.file_key is None
    assert "Failed" in client.get("/account/data").get_data(as_text=True)


def test_a_build_interrupted_an_hour_ago_is_taken_again(app, member, monkeypatch):
    clock = freeze(monkeypatch)
    with app.app_context():
        db.session.add(
            DataExport(
                kind="subject_access",
                requested_by_id=member.id,
                subject_id=member.id,
                status="building",
                claimed_at=clock.at,
            )
        )
        db.session.commit()
        assert exports.claim_next(clock.at + timedelta(minutes=30)) is None
        assert exports.claim_next(clock.at + timedelta(minutes=61)) is not None


def test_the_cli_shows_and_applies_retention(app, runner, member, monkeypatch):
    from app.models import RetentionRule

    result = runner.invoke(args=["governance", "retention", "--dry-run"])
    assert result.exit_code == 0 and "No retention periods are set" in result.output
    make_post(app, member, "Old one")
    with app.app_context():
        db.session.add(RetentionRule(kind="posts", keep_amount=1, keep_unit="days", action="delete"))
        db.session.commit()
    freeze(monkeypatch).advance(days=2)
    result = runner.invoke(args=["governance", "retention", "--dry-run"])
    assert "Posts: 1 due, 0 kept by a legal hold" in result.output
    result = runner.invoke(args=["governance", "retention"])
    assert result.exit_code == 0 and "Posts: delete 1, kept by hold 0" in result.output
    assert count(app, Post) == 0


def test_request_pages_refuse_bad_input_clearly(app, client, login, admin):
    login(admin)
    cases = [
        ("/admin/requests/subject-access", {"person": ""}, "Enter the person's work email or @handle"),
        ("/admin/requests/subject-access", {"person": "x" * 300}, "couldn't find anyone"),
        (
            "/admin/requests/subject-access",
            {"person": admin.email, "reference": "r" * 201},
            "under 200 characters",
        ),
        (
            "/admin/requests/disclosure",
            {
                "community_id": "999999999999",
                "starts_on": "2026-01-01",
                "ends_on": "2026-01-02",
                "reference": "x",
            },
            "Choose a community",
        ),
        (
            "/admin/requests/disclosure",
            {"community_id": "1", "starts_on": "2026-02-01", "ends_on": "2026-01-01", "reference": "x"},
            "on or after the start date",
        ),
        (
            "/admin/requests/disclosure",
            {"community_id": "1", "starts_on": "2000-01-01", "ends_on": "2026-01-01", "reference": "x"},
            "at most ten years",
        ),
        (
            "/admin/requests/erasure",
            {"person": admin.email, "reason": "x", "confirm": "1"},
            "can't erase your own account",
        ),
        (
            "/admin/requests/erasure",
            {"person": "", "reason": "x", "confirm": "1"},
            "Enter the person's work email",
        ),
    ]
    for url, data, message in cases:
        response = client.post(url, data=data)
        assert response.status_code == 422, (url, data)
        assert message in " ".join(read_html(response.get_data(as_text=True)).text), (url, data)
    assert count(app, DataExport) == 0
    assert client.get("/account/data/99999999999999/download").status_code == 404
