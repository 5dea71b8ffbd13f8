"""Community services: creating, joining, requests, invitations, roles, leaving, archiving, directory."""

import pytest
from sqlalchemy import func, select

from app.communities import queries, services
from app.communities import requests as joins
from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.models import Community, Event, JoinRequest, Membership, Notification, User, utcnow
from app.site_settings import set_setting
from tests.factories import make_community, make_user


def _fresh(user: User) -> User:
    return db.session.get(User, user.id)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _notes(user: User, kind: str) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
        )
    )


def _member_of(user: User, community: Community) -> str | None:
    return db.session.scalar(
        select(Membership.role).where(Membership.user_id == user.id, Membership.community_id == community.id)
    )


def _deactivate(user: User) -> None:
    _fresh(user).deactivated_at = utcnow()
    db.session.commit()


# --- creating and editing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, allowed",
    [("member", False), ("comms", True), ("leader", True), ("moderator", False), ("admin", True)],
)
@pytest.mark.parametrize("visibility", ["public", "private", "secret"])
def test_who_may_create_each_kind(ctx, role, allowed, visibility):
    person = make_user(role=role)
    if visibility == "public" or allowed:
        community = services.create_community(person, f"Team {role} {visibility}", "", visibility)
        assert community.visibility == visibility
        assert _member_of(person, community) == "owner"
    else:
        with pytest.raises(ValidationError) as exc:
            services.create_community(person, f"Team {role} {visibility}", "", visibility)
        assert "Only people an admin has chosen" in exc.value.fields["visibility"]
        assert _count(Community, Community.is_all_staff.is_(False)) == 0


def test_admins_choose_who_creates_private_communities(ctx, member):
    set_setting("restricted_community_creators", "member")
    community = services.create_community(_fresh(member), "Wellbeing peers", "", "private")
    assert community.visibility == "private"


def test_create_records_membership_event_and_cleans_text(ctx, member):
    community = services.create_community(_fresh(member), "  Response \x00 North ", " Line one.\nLine two. ")
    assert (community.name, community.description, community.slug) == (
        "Response North",
        "Line one.\nLine two.",
        "response-north",
    )
    assert db.session.scalar(select(Event.user_id).where(Event.name == "membership_created")) == member.id


@pytest.mark.parametrize(
    "name, description, visibility, field, message",
    [
        ("", "", "public", "name", "Give the community a name."),
        ("   ", "", "public", "name", "Give the community a name."),
        ("x" * 81, "", "public", "name", "at most 80 characters"),
        ("Fine", "x" * 2001, "public", "description", "at most 2,000"),
        ("Fine", "", "open", "visibility", "Choose public, private or secret."),
        ("Fine", "", "", "visibility", "Choose public, private or secret."),
    ],
)
def test_create_rejects_bad_input_and_stores_nothing(
    ctx, admin, name, description, visibility, field, message
):
    with pytest.raises(ValidationError) as exc:
        services.create_community(_fresh(admin), name, description, visibility)
    assert message in exc.value.fields[field]
    assert _count(Community, Community.is_all_staff.is_(False)) == 0


def test_names_are_unique_and_slugs_never_shadow_pages(ctx, member):
    services.create_community(_fresh(member), "Dog Unit")
    with pytest.raises(ValidationError) as exc:
        services.create_community(_fresh(member), "dog unit")
    assert "already exists" in exc.value.fields["name"]
    assert services.create_community(_fresh(member), "Dog-Unit!").slug == "dog-unit-2"
    assert services.create_community(_fresh(member), "New").slug == "new-2"


def test_update_renames_and_respects_kind_rules(ctx, member, comms):
    community = make_community(_fresh(member), name="Old name")
    services.update_community(_fresh(member), community, "Fresh name", "About", "public")
    assert (community.slug, community.description) == ("fresh-name", "About")
    with pytest.raises(ValidationError) as exc:
        services.update_community(_fresh(member), community, "Fresh name", "", "secret")
    assert "Only people an admin has chosen" in exc.value.fields["visibility"]
    with pytest.raises(PermissionDenied):
        services.update_community(_fresh(comms), community, "Taken over", "", "public")


