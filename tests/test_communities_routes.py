"""Community pages end to end: browse, create, join, request, invite, manage; secrecy and bad input."""

import html
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.communities import requests as joins
from app.communities import services
from app.extensions import db
from app.models import Community, JoinRequest, Membership, Notification, User, utcnow
from tests.factories import make_community, make_user

SECRET = "Operation Nightjar"


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _get(user: User) -> User:
    return db.session.get(User, user.id)


def _role(app, user: User, slug: str) -> str | None:
    with app.app_context():
        return db.session.scalar(
            select(Membership.role)
            .join(Community, Community.id == Membership.community_id)
            .where(Membership.user_id == user.id, Community.slug == slug)
        )


def _count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world(app, member, comms, leader, moderator, admin, intruder, all_staff):
    """Cycle to work (public, member owns), Custody sergeants (private: comms owns, leader admin,
    member plain) and Operation Nightjar (secret: comms owns, member plain)."""
    with app.app_context():
        public = make_community(_get(member), name="Cycle to work", description="Bikes, routes and showers.")
        private = make_community(
            _get(comms),
            "private",
            name="Custody sergeants",
            members=[_get(member)],
            description="Shift handovers and custody suite news.",
        )
        db.session.add(Membership(community_id=private.id, user_id=leader.id, role="admin"))
        secret = make_community(_get(comms), "secret", name=SECRET, members=[_get(member)])
        db.session.commit()
        return SimpleNamespace(
            public=public.slug,
            private=private.slug,
            secret=secret.slug,
            private_id=private.id,
            secret_id=secret.id,
        )


def _ask(app, user: User, slug: str, message: str = "") -> int:
    with app.app_context():
        community = db.session.scalar(select(Community).where(Community.slug == slug))
        row = joins.request_to_join(_get(user), community, message)
        db.session.commit()
        return row.id


def _invite(app, actor: User, slug: str, user: User) -> None:
    with app.app_context():
        community = db.session.scalar(select(Community).where(Community.slug == slug))
        joins.invite(_get(actor), community, user.id)
        db.session.commit()


# --- browsing --------------------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, world):
    assert "/login" in client.get("/communities/").headers["Location"]
    assert "/login" in client.get(f"/communities/{world.public}").headers["Location"]


@pytest.mark.parametrize(
    "who, sees_secret",
    [
        ("intruder", False),
        ("moderator", False),
        ("leader", False),
        ("member", True),
        ("comms", True),
        ("admin", True),
    ],
)
def test_index_lists_what_each_person_may_know(request, client, login, world, who, sees_secret):
    login(request.getfixturevalue(who))
    page = _text(client.get("/communities/"))
    assert "Cycle to work" in page and "Custody sergeants" in page and "All staff" in page
    assert (SECRET in page) is sees_secret
    assert "Start a community" in page


def test_index_shows_kind_count_excerpt_and_my_status(app, client, login, world, intruder, member):
    leaver = None
    with app.app_context():
        leaver = make_user(name="Lee Leaver")
        community = db.session.scalar(select(Community).where(Community.slug == world.public))
        db.session.add(Membership(community_id=community.id, user_id=leaver.id))
        db.session.get(User, leaver.id).deactivated_at = utcnow()
        db.session.commit()
    _ask(app, intruder, world.private)
    login(intruder)
    page = _text(client.get("/communities/"))
    assert "Bikes, routes and showers." in page and "Private" in page
    assert "Request pending" in page
    login(member)
    page = _text(client.get("/communities/?q=cycle"))
    assert "1 member" in page and "2 members" not in page  # the leaver isn't counted
    assert "You own it" in page


