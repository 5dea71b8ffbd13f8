"""The admin area: access for each role, the overview, roles, deactivation, the people list, settings."""

import pytest
from sqlalchemy import func, select

from app.admin import invitations as invitation_services
from app.admin import services
from app.admin import units as unit_services
from app.auth.services import authenticate, registration_open_for
from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.models import Event, Invitation, Membership, Unit, User, utcnow
from app.permissions import can_create_community
from app.site_settings import get_setting
from tests.factories import PASSWORD, make_community, make_unit, make_user

ADMIN_PAGES = ["/admin", "/admin/people", "/admin/invitations", "/admin/units", "/admin/settings"]


def _fresh(user: User) -> User:
    return db.session.get(User, user.id)


@pytest.fixture
def rctx(app):
    """A request context, for services that send mail (the link is built with url_for)."""
    with app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def unit_id(app) -> int:
    """A committed unit."""
    with app.app_context():
        unit = make_unit("Roads Policing")
        db.session.commit()
        return unit.id


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ADMIN_PAGES + ["/admin/units/1"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["member", "comms", "leader", "moderator", "intruder"])
def test_everyone_but_admins_gets_403(request, client, login, unit_id, role):
    person = request.getfixturevalue(role)
    with client.application.app_context():
        target = make_user(name="Target Person").id
    login(person)
    for path in ADMIN_PAGES + [f"/admin/units/{unit_id}"]:
        assert client.get(path).status_code == 403, path
    posts = [
        f"/admin/people/{target}/role",
        f"/admin/people/{target}/deactivate",
        f"/admin/people/{target}/reactivate",
        "/admin/invitations",
        "/admin/units",
        f"/admin/units/{unit_id}",
        f"/admin/units/{unit_id}/delete",
        "/admin/settings",
    ]
    for path in posts:
        assert (
            client.post(path, data={"role": "admin", "email": "x@example.police.uk", "name": "X"}).status_code
            == 403
        )
    with client.application.app_context():
        assert (
            db.session.get(User, target).role == "member" and not db.session.get(User, target).is_deactivated
        )
        assert db.session.get(Unit, unit_id) is not None
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_reaches_every_page(client, login, admin, path):
    login(admin)
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'class="subnav"' in page and "<script>" not in page and "style=" not in page


def test_services_refuse_non_admins(ctx, member, moderator):
    victim = _fresh(member)
    for actor in (_fresh(moderator), victim):
        with pytest.raises(PermissionDenied):
            services.set_role(actor, victim, "admin")
        with pytest.raises(PermissionDenied):
            services.deactivate(actor, victim)
        with pytest.raises(PermissionDenied):
            unit_services.create_unit(actor, "Dogs")
        with pytest.raises(PermissionDenied):
            services.update_settings(actor, True, [], "480")
        with pytest.raises(PermissionDenied):
            invitation_services.send_invitation(actor, "new@example.police.uk")


# --- overview ----------------------------------------------------------------------------------


def test_overview_counts_active_people_by_role_and_pending_invitations(rctx, admin, member, comms):
    gone = make_user(name="Gone Person")
    gone.deactivated_at = utcnow()
    make_user(name="Unconfirmed", confirmed=False)
    make_unit()
    invitation_services.send_invitation(_fresh(admin), "new@example.police.uk")
    db.session.commit()
    stats = services.overview()
    assert stats["active_people"] == 3 and stats["deactivated"] == 1
    assert dict(stats["by_role"]) == {"member": 1, "comms": 1, "leader": 0, "moderator": 0, "admin": 1}
    assert stats["units"] == 1 and stats["pending_invitations"] == 1 and stats["communities"] == 1


def test_overview_page_shows_counts_and_links(client, login, admin, member):
    login(admin)
    page = client.get("/admin").get_data(as_text=True)
    assert ">2</p>" in page and "Comms officers" in page
    for link in ("/admin/people", "/admin/invitations", "/admin/units", "/admin/settings"):
        assert f'href="{link}"' in page


# --- roles -------------------------------------------------------------------------------------


def test_set_role_changes_the_role(ctx, admin, member):
    services.set_role(_fresh(admin), _fresh(member), "comms")
    db.session.commit()
    assert _fresh(member).role == "comms"


def test_set_role_refuses_unknown_roles_and_oneself(ctx, admin):
    other = make_user(role="admin")
    with pytest.raises(ValidationError) as exc:
        services.set_role(_fresh(admin), other, "superuser")
    assert "Choose a role" in exc.value.fields["role"]
    with pytest.raises(ValidationError) as exc:
        services.set_role(_fresh(admin), _fresh(admin), "member")
    assert "your own role" in exc.value.fields["role"]