def test_all_staff_stays_public(ctx, admin, all_staff):
    community = db.session.get(Community, all_staff.id)
    with pytest.raises(ValidationError) as exc:
        services.update_community(_fresh(admin), community, "All staff", "", "private")
    assert "always public" in exc.value.fields["visibility"]
    with pytest.raises(ValidationError):
        services.set_archived(_fresh(admin), community, True)


# --- joining and leaving --------------------------------------------------------------------------


def test_join_public_twice_is_harmless(ctx, member, intruder):
    community = make_community(_fresh(member))
    services.join(_fresh(intruder), community)
    services.join(_fresh(intruder), community)
    assert _member_of(intruder, community) == "member"
    assert _count(Event, Event.name == "membership_created", Event.user_id == intruder.id) == 1


def test_join_private_is_refused_but_site_admins_may(ctx, comms, intruder, admin):
    community = make_community(_fresh(comms), "private")
    with pytest.raises(PermissionDenied):
        services.join(_fresh(intruder), community)
    assert _member_of(intruder, community) is None
    services.join(_fresh(admin), community)
    assert _member_of(admin, community) == "member"


def test_leave_rules(ctx, member, comms, all_staff):
    community = make_community(_fresh(member), members=[_fresh(comms)])
    with pytest.raises(ValidationError) as exc:
        services.leave(_fresh(member), community)
    assert "only owner" in exc.value.fields["community"]
    with pytest.raises(ValidationError):
        services.leave(_fresh(member), db.session.get(Community, all_staff.id))
    services.leave(_fresh(comms), community)
    services.leave(_fresh(comms), community)  # a second click does nothing
    assert _member_of(comms, community) is None
    assert _count(Event, Event.name == "membership_removed", Event.user_id == comms.id) == 1


def test_a_deactivated_owner_does_not_count_as_a_successor(ctx, member, comms):
    community = make_community(_fresh(member))
    db.session.get(Membership, (community.id, comms.id)) or db.session.add(
        Membership(community_id=community.id, user_id=comms.id, role="owner")
    )
    db.session.commit()
    assert services.owners_count(community) == 2
    _deactivate(comms)
    assert services.owners_count(community) == 1
    with pytest.raises(ValidationError):
        services.leave(_fresh(member), community)


# --- requests --------------------------------------------------------------------------------------


@pytest.fixture
def private(comms, leader, member, intruder, admin, all_staff, ctx):
    """A private community: comms owns it, leader is an admin, member is a plain member.

    Every role fixture comes first: each opens and closes its own app context, which
    removes the scoped session and would detach a community made before it.
    """
    community = make_community(_fresh(comms), "private", name="Firearms training", members=[_fresh(member)])
    db.session.add(Membership(community_id=community.id, user_id=leader.id, role="admin"))
    db.session.commit()
    return community


def test_request_notifies_owners_and_admins_only(private, comms, leader, member, intruder):
    row = joins.request_to_join(_fresh(intruder), private, "  I'm joining the ARV unit. ")
    db.session.commit()
    assert (row.kind, row.status, row.message) == ("request", "pending", "I'm joining the ARV unit.")
    for person in (comms, leader):
        [note] = _notes(person, "join_requested")
        assert note.data == {"community_name": "Firearms training", "community_slug": private.slug}
        assert note.actor_id == intruder.id
    assert _notes(member, "join_requested") == []


def test_request_refusals_are_clear(private, member, intruder):
    joins.request_to_join(_fresh(intruder), private)
    with pytest.raises(ValidationError) as exc:
        joins.request_to_join(_fresh(intruder), private)
    assert "already asked" in exc.value.fields["community"]
    with pytest.raises(ValidationError) as exc:
        joins.request_to_join(_fresh(member), private)
    assert "already a member" in exc.value.fields["community"]
    with pytest.raises(ValidationError) as exc:
        joins.request_to_join(_fresh(make_user()), private, "x" * 501)
    assert "at most 500" in exc.value.fields["message"]
    public = make_community(_fresh(member))
    with pytest.raises(ValidationError) as exc:
        joins.request_to_join(_fresh(intruder), public)
    assert "public" in exc.value.fields["community"]
    assert _count(JoinRequest) == 1