def test_index_filters_and_live_results(app, client, login, world, comms):
    with app.app_context():
        old = make_community(_get(comms), name="Old cycling project")
        services.set_archived(_get(comms), old, True)
        db.session.commit()
    login(comms)
    assert "Old cycling project" not in _text(client.get("/communities/?q=cycl"))
    both = _text(client.get("/communities/?q=cycl&archived=1"))
    assert "Old cycling project" in both and "Cycle to work" in both and "Archived" in both
    private_only = _text(client.get("/communities/?kind=private"))
    assert "Custody sergeants" in private_only and "Cycle to work" not in private_only
    mine = _text(client.get("/communities/?mine=1"))
    assert "Custody sergeants" in mine and SECRET in mine and "Cycle to work" not in mine
    nothing = _text(client.get("/communities/?q=zzz"))
    assert "No communities match those filters" in nothing
    live = client.get("/communities/?q=cycle", headers={"X-Requested-With": "fetch"})
    assert live.status_code == 200 and "<html" not in _text(live) and "Cycle to work" in _text(live)


@pytest.mark.parametrize("query", ["kind=hidden", "kind=1", "q=" + "x" * 101])
def test_index_rejects_bad_filters_clearly(client, login, world, member, query):
    login(member)
    response = client.get(f"/communities/?{query}")
    assert response.status_code == 422
    assert "Those filters can't be used" in _text(response)


def test_index_query_count_does_not_grow_with_communities(
    app, client, login, world, comms, intruder, count_queries
):
    _invite(app, comms, world.private, intruder)
    login(intruder)

    def queries_for_index() -> int:
        with count_queries() as n:
            assert client.get("/communities/").status_code == 200
        return n()

    few = queries_for_index()
    with app.app_context():
        owner = _get(comms)
        for i in range(10):
            community = make_community(
                owner,
                "private" if i % 2 else "public",
                name=f"Unit {i:02}",
                members=[_get(intruder)] if i % 3 == 0 else [],
            )
            if i % 2 and i % 3:
                joins.request_to_join(_get(intruder), community)
        db.session.commit()
    many = queries_for_index()
    assert many == few, f"{few} queries for a few communities, {many} for more"


def test_invitations_show_on_top_of_the_index_with_accept_and_decline(
    app, client, login, world, comms, intruder
):
    _invite(app, comms, world.private, intruder)
    login(intruder)
    page = _text(client.get("/communities/"))
    assert "Invitations for you" in page and "Casey Comms invited you" in page
    assert f"/communities/{world.private}/invitation/accept" in page
    response = client.post(f"/communities/{world.private}/invitation/decline", data={"next": "index"})
    assert response.headers["Location"].endswith("/communities/")
    assert _role(app, intruder, world.private) is None
    assert "Invitations for you" not in _text(client.get("/communities/"))


# --- creating --------------------------------------------------------------------------------------


def test_create_form_disables_kinds_a_member_may_not_choose(client, login, member, comms):
    login(member)
    page = _text(client.get("/communities/new"))
    assert page.count("disabled") == 2
    assert "Only comms officers, leaders and admins can create private or secret communities" in page
    login(comms)
    assert "disabled" not in _text(client.get("/communities/new"))


def test_create_a_community(app, client, login, comms):
    login(comms)
    response = client.post(
        "/communities/new",
        data={"name": "Drone pilots", "description": "Kit and rotas.", "visibility": "secret"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/communities/drone-pilots")
    page = _text(client.get("/communities/drone-pilots"))
    assert "Drone pilots is ready" in page and "Secret" in page
    assert _role(app, comms, "drone-pilots") == "owner"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "visibility": "public"}, "Give the community a name."),
        ({"name": "x" * 81, "visibility": "public"}, "Use at most 80 characters (you have 81)."),
        ({"name": "Valid", "visibility": "everyone"}, "Choose public, private or secret."),
        ({"name": "Valid"}, "Choose public, private or secret."),
        ({"name": "Valid", "visibility": "private"}, "Only people an admin has chosen can create private"),
        (
            {"name": "Valid", "description": "x" * 2001, "visibility": "public"},
            "Use at most 2,000 characters",
        ),
    ],
)
def test_create_rejects_bad_input_beside_the_field(app, client, login, member, data, message):
    login(member)
    response = client.post("/communities/new", data=data)
    page = _text(response)
    assert response.status_code == 422
    assert message in page and "field__error" in page
    assert f'value="{data["name"]}"' in page  # input kept
    assert _count(app, Community, Community.is_all_staff.is_(False)) == 0