def test_the_last_active_admin_stays_an_admin(ctx, admin):
    other = make_user(name="Other Admin", role="admin")
    services.set_role(_fresh(admin), other, "member")  # two admins: fine
    with pytest.raises(ValidationError) as exc:
        services.set_role(_fresh(admin), _fresh(admin), "member")
    assert "You are the last active admin" in exc.value.fields["role"]
    with pytest.raises(ValidationError) as exc:
        services.deactivate(_fresh(admin), _fresh(admin))
    assert "last active admin" in exc.value.fields["user"]
    assert _fresh(admin).role == "admin" and not _fresh(admin).is_deactivated


def test_a_deactivated_admin_does_not_count(ctx, admin):
    other = make_user(role="admin")
    other.deactivated_at = utcnow()
    db.session.commit()
    assert services.active_admin_count() == 1


def test_role_route_saves_and_keeps_filters(app, client, login, admin, member):
    login(admin)
    response = client.post(
        f"/admin/people/{member.id}/role", data={"role": "leader", "status": "all", "q": "morgan"}
    )
    assert response.status_code == 302
    assert "status=all" in response.headers["Location"] and "q=morgan" in response.headers["Location"]
    with app.app_context():
        assert _fresh(member).role == "leader"


@pytest.mark.parametrize("role", ["", "superuser", "ADMIN"])
def test_role_route_rejects_unknown_roles(app, client, login, admin, member, role):
    login(admin)
    response = client.post(f"/admin/people/{member.id}/role", data={"role": role})
    assert response.status_code == 422
    assert "Choose a role from the list." in response.get_data(as_text=True)
    with app.app_context():
        assert _fresh(member).role == "member"