def test_unique_index_backs_up_the_check(private, intruder):
    db.session.add(JoinRequest(community_id=private.id, user_id=intruder.id, kind="request"))
    db.session.flush()
    assert (
        services.insert_once(JoinRequest, community_id=private.id, user_id=intruder.id, kind="invite")
        is False
    )
    assert _count(JoinRequest) == 1  # the transaction carries on
    assert services.insert_once(Membership, community_id=private.id, user_id=intruder.id) is True
    assert services.insert_once(Membership, community_id=private.id, user_id=intruder.id) is False


def test_approve_makes_a_member_and_notifies(private, leader, intruder):
    row = joins.request_to_join(_fresh(intruder), private)
    joins.decide_request(_fresh(leader), private, row.id, approve=True)
    db.session.commit()
    assert _member_of(intruder, private) == "member"
    assert row.status == "approved" and row.decided_by_id == leader.id
    [note] = _notes(intruder, "join_approved")
    assert note.data["community_slug"] == private.slug
    with pytest.raises(ValidationError) as exc:
        joins.decide_request(_fresh(leader), private, row.id, approve=True)
    assert "already been answered" in exc.value.fields["community"]


def test_decline_passes_the_reason_on(private, comms, intruder):
    row = joins.request_to_join(_fresh(intruder), private)
    joins.decide_request(_fresh(comms), private, str(row.id), approve=False, reason="Trained officers only.")
    assert _member_of(intruder, private) is None
    [note] = _notes(intruder, "join_declined")
    assert note.data["reason"] == "Trained officers only."
    assert note.data["community_name"] == "Firearms training"


def test_deciding_needs_a_manager_and_a_real_request(private, member, leader, intruder):
    row = joins.request_to_join(_fresh(intruder), private)
    with pytest.raises(PermissionDenied):
        joins.decide_request(_fresh(member), private, row.id, approve=True)
    other = make_community(_fresh(leader), "private")
    for bad in (999999, "abc", "", 10**30, -1):
        with pytest.raises(NotFound):
            joins.decide_request(_fresh(leader), private, bad, approve=True)
    with pytest.raises(NotFound):
        joins.decide_request(_fresh(leader), other, row.id, approve=True)
    with pytest.raises(ValidationError) as exc:
        joins.decide_request(_fresh(leader), private, row.id, approve=False, reason="x" * 501)
    assert "at most 500" in exc.value.fields["reason"]
    assert row.status == "pending"


def test_cancel_request(private, intruder):
    joins.request_to_join(_fresh(intruder), private)
    assert joins.cancel_request(_fresh(intruder), private) is True
    assert joins.cancel_request(_fresh(intruder), private) is False
    assert _count(JoinRequest) == 0


# --- invitations -----------------------------------------------------------------------------------


def test_invite_accept_notifies_both_ways(private, leader, intruder):
    joins.invite(_fresh(leader), private, str(intruder.id))
    db.session.commit()
    [note] = _notes(intruder, "community_invited")
    assert note.data == {"community_name": "Firearms training", "community_slug": private.slug}
    joins.answer_invitation(_fresh(intruder), private, accept=True)
    assert _member_of(intruder, private) == "member"
    [accepted] = _notes(leader, "invite_accepted")
    assert accepted.actor_id == intruder.id


def test_decline_invitation(private, leader, intruder):
    joins.invite(_fresh(leader), private, intruder.id)
    joins.answer_invitation(_fresh(intruder), private, accept=False)
    assert _member_of(intruder, private) is None
    with pytest.raises(ValidationError) as exc:
        joins.answer_invitation(_fresh(intruder), private, accept=True)
    assert "no open invitation" in exc.value.fields["community"]


def test_invite_refusals(private, comms, member, intruder):
    with pytest.raises(PermissionDenied):
        joins.invite(_fresh(member), private, intruder.id)
    leaver = make_user()
    _deactivate(leaver)
    for bad in ("", "abc", 999999, leaver.id, True):
        with pytest.raises(ValidationError) as exc:
            joins.invite(_fresh(comms), private, bad)
        assert exc.value.fields["user_id"] == "Choose a person from the list."
    with pytest.raises(ValidationError) as exc:
        joins.invite(_fresh(comms), private, member.id)
    assert "already a member" in exc.value.fields["user_id"]
    joins.invite(_fresh(comms), private, intruder.id)
    with pytest.raises(ValidationError) as exc:
        joins.invite(_fresh(comms), private, intruder.id)
    assert "already been invited" in exc.value.fields["user_id"]
    with pytest.raises(ValidationError) as exc:
        joins.request_to_join(_fresh(intruder), private)
    assert "accept the invitation" in exc.value.fields["community"]
    assert _count(JoinRequest) == 1


