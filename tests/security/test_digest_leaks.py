"""The weekly digest never carries anything from a community the reader can't see: one person's
digest, built and rendered (text and HTML) exactly as it is mailed, over the matrix's world
(tests/security/world.py) and its secret markers."""

import pytest
from flask import render_template

from app.digest.content import build_digest
from app.digest.send import mail_context
from app.extensions import db
from app.models import User
from tests.security.world import SECRET_MARKERS, build


def render(user: User) -> str:
    """The person's weekly digest as the email's two parts would hold it."""
    context = mail_context(build_digest(user, "weekly"), "http://rollcall.test")
    context |= {"unsubscribe_url": "http://rollcall.test/u", "preferences_url": "http://rollcall.test/p"}
    return render_template("email/digest.txt", **context) + render_template("email/digest.html", **context)


@pytest.mark.parametrize("role", ["intruder", "comms", "leader", "moderator"])
def test_the_digest_never_carries_the_secret_community(app, role):
    world = build(app)
    with app.test_request_context():
        outsider = render(db.session.get(User, world.users[role]))
        insider = render(db.session.get(User, world.users["member"]))
    assert [m for m in SECRET_MARKERS if m in str(outsider)] == []
    assert [m for m in SECRET_MARKERS if m in str(insider)], "control: the member's digest has it"