# --- the community page ----------------------------------------------------------------------------


def test_public_page_for_a_non_member(client, login, world, intruder):
    login(intruder)
    page = _text(client.get(f"/communities/{world.public}"))
    assert "Cycle to work" in page and "Bikes, routes and showers." in page
    assert "Join community" in page and 'id="community-feed"' in page and "No posts yet" in page
    assert "Morgan Member" in page  # public: the member list is open


def test_private_page_for_a_non_member_shows_owners_not_members(client, login, world, intruder):
    login(intruder)
    page = _text(client.get(f"/communities/{world.private}"))
    assert "Custody sergeants" in page and "Shift handovers" in page and "3 members" in page
    assert "Casey Comms" in page and "Lee Leader" in page  # who runs it
    assert "Morgan Member" not in page and 'id="community-feed"' not in page
    assert "Ask to join" in page and "For members only" in page
    assert "Join community" not in page


def test_private_page_for_a_member_and_a_manager(client, login, world, member, leader):
    login(member)
    page = _text(client.get(f"/communities/{world.private}"))
    assert "Morgan Member" in page and 'id="community-feed"' in page and "Leave community" in page
    assert "/settings" not in page
    login(leader)
    page = _text(client.get(f"/communities/{world.private}"))
    assert (
        f"/communities/{world.private}/requests" in page and f"/communities/{world.private}/settings" in page
    )


@pytest.mark.parametrize(
    "who, status",
    [("intruder", 404), ("leader", 404), ("moderator", 404), ("member", 200), ("comms", 200), ("admin", 200)],
)
def test_secret_page_is_404_for_outsiders(request, client, login, world, who, status):
    login(request.getfixturevalue(who))
    response = client.get(f"/communities/{world.secret}")
    assert response.status_code == status
    assert (SECRET in _text(response)) is (status == 200)


def test_unknown_slug_is_404(client, login, member):
    login(member)
    assert client.get("/communities/no-such-thing").status_code == 404
    assert client.post("/communities/no-such-thing/join").status_code == 404


def test_only_owner_and_all_staff_cannot_leave(client, login, world, member, comms):
    login(member)
    assert "You're the only owner" in _text(client.get(f"/communities/{world.public}"))
    page = _text(client.get("/communities/all-staff"))
    assert "there's no leaving it" in page and "Leave community" not in page


def test_archived_page_is_read_only(app, client, login, world, comms, intruder):
    login(comms)
    page = _text(client.get(f"/communities/{world.private}/settings"))
    assert 'data-confirm="Archive Custody sergeants?' in page
    client.post(f"/communities/{world.private}/archive", data={"archived": "1"})
    login(intruder)
    page = _text(client.get(f"/communities/{world.private}"))
    assert "Archived: read-only" in page and "Ask to join" not in page
    response = client.post(f"/communities/{world.private}/request", follow_redirects=True)
    assert "archived" in _text(response)
    assert _count(app, JoinRequest) == 0


# --- joining, asking, leaving ------------------------------------------------------------------------


def test_join_public_twice_is_harmless(app, client, login, world, intruder):
    login(intruder)
    for _ in range(2):
        response = client.post(f"/communities/{world.public}/join", follow_redirects=True)
        assert response.status_code == 200 and "Welcome to Cycle to work" in _text(response)
    assert _count(app, Membership, Membership.user_id == intruder.id) == 2  # All staff and this one


def test_join_private_is_refused_with_a_message(app, client, login, world, intruder):
    login(intruder)
    response = client.post(f"/communities/{world.private}/join", follow_redirects=True)
    assert "ask to join instead" in _text(response)
    assert _role(app, intruder, world.private) is None