def test_invite_candidates_leave_out_members_pending_and_leavers(private, comms, leader, member, intruder):
    leaver = make_user(name="Lee Leaver")
    _deactivate(leaver)
    asker = make_user(name="Asa Asker")
    joins.request_to_join(_fresh(asker), private)
    ids = {u.id for u in db.session.scalars(joins.invite_candidates(private))}
    assert intruder.id in ids
    assert not ids & {comms.id, leader.id, member.id, leaver.id, asker.id}


def test_secret_community_is_invisible_except_to_members_invitees_and_admins(ctx, comms, intruder, admin):
    secret = make_community(_fresh(comms), "secret", name="Operation Nightjar")
    with pytest.raises(NotFound):
        services.get_visible_community(_fresh(intruder), secret.slug)
    assert services.get_visible_community(_fresh(admin), secret.slug) == secret
    guest = make_user()
    joins.invite(_fresh(comms), secret, guest.id)
    assert services.get_visible_community(_fresh(guest), secret.slug) == secret
    joins.answer_invitation(_fresh(guest), secret, accept=False)
    with pytest.raises(NotFound):
        services.get_visible_community(_fresh(guest), secret.slug)


# --- roles and removal -----------------------------------------------------------------------------


def test_role_change_notifies_and_protects_the_last_owner(private, comms, member):
    joins.set_role(_fresh(comms), private, member.id, "admin")
    assert _member_of(member, private) == "admin"
    [note] = _notes(member, "community_role_changed")
    assert note.data["role"] == "admin" and note.data["community_slug"] == private.slug
    with pytest.raises(ValidationError) as exc:
        joins.set_role(_fresh(comms), private, comms.id, "member")
    assert "only owner" in exc.value.fields["role"]
    joins.set_role(_fresh(comms), private, member.id, "owner")
    joins.set_role(_fresh(comms), private, comms.id, "member")
    assert _member_of(comms, private) == "member"


def test_role_change_refusals(private, comms, leader, member, intruder):
    with pytest.raises(PermissionDenied):
        joins.set_role(_fresh(member), private, member.id, "admin")
    with pytest.raises(PermissionDenied):  # a community admin can't make owners
        joins.set_role(_fresh(leader), private, member.id, "owner")
    with pytest.raises(PermissionDenied):
        joins.set_role(_fresh(leader), private, comms.id, "member")
    with pytest.raises(ValidationError):
        joins.set_role(_fresh(comms), private, member.id, "boss")
    for bad in (intruder.id, 999999, "x"):
        with pytest.raises(NotFound):
            joins.set_role(_fresh(comms), private, bad, "admin")
    joins.set_role(_fresh(leader), private, member.id, "admin")  # admins may make admins
    assert _member_of(member, private) == "admin"


def test_remove_member(private, comms, leader, member, all_staff, admin):
    with pytest.raises(PermissionDenied):
        joins.remove(_fresh(leader), private, comms.id)
    with pytest.raises(ValidationError):
        joins.remove(_fresh(comms), private, comms.id)
    joins.remove(_fresh(leader), private, member.id)
    assert _member_of(member, private) is None
    with pytest.raises(NotFound):
        joins.remove(_fresh(leader), private, member.id)
    with pytest.raises(ValidationError):
        joins.remove(_fresh(admin), db.session.get(Community, all_staff.id), member.id)


# --- archiving -------------------------------------------------------------------------------------


