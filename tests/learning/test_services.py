"""Scheduling sessions: who may, what's checked, local time (GMT and BST), the announcement post,
edits (SEQUENCE, notifications), cancelling, visibility and the lists."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.learning import clock, grants, queries, rsvps, services
from app.learning.views import when_text
from app.models import Event, Notification, Objective, Post, SessionHost, User
from tests import factories
from tests.learning.helpers import SUMMER_NOON, WINTER_NOON, inputs


def me(user: User) -> User:
    return db.session.get(User, user.id)


def test_comms_schedules_a_session_announced_as_a_session_post(ctx, comms):
    session = services.schedule_session(me(comms), inputs(capacity=12))
    db.session.commit()
    post = db.session.get(Post, session.post_id)
    assert post.kind == "session" and post.community.is_all_staff
    assert "<strong>Facebook</strong>" in post.body_html  # the description went through app/sanitize.py
    assert [h.id for h in session.hosts] == [comms.id]  # the organiser hosts when nobody else is named
    names = list(db.session.scalars(select(Event.name).order_by(Event.id)))
    assert "post_created" in names and "session_created" in names


@pytest.mark.parametrize("role", ["leader", "admin"])
def test_leaders_and_admins_schedule(ctx, role):
    assert services.schedule_session(factories.make_user(role=role), inputs()).id


def test_members_need_the_session_host_grant(ctx, member, comms):
    with pytest.raises(PermissionDenied):
        services.schedule_session(me(member), inputs())
    grants.grant(me(comms), member.email)
    db.session.commit()
    assert services.schedule_session(me(member), inputs()).id
    grants.revoke(me(comms), member.id)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.schedule_session(me(member), inputs())


def test_only_comms_leaders_and_admins_grant(ctx, member, intruder):
    with pytest.raises(PermissionDenied):
        grants.grant(me(member), intruder.email)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"description": "  "}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"place": "", "video_url": ""}, "place"),
        ({"place": "x" * 201}, "place"),
        ({"video_url": "javascript:alert(1)"}, "video_url"),
        ({"video_url": "ftp://files.example/x"}, "video_url"),
        ({"video_url": "https://" + "a" * 500}, "video_url"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": 10**9}, "capacity"),
        ({"community_id": 999999}, "community_id"),
        ({"host_ids": [999999]}, "hosts"),
        ({"objective_id": 999999}, "objective_id"),
    ],
)
def test_bad_fields_are_refused_with_a_message_beside_each(ctx, comms, overrides, field):
    with pytest.raises(ValidationError) as exc:
        services.schedule_session(me(comms), inputs(**overrides))
    assert field in exc.value.fields and exc.value.fields[field]
    db.session.rollback()
    assert db.session.scalar(select(Post.id)) is None


def test_times_must_be_in_the_future_and_end_after_the_start(ctx, comms):
    past = clock.now() - timedelta(hours=1)
    with pytest.raises(ValidationError) as exc:
        services.schedule_session(me(comms), inputs(starts_at=past))
    assert "starts_at" in exc.value.fields
    start = clock.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.schedule_session(me(comms), inputs(starts_at=start, ends_at=start))
    assert "ends_at" in exc.value.fields
    with pytest.raises(ValidationError) as exc:
        services.schedule_session(me(comms), inputs(starts_at=start, ends_at=start + timedelta(hours=13)))
    assert "ends_at" in exc.value.fields


def test_hosts_must_see_a_private_audience(ctx, comms, intruder):
    place = factories.make_community(me(comms), "private")
    with pytest.raises(ValidationError) as exc:
        services.schedule_session(me(comms), inputs(community_id=place.id, host_ids=[comms.id, intruder.id]))
    assert "hosts" in exc.value.fields


def test_the_audience_must_be_a_community_the_scheduler_may_post_in(ctx, comms, leader):
    secret = factories.make_community(me(leader), "secret")
    with pytest.raises(ValidationError) as exc:
        services.schedule_session(me(comms), inputs(community_id=secret.id))
    assert "community_id" in exc.value.fields


def test_objective_is_kept_on_the_post_and_defaults_from_the_community(ctx, comms):
    trust = Objective(name="Public trust and confidence")
    db.session.add(trust)
    db.session.flush()
    chosen = services.schedule_session(me(comms), inputs(objective_id=trust.id))
    assert chosen.post.objective_id == trust.id
    place = factories.make_community(me(comms), "public")
    place.default_objective_id = trust.id
    defaulted = services.schedule_session(me(comms), inputs(community_id=place.id))
    assert defaulted.post.objective_id == trust.id


def test_local_wall_clock_in_gmt_and_bst(ctx):
    winter = clock.combine_local(date(2026, 1, 13), time(12, 30), "start_time")
    summer = clock.combine_local(date(2026, 7, 14), time(12, 30), "start_time")
    assert winter == WINTER_NOON and summer == SUMMER_NOON  # stored in UTC
    assert winter.hour == 12 and summer.hour == 11


def test_the_time_the_clocks_skip_is_refused_and_the_repeated_one_means_summer_time(ctx):
    with pytest.raises(ValidationError) as exc:
        clock.combine_local(date(2026, 3, 29), time(1, 30), "start_time")
    assert "clocks go forward" in exc.value.fields["start_time"]
    repeated = clock.combine_local(date(2026, 10, 25), time(1, 30), "start_time")
    assert repeated == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 BST, the first of the two


def test_times_read_in_local_words(ctx, comms, frozen):
    winter = services.schedule_session(
        me(comms), inputs(starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    )
    frozen.set(SUMMER_NOON - timedelta(days=3))
    summer = services.schedule_session(
        me(comms), inputs(starts_at=SUMMER_NOON, ends_at=SUMMER_NOON + timedelta(minutes=45))
    )
    assert when_text(winter) == "Tuesday 13 January 2026, 12:30–13:30 GMT"
    assert when_text(summer) == "Tuesday 14 July 2026, 12:30–13:15 BST"


def test_another_org_timezone_is_honoured(app, ctx, comms, frozen):
    app.config["ORG_TIMEZONE"] = "Europe/Dublin"
    try:
        assert clock.combine_local(date(2026, 7, 14), time(12, 30), "x") == SUMMER_NOON
        app.config["ORG_TIMEZONE"] = "Nowhere/Special"
        with pytest.raises(RuntimeError):
            clock.org_zone()
    finally:
        app.config["ORG_TIMEZONE"] = "Europe/London"


def test_editing_bumps_the_sequence_and_tells_people_who_replied(ctx, comms, member, frozen):
    start = WINTER_NOON
    session = services.schedule_session(
        me(comms), inputs(starts_at=start, ends_at=start + timedelta(hours=1))
    )
    rsvps.respond(me(member), session, "going")
    db.session.commit()
    data = inputs(starts_at=start + timedelta(days=1), ends_at=start + timedelta(days=1, hours=1))
    services.update_session(me(comms), session, data)
    db.session.commit()
    assert session.sequence == 1
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == member.id)).all()
    assert kinds == ["session_changed"]
    services.update_session(
        me(comms), session, inputs(**{**data.__dict__, "errors": {}, "title": "New title"})
    )
    assert session.sequence == 2


def test_capacity_cant_drop_below_the_people_going_and_raising_it_promotes(ctx, comms, frozen):
    people = [factories.make_user() for _ in range(3)]
    start = WINTER_NOON
    session = services.schedule_session(
        me(comms), inputs(starts_at=start, ends_at=start + timedelta(hours=1), capacity=2)
    )
    for person in people:
        rsvps.respond(person, session, "going")
    db.session.commit()
    assert session.going_count == 2
    with pytest.raises(ValidationError) as exc:
        services.update_session(
            me(comms), session, inputs(starts_at=start, ends_at=start + timedelta(hours=1), capacity=1)
        )
    assert "capacity" in exc.value.fields
    db.session.rollback()
    services.update_session(
        me(comms), session, inputs(starts_at=start, ends_at=start + timedelta(hours=1), capacity=3)
    )
    db.session.commit()
    assert session.going_count == 3
    assert rsvps.my_rsvp(people[2], session).status == "going"


def test_only_hosts_edit_or_cancel(ctx, comms, member):
    session = services.schedule_session(me(comms), inputs())
    with pytest.raises(PermissionDenied):
        services.update_session(me(member), session, inputs())
    with pytest.raises(PermissionDenied):
        services.cancel_session(me(member), session)


def test_cancelling_tells_people_who_replied_and_closes_replies(ctx, comms, member):
    session = services.schedule_session(me(comms), inputs())
    rsvps.respond(me(member), session, "maybe")
    services.cancel_session(me(comms), session)
    db.session.commit()
    assert services.phase(session) == "cancelled" and session.sequence == 1
    assert (
        db.session.scalar(select(Notification.kind).where(Notification.user_id == member.id))
        == "session_cancelled"
    )
    with pytest.raises(ValidationError):
        rsvps.respond(me(member), session, "going")


def test_named_hosts_are_notified_and_manage(ctx, comms, member):
    session = services.schedule_session(me(comms), inputs(host_ids=[member.id]))
    db.session.commit()
    assert (
        db.session.scalar(select(Notification.kind).where(Notification.user_id == member.id))
        == "session_hosting"
    )
    assert db.session.get(SessionHost, (session.id, member.id)) is not None
    services.update_session(me(member), session, inputs(title="Renamed by the host"))


def test_private_sessions_are_invisible_to_non_members(ctx, comms, member, intruder):
    place = factories.make_community(me(comms), "private", members=[me(member)])
    session = services.schedule_session(me(comms), inputs(community_id=place.id))
    db.session.commit()
    assert services.get_session(me(member), session.id).id == session.id
    with pytest.raises(NotFound):
        services.get_session(me(intruder), session.id)
    assert db.session.scalars(queries.session_list(me(intruder), "upcoming")).all() == []
    with pytest.raises(PermissionDenied):
        rsvps.respond(me(intruder), session, "going")


def test_a_removed_post_hides_its_session(ctx, comms, member):
    from app.posts.services import delete_post

    session = services.schedule_session(me(comms), inputs())
    delete_post(me(comms), session.post)
    db.session.commit()
    with pytest.raises(NotFound):
        services.get_session(me(member), session.id)


def test_lists_upcoming_past_and_mine(ctx, comms, member, frozen):
    soon = services.schedule_session(
        me(comms), inputs(title="Soon", starts_at=WINTER_NOON, ends_at=WINTER_NOON + timedelta(hours=1))
    )
    later = services.schedule_session(
        me(comms),
        inputs(
            title="Later",
            starts_at=WINTER_NOON + timedelta(days=2),
            ends_at=WINTER_NOON + timedelta(days=2, hours=1),
        ),
    )
    rsvps.respond(me(member), later, "going")
    db.session.commit()

    def titles(which):
        return [s.title for s in db.session.scalars(queries.session_list(me(member), which)).unique()]

    assert titles("upcoming") == ["Soon", "Later"] and titles("past") == [] and titles("mine") == ["Later"]
    frozen.set(WINTER_NOON + timedelta(hours=2))
    assert titles("upcoming") == ["Later"] and titles("past") == ["Soon"]
    assert soon.id


def test_list_pages_follow_the_cursor(ctx, comms, frozen):
    for n in range(5):
        start = WINTER_NOON + timedelta(hours=n)
        services.schedule_session(
            me(comms), inputs(title=f"S{n}", starts_at=start, ends_at=start + timedelta(minutes=30))
        )
    db.session.commit()
    seen, cursor = [], None
    while True:
        rows, cursor = queries.paginate(queries.session_list(me(comms), "upcoming"), "upcoming", cursor, 2)
        seen += [r.title for r in rows]
        if cursor is None:
            break
    assert seen == [f"S{n}" for n in range(5)]
    assert (
        queries.paginate(queries.session_list(me(comms), "upcoming"), "upcoming", "junk", 2)[0][0].title
        == "S0"
    )


def test_lowering_capacity_under_a_reply_that_just_landed_is_a_message_not_a_crash(ctx, comms, frozen):
    from sqlalchemy import update

    from app.models import LearningSession

    start = WINTER_NOON
    session = services.schedule_session(
        me(comms), inputs(starts_at=start, ends_at=start + timedelta(hours=1), capacity=5)
    )
    db.session.commit()
    assert session.going_count == 0  # what the editor's page read
    # Three replies commit while the editor types (behind this session's back).
    db.session.execute(
        update(LearningSession).where(LearningSession.id == session.id).values(going_count=3),
        execution_options={"synchronize_session": False},
    )
    with pytest.raises(ValidationError) as exc:
        services.update_session(
            me(comms), session, inputs(starts_at=start, ends_at=start + timedelta(hours=1), capacity=2)
        )
    assert "capacity" in exc.value.fields


def test_every_session_notification_kind_renders(app, client, login, comms, member, frozen):
    from app.notifications.services import notify

    with app.app_context():
        session = services.schedule_session(me(comms), inputs(host_ids=[member.id]))
        for kind in ("session_promoted", "session_changed", "session_cancelled", "session_reminder"):
            notify(member.id, kind, actor=me(comms), session_id=session.id, title=session.title, when="day")
        db.session.commit()
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    for text in (
        "named you a host",
        "you're now going",
        "changed the time or place",
        "cancelled",
        "Tomorrow",
    ):
        assert text in page.replace("&#39;", "'"), text
    settings = client.get("/notifications/settings").get_data(as_text=True)
    assert "Reminders the day before" in settings
