"""Live proposals over Socket.IO: events reach exactly the people who may see the proposal (its
community's readers), carry ids and the seq but never the text, and a reconnect catches up the same way."""

import json

from app.extensions import db
from app.models import User
from app.proposals import buyin, stages, suggestions
from tests import factories
from tests.proposal_helpers import GOOD, act, channels_fixture, make_proposal  # noqa: F401
from tests.realtime_helpers import last_seq, received, sign_in


def _without_notifications(sio) -> list[dict]:
    return [p for p in received(sio) if p["_event"] != "notification_created"]


def test_a_move_reaches_everyone_who_can_see_it_with_ids_never_text(
    app, sockets, member, comms, intruder, channels
):
    watchers = {person.name: sockets.connect(sign_in(app, person)) for person in (member, comms, intruder)}
    proposal_id = make_proposal(app, member, channels["x"])
    for sio in watchers.values():
        events = _without_notifications(sio)
        assert [e["_event"] for e in events] == ["post_created", "proposal_created"]
        created = events[1]
        assert created["proposal_id"] == proposal_id and created["stage"] == "idea" and created["seq"]
    act(app, proposal_id, comms, stages.move, "review")
    for sio in watchers.values():
        [moved] = _without_notifications(sio)
        assert moved["_event"] == "proposal_moved" and moved["proposal_id"] == proposal_id
        assert (moved["stage_from"], moved["stage"]) == ("idea", "review") and moved["seq"] == last_seq(app)
        assert GOOD["draft"][:20] not in json.dumps(moved)


def test_a_secret_communitys_proposal_never_reaches_the_intruder(
    app, sockets, member, comms, intruder, channels
):
    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, comms.id),
            "secret",
            "Operation Kestrel",
            members=[db.session.get(User, member.id)],
        )
        secret_id = secret.id
    insider, team, outsider = (sockets.connect(sign_in(app, p)) for p in (member, comms, intruder))
    proposal_id = make_proposal(app, member, channels["press-release"], community_id=secret_id)
    act(app, proposal_id, comms, buyin.endorse)
    act(app, proposal_id, comms, suggestions.suggest, "", "A shorter statement.")
    act(app, proposal_id, comms, stages.move, "review")
    expected = [
        "post_created",
        "proposal_created",
        "endorsement_updated",
        "suggestion_created",
        "proposal_moved",
    ]
    for sio in (insider, team):
        assert [e["_event"] for e in _without_notifications(sio)] == expected
    got = received(outsider)
    assert got == [] and "Kestrel" not in json.dumps(got)


def test_endorsements_carry_the_new_count(app, sockets, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    reader = sockets.connect(sign_in(app, member))
    act(app, proposal_id, comms, buyin.endorse)
    [event] = _without_notifications(reader)
    assert (event["_event"], event["endorsements"], event["proposal_id"]) == (
        "endorsement_updated",
        1,
        proposal_id,
    )


def test_the_proposer_is_notified_live_of_a_stage_change(app, sockets, member, comms, leader, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    proposer, bystander = sockets.connect(sign_in(app, member)), sockets.connect(sign_in(app, leader))
    act(app, proposal_id, comms, stages.move, "review")
    assert [n["kind"] for n in received(proposer, "notification_created")] == ["proposal_stage"]
    assert received(bystander, "notification_created") == []


def test_a_reconnect_catches_up_only_on_what_it_may_see(app, sockets, member, comms, intruder, channels):
    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, comms.id),
            "secret",
            "Operation Kestrel",
            members=[db.session.get(User, member.id)],
        )
        secret_id = secret.id
    since = last_seq(app)
    open_id = make_proposal(app, member, channels["x"])
    hidden_id = make_proposal(app, member, channels["x"], community_id=secret_id)
    outsider = sockets.connect(sign_in(app, intruder), auth={"last_seq": since})
    insider = sockets.connect(sign_in(app, member), auth={"last_seq": since})
    outsider_ids = {e["proposal_id"] for e in received(outsider) if e["_event"].startswith("proposal_")}
    insider_ids = {e["proposal_id"] for e in received(insider) if e["_event"].startswith("proposal_")}
    assert outsider_ids == {open_id} and insider_ids == {open_id, hidden_id}