def test_archived_communities_are_read_only(private, comms, member, intruder):
    with pytest.raises(PermissionDenied):
        services.set_archived(_fresh(member), private, True)
    services.set_archived(_fresh(comms), private, True)
    first = private.archived_at
    services.set_archived(_fresh(comms), private, True)
    assert private.archived_at == first
    for attempt in (
        lambda: joins.request_to_join(_fresh(intruder), private),
        lambda: joins.invite(_fresh(comms), private, intruder.id),
        lambda: services.join(_fresh(intruder), private),
    ):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert "archived" in exc.value.fields["community"]
    services.set_archived(_fresh(comms), private, False)
    assert not private.is_archived
    joins.invite(_fresh(comms), private, intruder.id)


def test_archiving_hides_invitations_from_the_invitee(private, comms, intruder):
    joins.invite(_fresh(comms), private, intruder.id)
    assert len(db.session.scalars(joins.my_invitations(_fresh(intruder))).all()) == 1
    services.set_archived(_fresh(comms), private, True)
    assert db.session.scalars(joins.my_invitations(_fresh(intruder))).all() == []
    with pytest.raises(ValidationError):
        joins.answer_invitation(_fresh(intruder), private, accept=True)


# --- the directory ---------------------------------------------------------------------------------


def test_directory_counts_active_people_and_shows_my_status(ctx, comms, member, intruder, all_staff):
    leaver = make_user()
    public = make_community(_fresh(comms), name="Cycling club", members=[_fresh(member), leaver])
    private = make_community(_fresh(comms), "private", name="Custody sergeants")
    secret = make_community(_fresh(comms), "secret", name="Operation Nightjar")
    _deactivate(leaver)
    joins.request_to_join(_fresh(intruder), private)
    invited_to = make_community(_fresh(comms), "private", name="Drone pilots")
    joins.invite(_fresh(comms), invited_to, intruder.id)
    db.session.commit()
    rows, truncated = queries.directory(_fresh(intruder))
    by_name = {row.community.name: row for row in rows}
    assert not truncated
    assert list(by_name) == ["All staff", "Custody sergeants", "Cycling club", "Drone pilots"]
    assert secret.name not in by_name
    assert by_name["Cycling club"].members == 2
    assert (
        by_name["Custody sergeants"].status,
        by_name["Drone pilots"].status,
        by_name["Cycling club"].status,
        by_name["All staff"].status,
    ) == ("requested", "invited", None, "member")
    mine = {row.community.name: row.status for row in queries.directory(_fresh(comms), mine=True)[0]}
    assert mine["Operation Nightjar"] == "owner"
    assert public.id


def test_directory_filters(ctx, comms, member):
    make_community(_fresh(comms), name="Cycling 100% club")
    make_community(_fresh(comms), "private", name="Custody sergeants")
    archived = make_community(_fresh(comms), name="Old cycling project")
    services.set_archived(_fresh(comms), archived, True)
    db.session.commit()

    def names(**filters):
        return [row.community.name for row in queries.directory(_fresh(member), **filters)[0]]

    assert names(q="CYCLING") == ["Cycling 100% club"]
    assert names(q="100%") == ["Cycling 100% club"]
    assert names(q="cycling", archived=True) == ["Cycling 100% club", "Old cycling project"]
    assert names(kind="private") == ["Custody sergeants"]
    assert names(mine=True) == ["All staff"]
    for bad in ({"kind": "hidden"}, {"q": "x" * 101}):
        with pytest.raises(ValidationError):
            queries.directory(_fresh(member), **bad)


def test_community_page_hides_private_members_from_outsiders(private, intruder, member, comms, leader):
    page = queries.community_page(_fresh(intruder), private)
    assert page["preview"] == [] and not page["can_see_content"] and not page["can_manage"]
    assert [m.user_id for m in page["leaders"]] == [comms.id, leader.id]
    assert page["member_count"] == 3
    inside = queries.community_page(_fresh(member), private)
    assert {m.user_id for m in inside["preview"]} == {comms.id, leader.id, member.id}
    with pytest.raises(PermissionDenied):
        queries.members_page(_fresh(intruder), private)
    with pytest.raises(PermissionDenied):
        queries.requests_page(_fresh(member), private)


def test_restricted_creators_in_words(ctx):
    assert queries.restricted_creators() == "comms officers, leaders and admins"
    set_setting("restricted_community_creators", "")
    assert queries.restricted_creators() == "admins"
