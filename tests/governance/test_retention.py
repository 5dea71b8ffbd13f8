"""Retention with a controllable clock: periods set by admins, expiry that removes (with every
dependent row and file) or anonymises, in batches, never touching what a legal hold covers or what a
moderation case is about, and every run recorded in the audit log."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.attachments import services as attachment_services
from app.attachments.services import Draft, Upload
from app.extensions import db
from app.governance import holds
from app.governance.retention import cutoff
from app.governance.retention_job import nightly_retention, run_retention
from app.models import (
    Attachment,
    AuditEntry,
    CuratedLink,
    Event,
    LinkClick,
    ModerationCase,
    Notification,
    Post,
    PostTopic,
    Reaction,
    Reply,
    RetentionRule,
    Revision,
    ThreadFollow,
    User,
)
from app.posts.replies import react
from app.posts.services import delete_post, edit_post
from tests.api_helpers import community
from tests.governance.helpers import PDF, freeze, make_post, make_reply
from tests.links_helpers import share


def set_rule(app, kind: str, amount: int | None, unit="years", action="delete") -> None:
    with app.app_context():
        db.session.merge(RetentionRule(kind=kind, keep_amount=amount, keep_unit=unit, action=action))
        db.session.commit()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def run(app, actor=None) -> dict:
    with app.app_context():
        return run_retention(actor)


@pytest.mark.parametrize(
    ("now", "amount", "unit", "expected"),
    [
        (datetime(2026, 3, 31, 12, tzinfo=UTC), 1, "months", datetime(2026, 2, 28, 12, tzinfo=UTC)),
        (datetime(2028, 2, 29, tzinfo=UTC), 6, "years", datetime(2022, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, "months", datetime(2024, 12, 15, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 30, "days", datetime(2025, 12, 16, tzinfo=UTC)),
    ],
)
def test_periods_are_counted_on_the_calendar(now, amount, unit, expected):
    assert cutoff(now, amount, unit) == expected


def test_nothing_goes_without_a_rule_and_expired_posts_go_with_everything_that_depends_on_them(
    app, member, comms, monkeypatch
):
    clock = freeze(monkeypatch)
    old = make_post(app, member, "An old post about #rota", files=[Draft(upload=Upload("plan.pdf", PDF))])
    reply = make_reply(app, comms, old, "A reply @" + member.name.split()[0].lower())
    with app.app_context():
        author, post = db.session.get(User, member.id), db.session.get(Post, old)
        react(db.session.get(User, comms.id), post, "like")
        edit_post(author, post, "An old post about #rota, edited")
        db.session.commit()
        attachment = db.session.scalar(select(Attachment))
        stored = attachment_services.file_path(attachment)
    clock.advance(days=365 * 7)
    assert run(app) == {}  # no periods set: everything is kept
    assert count(app, Post) == 1
    set_rule(app, "posts", 6, "years")
    fresh = make_post(app, member, "A new post")
    with app.app_context():
        db.session.get(Post, fresh).created_at = clock.at  # written "now", on the test's clock
        db.session.commit()
    results = run(app)
    assert results == {"posts": {"delete": 1, "kept_by_hold": 0}}
    assert count(app, Post) == 1 and count(app, Post, Post.id == fresh) == 1
    for model in (Reply, Reaction, Revision, PostTopic, ThreadFollow, Attachment):
        assert count(app, model) == (1 if model is ThreadFollow else 0), model  # the new post's own follow
    assert count(app, Notification, Notification.data["post_id"].as_integer() == old) == 0
    assert not stored.exists()
    with app.app_context():
        names = db.session.execute(select(Event.name, Event.data).where(Event.name == "post_deleted")).all()
        assert [(n, d["post_id"], d.get("purged")) for n, d in names] == [("post_deleted", old, True)]
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "retention.ran").order_by(AuditEntry.id.desc())
        )
        assert (
            entry.data["counts"] == {"posts": {"delete": 1, "kept_by_hold": 0}}
            and entry.data["trigger"] == "nightly"
        )
    assert reply  # removed with its post


def test_anonymising_keeps_the_text_and_forgets_the_author(app, member, comms, monkeypatch):
    clock = freeze(monkeypatch)
    post_id = make_post(app, member, "Lessons from the floods")
    reply_id = make_reply(app, comms, post_id, "Thanks for this")
    clock.advance(days=800)
    set_rule(app, "posts", 2, "years", "anonymise")
    set_rule(app, "replies", 2, "years", "anonymise")
    assert run(app) == {
        "posts": {"anonymise": 1, "kept_by_hold": 0},
        "replies": {"anonymise": 1, "kept_by_hold": 0},
    }
    with app.app_context():
        post, reply = db.session.get(Post, post_id), db.session.get(Reply, reply_id)
        assert post.body_source == "Lessons from the floods" and post.author.name == "Anonymised"
        assert reply.author.name == "Anonymised" and reply.author.is_erased
    assert run(app) == {
        "posts": {"anonymise": 0, "kept_by_hold": 0},
        "replies": {"anonymise": 0, "kept_by_hold": 0},
    }


def test_runs_work_in_batches_up_to_a_limit(app, member, monkeypatch):
    clock = freeze(monkeypatch)
    for i in range(7):
        make_post(app, member, f"Post {i}")
    clock.advance(days=40)
    set_rule(app, "posts", 30, "days")
    monkeypatch.setitem(app.config, "RETENTION_BATCH_SIZE", 2)
    monkeypatch.setitem(app.config, "RETENTION_MAX_PER_RUN", 5)
    assert run(app)["posts"]["delete"] == 5
    assert count(app, Post) == 2
    assert run(app)["posts"]["delete"] == 2


def test_legal_holds_keep_what_they_cover_until_lifted(app, member, comms, admin, monkeypatch):
    clock = freeze(monkeypatch, datetime(2026, 3, 10, 12, tzinfo=UTC))
    private = community(app, comms, "private", members=(member,))
    by_member = make_post(app, member, "Mine")
    in_private = make_post(app, comms, "In the private one", private)
    plain = make_post(app, comms, "Unrelated")
    with app.app_context():
        # One post written in March, on the held dates.
        march = make_post(app, comms, "March post")
        db.session.get(Post, march).created_at = datetime(2026, 3, 5, tzinfo=UTC)
        for pid in (by_member, in_private, plain):
            db.session.get(Post, pid).created_at = datetime(2026, 2, 1, tzinfo=UTC)
        db.session.commit()
        boss = db.session.get(User, admin.id)
        person = holds.create_hold(boss, person=member.email, reason="Tribunal claim 2304567/2026")
        place = holds.create_hold(boss, community_id=private, reason="Complaint C-19")
        dates = holds.create_hold(boss, starts_on="2026-03-01", ends_on="2026-03-31", reason="FOI 2026/88")
        db.session.commit()
        ids = (person.id, place.id, dates.id)
    clock.advance(days=400)
    set_rule(app, "posts", 1, "years")
    assert run(app) == {"posts": {"delete": 1, "kept_by_hold": 3}}
    assert count(app, Post, Post.id == plain) == 0
    with app.app_context():
        for hold_id in ids:
            holds.lift_hold(db.session.get(User, admin.id), hold_id, "Case closed")
        db.session.commit()
        actions = db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("legal_hold.%"))
        ).all()
        assert sorted(actions) == ["legal_hold.lifted"] * 3 + ["legal_hold.placed"] * 3
    assert run(app) == {"posts": {"delete": 3, "kept_by_hold": 0}}


def test_a_hold_on_a_person_keeps_the_posts_they_replied_to(app, member, comms, admin, monkeypatch):
    clock = freeze(monkeypatch)
    post_id = make_post(app, comms, "Who's in on Saturday?")
    make_reply(app, member, post_id, "Me")
    with app.app_context():
        holds.create_hold(db.session.get(User, admin.id), person=member.handle, reason="Grievance G-4")
        db.session.commit()
    clock.advance(days=40)
    set_rule(app, "posts", 30, "days")
    set_rule(app, "replies", 30, "days")
    assert run(app) == {
        "posts": {"delete": 0, "kept_by_hold": 1},
        "replies": {"delete": 0, "kept_by_hold": 1},
    }
    assert count(app, Post) == 1 and count(app, Reply) == 1


def test_posts_under_a_moderation_case_wait_for_the_cases_own_period(app, member, comms, monkeypatch):
    from app.moderation.cases import open_case, post_target

    clock = freeze(monkeypatch)
    post_id = make_post(app, member, "Reported one")
    make_post(app, member, "Fine one")
    with app.app_context():
        from app.models import Appeal, Decision, PostingRestriction, Report, Strike

        case = open_case(post_target(db.session.get(Post, post_id)), "report", 2)
        case.status, case.decided_at = "decided", clock.at
        db.session.flush()
        db.session.add(Report(case_id=case.id, reporter_id=comms.id, target_key=case.target_key))
        decision = Decision(case_id=case.id, moderator_id=comms.id, intent="serious", explanation="Removed.")
        db.session.add(decision)
        db.session.flush()
        db.session.add_all(
            [
                Strike(user_id=member.id, decision_id=decision.id),
                Appeal(decision_id=decision.id, author_id=member.id, text="Please look again"),
                PostingRestriction(
                    user_id=member.id, decision_id=decision.id, ends_at=clock.at, created_by_id=comms.id
                ),
            ]
        )
        db.session.commit()
    clock.advance(days=40)
    set_rule(app, "posts", 30, "days")
    assert run(app)["posts"]["delete"] == 1
    assert count(app, Post, Post.id == post_id) == 1
    set_rule(app, "moderation_cases", 30, "days")
    results = run(app)
    assert results["moderation_cases"]["delete"] == 1 and count(app, ModerationCase) == 0
    from app.models import Appeal, Decision, PostingRestriction, Report, Strike

    for model in (Report, Decision, Strike, Appeal):
        assert count(app, model) == 0, model
    assert count(app, PostingRestriction, PostingRestriction.decision_id.is_(None)) == 1  # its dates stay
    assert run(app)["posts"]["delete"] == 1


def test_removed_posts_have_their_own_shorter_period(app, member, monkeypatch):
    clock = freeze(monkeypatch)
    kept = make_post(app, member, "Still up")
    removed = make_post(app, member, "Taken down")
    with app.app_context():
        delete_post(db.session.get(User, member.id), db.session.get(Post, removed))
        db.session.get(Post, removed).deleted_at = clock.at
        db.session.commit()
    clock.advance(days=100)
    set_rule(app, "removed_posts", 90, "days")
    assert run(app)["removed_posts"]["delete"] == 1
    assert count(app, Post, Post.id == kept) == 1 and count(app, Post, Post.id == removed) == 0


def test_feature_kinds_link_clicks_and_notifications(app, member, comms, monkeypatch):
    clock = freeze(monkeypatch)
    link_id = share(app, comms)
    with app.app_context():
        db.session.add(LinkClick(link_id=link_id, user_id=member.id, created_at=clock.at))
        db.session.commit()
    make_reply(app, member, _post_of(app, link_id), "Good read")  # notifies the curator
    clock.advance(days=100)
    set_rule(app, "link_clicks", 90, "days", "anonymise")
    set_rule(app, "notifications", 90, "days")
    results = run(app)
    assert results["link_clicks"]["anonymise"] == 1 and results["notifications"]["delete"] >= 1
    with app.app_context():
        click = db.session.scalar(select(LinkClick))
        assert click.user_id != member.id and db.session.get(User, click.user_id).name == "Anonymised"
    assert count(app, Notification) == 0


def _post_of(app, link_id: int) -> int:
    with app.app_context():
        return db.session.get(CuratedLink, link_id).post_id


def test_session_materials_expire_with_their_files(app, comms, monkeypatch):
    from app.learning import materials
    from app.models import LearningSession, SessionMaterial
    from tests.learning.helpers import schedule

    clock = freeze(monkeypatch)
    session_id = schedule(app, comms)
    with app.app_context():
        material = materials.add_file(
            db.session.get(User, comms.id),
            db.session.get(LearningSession, session_id),
            "Slides",
            "s.pdf",
            PDF,
        )
        material.created_at = clock.at
        db.session.commit()
        path = materials.file_path(material)
    clock.advance(days=400)
    set_rule(app, "session_materials", 1, "years")
    assert run(app)["session_materials"]["delete"] == 1
    assert count(app, SessionMaterial) == 0 and not path.exists()


def test_the_nightly_task_runs_once_a_day_after_its_hour(app, member, monkeypatch):
    clock = freeze(monkeypatch, datetime(2030, 6, 1, 1, 0, tzinfo=UTC))
    set_rule(app, "sensitive_confirmations", 30, "days")
    with app.app_context():
        assert nightly_retention() is None  # before RETENTION_HOUR (03:00 UTC)
        clock.advance(hours=3)
        assert nightly_retention() == 0
        assert nightly_retention() is None  # already ran today
        clock.advance(days=1)
        assert nightly_retention() == 0
        runs = db.session.scalar(select(func.count()).where(AuditEntry.action == "retention.ran"))
        assert runs == 2


def test_admins_set_periods_see_what_is_due_and_can_run_it(app, client, login, admin, member, monkeypatch):
    login(member)
    assert client.get("/admin/retention").status_code == 403
    login(admin)
    page = client.get("/admin/retention")
    assert page.status_code == 200 and "Link click-throughs" in page.get_data(as_text=True)
    bad = client.post(
        "/admin/retention",
        data={"amount_posts": "forever", "amount_replies": "0", "action_events": "anonymise"},
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert (
        "Enter a whole number" in text
        and "Enter a number from 1 to 100" in text
        and "Choose one of: delete" in text
    )
    assert count(app, RetentionRule) == 0
    ok = client.post(
        "/admin/retention", data={"amount_posts": "6", "unit_posts": "years", "action_posts": "anonymise"}
    )
    assert ok.status_code == 302
    with app.app_context():
        rule = db.session.get(RetentionRule, "posts")
        assert (rule.keep_amount, rule.keep_unit, rule.action, rule.updated_by_id) == (
            6,
            "years",
            "anonymise",
            admin.id,
        )
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.rule_changed"))
        assert entry.data == {
            "kind": "posts",
            "before": "kept indefinitely",
            "after": "6 years, then anonymise",
        }
    make_post(app, member, "Old")
    freeze(monkeypatch, datetime.now(UTC) + timedelta(days=365 * 7))
    assert "1" in client.get("/admin/retention").get_data(as_text=True)
    assert client.post("/admin/retention/run").status_code == 302
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.ran"))
        assert entry.actor_id == admin.id and entry.data["trigger"] == "admin"
        assert entry.data["counts"]["posts"]["anonymise"] == 1


def test_audit_entries_can_be_anonymised(app, admin, member, monkeypatch):
    from app import audit

    clock = freeze(monkeypatch)
    with app.app_context():
        audit.record(
            db.session.get(User, admin.id), "user.role_changed", "user", member.id, "promoted", role="comms"
        )
        db.session.commit()
    clock.advance(days=400)
    set_rule(app, "audit_entries", 1, "years", "anonymise")
    assert run(app)["audit_entries"]["anonymise"] == 1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.role_changed"))
        assert (entry.actor_id, entry.target_id, entry.data, entry.reason) == (None, None, {}, "promoted")


def test_events_are_removed_once_delivered(app, member, monkeypatch):
    clock = freeze(monkeypatch)
    make_post(app, member, "Hello")
    clock.advance(days=40)
    set_rule(app, "events", 30, "days")
    assert run(app)["events"]["delete"] >= 1
    assert count(app, Event, Event.dispatched.is_(False)) == count(app, Event)  # only undelivered ones stay