def test_admin_cannot_demote_themself_through_the_page(app, client, login, admin):
    with app.app_context():
        make_user(role="admin")
    login(admin)
    response = client.post(f"/admin/people/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 422
    assert "can&#39;t change your own role" in response.get_data(as_text=True)
    with app.app_context():
        assert _fresh(admin).role == "admin"


@pytest.mark.parametrize(
    "path",
    [
        "/admin/people/999999/role",
        "/admin/people/abc/role",
        "/admin/people/99999999999999999999999/deactivate",
        "/admin/people/0/reactivate",
    ],
)
def test_actions_on_unknown_people_are_404(client, login, admin, path):
    login(admin)
    assert client.post(path, data={"role": "member"}).status_code == 404


# --- deactivation ------------------------------------------------------------------------------


def test_deactivate_ends_sessions_and_sign_in_but_keeps_content(app, client, login, admin, member):
    leaver_client = app.test_client()
    login(member, leaver_client)
    assert leaver_client.get("/people").status_code == 200
    with app.app_context():
        owned = make_community(_fresh(member), "public", "Leaver's club")
        version = _fresh(member).session_version
    login(admin)
    response = client.post(f"/admin/people/{member.id}/deactivate")
    assert response.status_code == 302
    with app.app_context():
        user = _fresh(member)
        assert user.deactivated_at is not None and user.session_version == version + 1
        assert authenticate(member.email, PASSWORD) is None
        assert db.session.get(Membership, (owned.id, member.id)) is not None
        event = db.session.scalar(select(Event).where(Event.name == "user_deactivated"))
        assert event.user_id == member.id
    # Their open session stops working at once, and they can't sign in again.
    assert leaver_client.get("/people").status_code == 302
    signin = app.test_client().post("/login", data={"email": member.email, "password": PASSWORD})
    assert signin.status_code == 422
    # Everyone else sees a former member, and no longer finds them in the directory.
    assert "Former member" in client.get(f"/people/{member.id}").get_data(as_text=True)
    assert member.name not in client.get("/people").get_data(as_text=True)


def test_reactivate_lets_them_sign_in_again(app, client, login, admin, member):
    login(admin)
    client.post(f"/admin/people/{member.id}/deactivate")
    with app.app_context():
        db.session.execute(Membership.__table__.delete().where(Membership.user_id == member.id))
        db.session.commit()
    response = client.post(f"/admin/people/{member.id}/reactivate")
    assert response.status_code == 302
    with app.app_context():
        assert not _fresh(member).is_deactivated
        assert authenticate(member.email, PASSWORD) is not None
        assert db.session.scalar(select(func.count()).where(Membership.user_id == member.id)) == 1


def test_admin_cannot_deactivate_themself(app, client, login, admin):
    with app.app_context():
        make_user(role="admin")
    login(admin)
    response = client.post(f"/admin/people/{admin.id}/deactivate")
    assert response.status_code == 422
    assert "can&#39;t deactivate your own account" in response.get_data(as_text=True)
    with app.app_context():
        assert not _fresh(admin).is_deactivated


def test_admins_manage_accounts_still_awaiting_confirmation(app, client, login, admin):
    with app.app_context():
        pending_id = make_user(name="Self Registered", confirmed=False).id
    login(admin)
    assert "Awaiting email confirmation" in client.get("/admin/people").get_data(as_text=True)
    assert client.post(f"/admin/people/{pending_id}/deactivate").status_code == 302
    with app.app_context():
        assert db.session.get(User, pending_id).is_deactivated


def test_deactivate_and_reactivate_are_idempotent(ctx, admin, member):
    services.deactivate(_fresh(admin), _fresh(member))
    first = _fresh(member).deactivated_at
    services.deactivate(_fresh(admin), _fresh(member))
    assert _fresh(member).deactivated_at == first
    services.reactivate(_fresh(admin), _fresh(member))
    services.reactivate(_fresh(admin), _fresh(member))
    assert not _fresh(member).is_deactivated


# --- people list -------------------------------------------------------------------------------


def test_people_list_filters_by_status_and_text(app, client, login, admin):
    with app.app_context():
        make_user(name="Active Alice", email="alice@example.police.uk")
        gone = make_user(name="Former Fred")
        gone.deactivated_at = utcnow()
        db.session.commit()
    login(admin)
    active = client.get("/admin/people").get_data(as_text=True)
    assert "Active Alice" in active and "Former Fred" not in active
    former = client.get("/admin/people?status=deactivated").get_data(as_text=True)
    assert "Former Fred" in former and "Active Alice" not in former and "Reactivate" in former
    everyone = client.get("/admin/people?status=all&q=ALICE@").get_data(as_text=True)
    assert "Active Alice" in everyone and "Former Fred" not in everyone
    assert 'data-confirm="Deactivate Active Alice?' in active


@pytest.mark.parametrize("query", ["status=wizards", "q=" + "x" * 101, "cursor=%21%21"])
def test_people_list_bad_filters_are_422(client, login, admin, query):
    login(admin)
    response = client.get(f"/admin/people?{query}")
    assert response.status_code == 422
    assert 'class="form-error"' in response.get_data(as_text=True) or "field__error" in response.get_data(
        as_text=True
    )


def test_people_list_query_count_does_not_grow(app, client, login, admin, count_queries):
    login(admin)
    counts = []
    for n in (3, 20):
        with app.app_context():
            for _ in range(n):
                make_user(unit=make_unit(parent=make_unit()))
        with count_queries() as queries:
            assert client.get("/admin/people").status_code == 200
        counts.append(queries())
    assert counts[0] == counts[1]


# --- settings ----------------------------------------------------------------------------------


def test_settings_change_registration_and_community_creators(app, ctx, admin, moderator, comms):
    app.config["ALLOWED_EMAIL_DOMAINS"] = ["example.police.uk"]
    try:
        services.update_settings(_fresh(admin), False, ["moderator"], "480")
        db.session.commit()
        assert get_setting("self_registration") == "0"
        assert not registration_open_for("new@example.police.uk")
        assert can_create_community(_fresh(moderator), "secret")
        assert not can_create_community(_fresh(comms), "private")
        services.update_settings(_fresh(admin), True, ["comms", "leader"], "480")
        assert registration_open_for("new@example.police.uk")
        assert services.current_settings()["creator_roles"] == ["comms", "leader"]
    finally:
        app.config["ALLOWED_EMAIL_DOMAINS"] = []


def test_settings_page_explains_domains(app, client, login, admin, monkeypatch):
    login(admin)
    assert "No email domains are configured" in client.get("/admin/settings").get_data(as_text=True)
    monkeypatch.setitem(app.config, "ALLOWED_EMAIL_DOMAINS", ["example.police.uk", "example.fire.uk"])
    page = client.get("/admin/settings").get_data(as_text=True)
    assert "ALLOWED_EMAIL_DOMAINS" in page and "example.fire.uk" in page


def test_settings_route_saves_and_rejects_unknown_roles(app, client, login, admin):
    login(admin)
    bad = client.post("/admin/settings", data={"self_registration": "1", "creator_roles": ["comms", "admin"]})
    assert bad.status_code == 422 and "Choose only from" in bad.get_data(as_text=True)
    with app.app_context():
        assert get_setting("restricted_community_creators") == "comms,leader"
    ok = client.post("/admin/settings", data={"creator_roles": ["moderator"], "session_idle_minutes": "480"})
    assert ok.status_code == 302
    with app.app_context():
        assert get_setting("self_registration") == "0"
        assert get_setting("restricted_community_creators") == "moderator"
    assert 'value="moderator" checked' in client.get("/admin/settings").get_data(as_text=True)
