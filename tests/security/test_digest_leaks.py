"""HOOK FOR THE DIGEST (app/digest is being built on another branch): the weekly digest must never
carry anything from a community the reader can't see. At merge time, point DIGEST_FOR at the
function that renders one person's digest (text or HTML) and delete the skip; the world and the
markers are the matrix's (tests/security/world.py), so the test needs nothing else."""

import importlib

import pytest

from app.extensions import db
from app.models import User
from tests.security.world import SECRET_MARKERS, build

# "module:function" taking (user) and returning the digest's text or HTML. The lead fills this in.
DIGEST_FOR = ""


def _renderer():
    if not DIGEST_FOR:
        pytest.skip("LEAD: set DIGEST_FOR in tests/security/test_digest_leaks.py once app/digest is merged")
    module, _, name = DIGEST_FOR.partition(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("role", ["intruder", "comms", "leader", "moderator"])
def test_the_digest_never_carries_the_secret_community(app, role):
    render = _renderer()
    world = build(app)
    with app.test_request_context():
        outsider = render(db.session.get(User, world.users[role]))
        insider = render(db.session.get(User, world.users["member"]))
    assert [m for m in SECRET_MARKERS if m in str(outsider)] == []
    assert [m for m in SECRET_MARKERS if m in str(insider)], "control: the member's digest has it"
