"""Helpers for the proposal tests: the seeded channels, proposals written through the service, and
running a service as a person and committing (so events dispatch as they do in production)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Proposal, ProposalChannel, User
from app.proposals.channels import seed_default_channels
from app.proposals.services import ProposalInput, create_proposal

GOOD = {
    "draft": "Thank you to everyone who came to the Eastport PACT meeting. Next one: 4 December.",
    "why": "Shows we listen locally and tells people when the next meeting is.",
    "reputation_worst": "Could read as self-congratulation if turnout was low.",
    "reputation_record": "Nothing we know of.",
}


@pytest.fixture(name="channels")
def channels_fixture(app) -> dict[str, int]:
    """The default channels (the migration seeds them; the test cleanup empties every table)."""
    with app.app_context():
        seed_default_channels()
        db.session.commit()
        return dict(db.session.execute(select(ProposalChannel.slug, ProposalChannel.id)).all())


def proposal_input(channel_id: int, **overrides) -> ProposalInput:
    """A valid proposal form, with any field replaced."""
    return ProposalInput(channel_id=channel_id, **{**GOOD, **overrides})


def make_proposal(
    app, proposer: User, channel_id: int, source_post_id: int | None = None, **overrides
) -> int:
    """A proposal's id, proposed through the service and committed."""
    with app.app_context():
        row = create_proposal(
            db.session.get(User, proposer.id), proposal_input(channel_id, **overrides), source_post_id
        )
        db.session.commit()
        return row.id


def act(app, proposal_id: int, user: User, action, *args, **kwargs):
    """Run a service on a proposal as a person and commit; returns the result."""
    with app.app_context():
        result = action(db.session.get(User, user.id), db.session.get(Proposal, proposal_id), *args, **kwargs)
        db.session.commit()
        return result


def load(app, proposal_id: int) -> Proposal:
    """A fresh, detached copy of a proposal with its columns loaded."""
    with app.app_context():
        row = db.session.get(Proposal, proposal_id)
        db.session.expunge(row)
        return row
