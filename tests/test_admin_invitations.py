"""Admin invitations: sending (mail in the outbox), validation, revoking, resending, listing."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.admin import invitations as invitation_services
from app.admin import services
from app.auth.services import invitation_from_token
from app.extensions import db
from app.models import Invitation, User, utcnow
from app.tokens import make_token
from tests.factories import make_unit


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


# --- invitations -------------------------------------------------------------------------------


def test_invite_sends_mail_with_a_working_link(app, client, login, admin, unit_id):
    outbox = Path(app.config["OUTBOX_DIR"])
    before = set(outbox.glob("*.eml")) if outbox.exists() else set()
    login(admin)
    response = client.post(
        "/admin/invitations",
        data={
            "email": "New.Starter@Example.police.uk",
            "name": "New Starter",
            "role": "comms",
            "unit_id": str(unit_id),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert (invitation.email, invitation.role, invitation.unit_id) == (
            "new.starter@example.police.uk",
            "comms",
            unit_id,
        )
        assert invitation_services.invitation_status(invitation) == "pending"
    assert len(set(outbox.glob("*.eml")) - before) == 1
    page = client.get("/admin/invitations").get_data(as_text=True)
    assert "new.starter@example.police.uk" in page and "Pending" in page


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": ""}, "Enter your work email address."),
        ({"email": "not-an-email"}, "Enter an email address like"),
        ({"email": "ok@example.police.uk", "role": "superuser"}, "Choose a role from the list."),
        ({"email": "ok@example.police.uk", "unit_id": "424242"}, "Choose a unit from the list."),
        ({"email": "ok@example.police.uk", "unit_id": "abc"}, "Choose a unit from the list."),
        ({"email": "ok@example.police.uk", "name": "x" * 121}, "Use at most 120 characters."),
    ],
)
def test_invite_bad_input_is_422_and_stores_nothing(app, client, login, admin, data, message):
    login(admin)
    response = client.post("/admin/invitations", data={"role": "member"} | data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'aria-invalid="true"' in page
    if data["email"]:
        assert data["email"] in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_invite_refuses_existing_accounts_and_open_invitations(app, client, login, admin, member):
    login(admin)
    taken = client.post("/admin/invitations", data={"email": member.email, "role": "member"})
    assert taken.status_code == 422 and "already has an account" in taken.get_data(as_text=True)
    assert (
        client.post("/admin/invitations", data={"email": "a@example.police.uk", "role": "member"}).status_code
        == 302
    )
    again = client.post("/admin/invitations", data={"email": "A@example.police.uk", "role": "member"})
    assert again.status_code == 422 and "already has an invitation waiting" in again.get_data(as_text=True)


def _token(invitation: Invitation) -> str:
    return make_token("invite", {"invitation": invitation.id, "email": invitation.email})


def test_revoke_stops_the_link(app, client, login, admin):
    with app.test_request_context():
        invitation = invitation_services.send_invitation(_fresh(admin), "x@example.police.uk")
        db.session.commit()
        token, invitation_id = _token(invitation), invitation.id
    login(admin)
    assert client.post(f"/admin/invitations/{invitation_id}/revoke").status_code == 302
    with app.app_context():
        assert invitation_from_token(token) is None
        assert invitation_services.invitation_status(db.session.get(Invitation, invitation_id)) == "revoked"
    assert client.get(f"/invitation/{token}").status_code == 410


def test_resend_sends_a_new_link_and_retires_the_old_one(app, client, login, admin):
    with app.test_request_context():
        invitation = invitation_services.send_invitation(
            _fresh(admin), "x@example.police.uk", "X Person", "leader"
        )
        db.session.commit()
        old_token, old_id = _token(invitation), invitation.id
    login(admin)
    assert client.post(f"/admin/invitations/{old_id}/resend").status_code == 302
    with app.app_context():
        newest = db.session.scalar(select(Invitation).order_by(Invitation.id.desc()))
        assert newest.id != old_id and (newest.email, newest.name, newest.role) == (
            "x@example.police.uk",
            "X Person",
            "leader",
        )
        assert invitation_from_token(old_token) is None
        assert invitation_from_token(_token(newest)).id == newest.id


def test_accepted_invitations_cannot_be_revoked_or_resent(app, client, login, admin):
    with app.test_request_context():
        invitation = invitation_services.send_invitation(_fresh(admin), "x@example.police.uk")
        invitation.accepted_at = utcnow()
        db.session.commit()
        invitation_id = invitation.id
    login(admin)
    for action in ("revoke", "resend"):
        response = client.post(f"/admin/invitations/{invitation_id}/{action}")
        assert response.status_code == 422
        assert "already accepted" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1
        assert db.session.get(Invitation, invitation_id).revoked_at is None


def test_revoked_invitations_are_not_resent(app, client, login, admin):
    with app.test_request_context():
        invitation = invitation_services.send_invitation(_fresh(admin), "x@example.police.uk")
        invitation_services.revoke_invitation(_fresh(admin), invitation)
        db.session.commit()
        invitation_id = invitation.id
    login(admin)
    response = client.post(f"/admin/invitations/{invitation_id}/resend")
    assert response.status_code == 422 and "was revoked" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 1


def test_invitation_list_filters_and_bad_input(app, client, login, admin):
    with app.test_request_context():
        invitation_services.send_invitation(_fresh(admin), "open@example.police.uk")
        gone = invitation_services.send_invitation(_fresh(admin), "gone@example.police.uk")
        invitation_services.revoke_invitation(_fresh(admin), gone)
        db.session.commit()
    login(admin)
    revoked = client.get("/admin/invitations?status=revoked").get_data(as_text=True)
    assert "gone@example.police.uk" in revoked and "open@example.police.uk" not in revoked
    assert client.get("/admin/invitations?status=wizard").status_code == 422
    assert client.get("/admin/invitations?before=abc").status_code == 422
    for path in ("/admin/invitations/999999/revoke", "/admin/invitations/abc/resend"):
        assert client.post(path).status_code == 404


def test_expired_invitations_show_as_expired(app, rctx, admin):
    invitation = invitation_services.send_invitation(_fresh(admin), "late@example.police.uk")
    invitation.created_at = utcnow() - app.config["INVITATION_MAX_AGE"] * 2
    db.session.flush()
    assert invitation_services.invitation_status(invitation) == "expired"
    assert services.overview()["pending_invitations"] == 0
    assert [i.id for i in db.session.scalars(invitation_services.invitations_list("expired"))] == [
        invitation.id
    ]