def test_ask_twice_then_withdraw(app, client, login, world, intruder, comms):
    login(intruder)
    first = client.post(
        f"/communities/{world.private}/request", data={"message": "New to custody."}, follow_redirects=True
    )
    assert "has been sent to its owners and admins" in _text(first)
    assert "Withdraw my request" in _text(first)
    second = client.post(f"/communities/{world.private}/request", follow_redirects=True)
    assert "already asked to join" in _text(second)
    assert _count(app, JoinRequest) == 1
    assert (
        _count(app, Notification, Notification.user_id == comms.id, Notification.kind == "join_requested")
        == 1
    )
    client.post(f"/communities/{world.private}/request/cancel")
    again = client.post(f"/communities/{world.private}/request/cancel", follow_redirects=True)
    assert "no request waiting" in _text(again)
    assert _count(app, JoinRequest) == 0


def test_ask_with_an_overlong_message_keeps_it_beside_the_error(app, client, login, world, intruder):
    login(intruder)
    response = client.post(f"/communities/{world.private}/request", data={"message": "y" * 501})
    assert response.status_code == 422
    assert "Use at most 500 characters" in _text(response) and "y" * 501 in _text(response)
    assert _count(app, JoinRequest) == 0


def test_leave(app, client, login, world, member):
    login(member)
    response = client.post("/communities/all-staff/leave", follow_redirects=True)
    assert "Everyone belongs to All staff" in _text(response)
    response = client.post(f"/communities/{world.public}/leave", follow_redirects=True)
    assert "only owner" in _text(response)
    response = client.post(f"/communities/{world.secret}/leave")
    assert response.headers["Location"].endswith("/communities/")
    assert _role(app, member, world.secret) is None
    assert client.get(f"/communities/{world.secret}").status_code == 404


# --- managers: requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status", [("comms", 200), ("leader", 200), ("admin", 200), ("member", 403), ("intruder", 403)]
)
def test_requests_page_access(app, request, client, login, world, intruder, who, status):
    _ask(app, intruder, world.private, "Joining the custody team.")
    login(request.getfixturevalue(who))
    response = client.get(f"/communities/{world.private}/requests")
    assert response.status_code == status
    if status == 200:
        assert "Ivy Intruder" in _text(response) and "Joining the custody team." in _text(response)


def test_approve_and_decline(app, client, login, world, leader, intruder, moderator):
    first = _ask(app, intruder, world.private)
    second = _ask(app, moderator, world.private)
    login(leader)
    response = client.post(f"/communities/{world.private}/requests/{first}/approve", follow_redirects=True)
    assert "Ivy Intruder is now a member" in _text(response)
    assert _role(app, intruder, world.private) == "member"
    again = client.post(f"/communities/{world.private}/requests/{first}/approve", follow_redirects=True)
    assert "already been answered" in _text(again)
    response = client.post(
        f"/communities/{world.private}/requests/{second}/decline", data={"reason": "Custody sergeants only."}
    )
    assert response.status_code == 302
    with app.app_context():
        note = db.session.scalar(
            select(Notification).where(
                Notification.user_id == moderator.id, Notification.kind == "join_declined"
            )
        )
        assert note.data["reason"] == "Custody sergeants only."
    assert _role(app, moderator, world.private) is None


def test_decline_reason_too_long_is_kept_beside_the_field(app, client, login, world, comms, intruder):
    rid = _ask(app, intruder, world.private)
    login(comms)
    response = client.post(f"/communities/{world.private}/requests/{rid}/decline", data={"reason": "z" * 501})
    assert response.status_code == 422
    assert "Use at most 500 characters" in _text(response) and "z" * 501 in _text(response)
    assert _count(app, JoinRequest, JoinRequest.status == "pending") == 1


