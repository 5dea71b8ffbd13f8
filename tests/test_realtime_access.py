"""Cutting realtime access at once: sign-out, sign-out everywhere, password change, deactivation,
token revocation and leaving a private community."""

from app import events
from app.admin.services import deactivate
from app.api.tokens import create_token
from app.communities.services import leave
from app.extensions import db
from app.models import Community, User
from tests import factories
from tests.realtime_helpers import live_sockets, names, post, received, sign_in


def two_browsers(app, sockets, user):
    """The person signed in on two browsers, each with a socket."""
    here, there = sign_in(app, user), sign_in(app, user)
    return here, sockets.connect(here), there, sockets.connect(there)


def test_signing_out_cuts_only_that_browsers_sockets(app, sockets, member):
    here, here_socket, _there, there_socket = two_browsers(app, sockets, member)
    second_tab = sockets.connect(here)
    assert live_sockets(app, member) == 3
    assert here.post("/logout").status_code == 302
    assert not here_socket.is_connected() and not second_tab.is_connected()
    assert there_socket.is_connected() and live_sockets(app, member) == 1
    post(app, member, "Still here")
    assert names(there_socket) == ["post_created"]
    assert not sockets.connect(here).is_connected()  # signed out: refused


def test_signing_out_everywhere_cuts_every_socket(app, sockets, member):
    here, here_socket, there, there_socket = two_browsers(app, sockets, member)
    assert here.post("/account/sign-out-everywhere").status_code == 302
    assert not here_socket.is_connected() and not there_socket.is_connected()
    assert live_sockets(app, member) == 0
    assert not sockets.connect(there).is_connected()


def test_changing_password_cuts_every_socket(app, sockets, member):
    here, here_socket, there, there_socket = two_browsers(app, sockets, member)
    new = "a brand new passphrase"
    response = here.post(
        "/account/security",
        data={"current_password": factories.PASSWORD, "new_password": new, "confirm_password": new},
    )
    assert response.status_code == 302
    assert not here_socket.is_connected() and not there_socket.is_connected()
    assert live_sockets(app, member) == 0
    assert not sockets.connect(there).is_connected()  # the other browser's session is over
    assert sockets.connect(here).is_connected()  # this browser stays signed in with a new key


def test_deactivation_cuts_every_socket(app, sockets, member, admin):
    _here, here_socket, there, there_socket = two_browsers(app, sockets, member)
    with app.app_context():
        deactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
    assert not here_socket.is_connected() and not there_socket.is_connected()
    assert live_sockets(app, member) == 0
    assert not sockets.connect(there).is_connected()


def test_deactivated_token_holder_is_cut_and_refused(app, sockets, member, admin):
    with app.app_context():
        _token, plaintext = create_token(db.session.get(User, member.id), "Script")
        db.session.commit()
    script = sockets.connect(auth={"token": plaintext})
    assert script.is_connected()
    with app.app_context():
        deactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
    assert not script.is_connected()
    assert not sockets.connect(auth={"token": plaintext}).is_connected()


def test_revoking_a_token_can_cut_its_sockets(app, sockets, member):
    with app.app_context():
        token, plaintext = create_token(db.session.get(User, member.id), "Script")
        db.session.commit()
        token_id = token.id
    script, browser = sockets.connect(auth={"token": plaintext}), sockets.connect(sign_in(app, member))
    with app.app_context():
        # What the token service records when a token is revoked.
        events.record("user_updated", user_id=member.id, token_revoked=token_id)
        db.session.commit()
    assert not script.is_connected()
    assert browser.is_connected()


def test_leaving_a_private_community_stops_its_events_at_once(app, sockets, member, comms):
    with app.app_context():
        owner, leaver = db.session.get(User, comms.id), db.session.get(User, member.id)
        cid = factories.make_community(owner, "private", members=[leaver]).id
    sio = sockets.connect(sign_in(app, member))
    post(app, comms, "Before", cid)
    assert names(sio) == ["post_created"]
    with app.app_context():
        leave(db.session.get(User, member.id), db.session.get(Community, cid))
        db.session.commit()
    received(sio)
    post(app, comms, "After", cid)
    assert received(sio) == []
    assert sio.is_connected()
    post(app, comms, "To all staff")
    assert names(sio) == ["post_created"]


def test_losing_admin_role_stops_events_from_closed_communities(app, sockets, member, admin, comms):
    from app.admin.services import set_role

    with app.app_context():
        cid = factories.make_community(db.session.get(User, comms.id), "secret").id
        promoted = db.session.get(User, member.id)
        set_role(db.session.get(User, admin.id), promoted, "admin")
        db.session.commit()
    sio = sockets.connect(sign_in(app, member))
    post(app, comms, "Secret", cid)
    assert "post_created" in names(sio)
    with app.app_context():
        set_role(db.session.get(User, admin.id), db.session.get(User, member.id), "member")
        db.session.commit()
    received(sio)
    post(app, comms, "Secret again", cid)
    assert "post_created" not in names(sio)