def test_bad_request_ids_are_404(app, client, login, world, comms, intruder):
    rid = _ask(app, intruder, world.private)
    login(comms)
    for path in (
        "999999/approve",
        "abc/approve",
        f"{rid}/maybe",
        "-1/approve",
        "99999999999999999999999/decline",
    ):
        assert client.post(f"/communities/{world.private}/requests/{path}").status_code == 404
    assert client.post(f"/communities/{world.public}/requests/{rid}/approve").status_code == 403  # not theirs
    login(intruder)
    assert client.post(f"/communities/{world.private}/requests/{rid}/approve").status_code == 403
    assert _count(app, JoinRequest, JoinRequest.status == "pending") == 1


# --- managers: members, invitations, roles ---------------------------------------------------------


def test_members_page_and_invite_picker(app, client, login, world, comms, intruder, member):
    with app.app_context():
        leaver = make_user(name="Lee Leaver")
        db.session.add(Membership(community_id=world.private_id, user_id=leaver.id))
        gone = make_user(name="Gwen Gone")
        for person in (leaver, gone):
            db.session.get(User, person.id).deactivated_at = utcnow()
        db.session.commit()
    login(comms)
    page = _text(client.get(f"/communities/{world.private}/members"))
    assert "Morgan Member" in page and "Lee Leaver" not in page and "3 members" in page
    picker = page[page.index('name="user_id"') : page.index("Send invitation")]
    assert "Ivy Intruder" in picker and "Gwen Gone" not in picker and "Morgan Member" not in picker
    assert "Change role" in page and "Remove" in page
    login(intruder)
    assert client.get(f"/communities/{world.private}/members").status_code == 403
    public = _text(client.get(f"/communities/{world.public}/members"))
    assert "Morgan Member" in public and "Change role" not in public and "Invite a colleague" not in public


def test_invite_then_accept_from_the_community_page(app, client, login, world, comms, intruder):
    login(comms)
    response = client.post(
        f"/communities/{world.private}/members/invite",
        data={"user_id": str(intruder.id)},
        follow_redirects=True,
    )
    assert "Ivy Intruder has been invited" in _text(response)
    login(intruder)
    page = _text(client.get(f"/communities/{world.private}"))
    assert "You've been invited to join by Casey Comms" in page
    assert "Casey Comms</strong> invited you to join" in _text(client.get("/notifications"))
    response = client.post(f"/communities/{world.private}/invitation/accept", follow_redirects=True)
    assert "Welcome to Custody sergeants" in _text(response)
    assert _role(app, intruder, world.private) == "member"
    again = client.post(f"/communities/{world.private}/invitation/accept", follow_redirects=True)
    assert "no open invitation" in _text(again)


def test_secret_invitee_sees_the_page_and_can_accept(app, client, login, world, comms, intruder):
    _invite(app, comms, world.secret, intruder)
    login(intruder)
    page = _text(client.get("/communities/"))
    assert SECRET in page and "Invitations for you" in page
    assert "Ask to join" not in _text(client.get(f"/communities/{world.secret}"))
    client.post(f"/communities/{world.secret}/invitation/accept")
    assert _role(app, intruder, world.secret) == "member"


@pytest.mark.parametrize("user_id", ["", "abc", "999999", "-3", "1.5"])
def test_invite_bad_person_is_422_beside_the_picker(app, client, login, world, comms, user_id):
    login(comms)
    response = client.post(f"/communities/{world.private}/members/invite", data={"user_id": user_id})
    assert response.status_code == 422 and "Choose a person from the list." in _text(response)
    assert _count(app, JoinRequest) == 0


def test_role_changes_and_removal(app, client, login, world, comms, member, leader, intruder):
    login(comms)
    base = f"/communities/{world.private}/members"
    assert client.post(f"{base}/{member.id}/role", data={"role": "admin"}).status_code == 302
    assert _role(app, member, world.private) == "admin"
    bad = client.post(f"{base}/{member.id}/role", data={"role": "boss"})
    assert bad.status_code == 422 and "Choose owner, admin or member." in _text(bad)
    last = client.post(f"{base}/{comms.id}/role", data={"role": "member"})
    assert last.status_code == 422 and "This is the only owner: make someone else an owner first." in _text(
        last
    )
    assert "The only owner: make someone else an owner" in _text(last)
    assert _role(app, comms, world.private) == "owner"
    assert client.post(f"{base}/{intruder.id}/role", data={"role": "admin"}).status_code == 404
    assert client.post(f"{base}/abc/role", data={"role": "admin"}).status_code == 404
    response = client.post(f"{base}/{member.id}/remove", follow_redirects=True)
    assert "Morgan Member is no longer a member" in _text(response)
    assert _role(app, member, world.private) is None
    login(leader)  # a community admin can't touch an owner
    assert client.post(f"{base}/{comms.id}/remove").status_code == 403
    login(intruder)
    assert (
        client.post(
            f"/communities/{world.public}/members/{member.id}/role", data={"role": "member"}
        ).status_code
        == 403
    )


# --- managers: settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, status", [("comms", 200), ("leader", 200), ("admin", 200), ("member", 403), ("intruder", 403)]
)
def test_settings_access(request, client, login, world, who, status):
    login(request.getfixturevalue(who))
    assert client.get(f"/communities/{world.private}/settings").status_code == status


def test_settings_rename_and_bad_input(app, client, login, world, comms):
    login(comms)
    url = f"/communities/{world.private}/settings"
    for data, message in (
        ({"name": "x" * 81, "visibility": "private"}, "at most 80 characters"),
        ({"name": "Custody", "visibility": "members"}, "Choose public, private or secret."),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 422 and message in _text(response)
    with app.app_context():
        community = db.session.get(Community, world.private_id)
        assert (community.name, community.visibility) == ("Custody sergeants", "private")
    response = client.post(
        url, data={"name": "Custody leads", "description": "New.", "visibility": "private"}
    )
    assert response.headers["Location"].endswith("/communities/custody-leads/settings")
    assert client.get(f"/communities/{world.private}").status_code == 404


def test_all_staff_settings_are_locked(client, login, admin):
    login(admin)
    page = _text(client.get("/communities/all-staff/settings"))
    assert "All staff is always public" in page and "can't be archived" in page
    response = client.post("/communities/all-staff/archive", data={"archived": "1"}, follow_redirects=True)
    assert "All staff can't be archived" in _text(response)


# --- secrecy everywhere ----------------------------------------------------------------------------


def test_secret_community_is_404_for_the_intruder_everywhere(
    app, client, login, world, comms, member, intruder
):
    login(intruder)
    slug = world.secret
    gets = ["", "/members", "/requests", "/settings", "/members?q=x"]
    posts = [
        "/join",
        "/request",
        "/request/cancel",
        "/leave",
        "/invitation/accept",
        "/invitation/decline",
        "/requests/1/approve",
        "/requests/1/decline",
        "/members/invite",
        f"/members/{member.id}/role",
        f"/members/{member.id}/remove",
        "/settings",
        "/archive",
    ]
    for path in gets:
        response = client.get(f"/communities/{slug}{path}")
        assert response.status_code == 404 and SECRET not in _text(response), path
    for path in posts:
        response = client.post(f"/communities/{slug}{path}", data={"role": "admin", "user_id": intruder.id})
        assert response.status_code == 404 and SECRET not in _text(response), path
    for page in (
        "/communities/",
        "/communities/?kind=secret",
        "/communities/?q=Nightjar",
        "/communities/?mine=1&archived=1",
        "/",
        "/notifications",
        f"/people/{comms.id}",
        f"/people/{member.id}",
        "/people",
    ):
        response = client.get(page)
        assert response.status_code in (200, 422), page
        assert SECRET not in _text(response), page
    assert _role(app, intruder, slug) is None
