"""Proposal services: proposing (from a post or from scratch), channel length, alt text, objectives,
who can see it, editing with versions, endorsements and buy-in, suggestions and their word diffs."""

import pytest
from sqlalchemy import func, select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.models import Notification, Objective, Post, Proposal, User, utcnow
from app.proposals import buyin, services, suggestions
from app.proposals.diff import word_diff
from app.proposals.versions import versions
from tests import factories
from tests.api_helpers import post as make_post
from tests.proposal_helpers import GOOD, channels_fixture, load, make_proposal, proposal_input  # noqa: F401


def _user(person: User) -> User:
    return db.session.get(User, person.id)


def _errors(exc_info) -> dict:
    return exc_info.value.fields


# --- proposing ---------------------------------------------------------------------------------


def test_a_proposal_rides_on_a_post_of_kind_proposal_in_all_staff(app, ctx, member, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    db.session.commit()
    assert proposal.stage == "idea" and proposal.version == 1 and proposal.draft_version == 1
    assert proposal.post.kind == "proposal" and proposal.post.body_source == GOOD["why"]
    assert proposal.community.is_all_staff and proposal.post.community_id == proposal.community_id
    [version] = versions(proposal)
    assert version.summary == "Proposed" and version.snapshot["draft"] == GOOD["draft"]
    assert version.snapshot["channel"] == "X (Twitter)" and version.actor_id == member.id


def test_every_required_field_is_explained(ctx, member, channels):
    with pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(member), services.ProposalInput(None, "", "", "", ""))
    assert set(_errors(exc)) == {"channel_id", "draft", "why", "reputation_worst", "reputation_record"}
    assert db.session.scalar(select(func.count()).select_from(Proposal)) == 0


def test_the_x_limit_uses_xs_own_count(ctx, member, channels):
    cjk = "\u65e5" * 141  # 141 characters, 282 by X's count
    with pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(member), proposal_input(channels["x"], draft=cjk))
    assert (
        "282" in _errors(exc)["draft"] and "280" in _errors(exc)["draft"] and "Cut 2" in _errors(exc)["draft"]
    )
    # The same text is fine on Facebook, and a long link is fine on X: it counts 23.
    services.create_proposal(_user(member), proposal_input(channels["facebook"], draft=cjk))
    link = "Read more: https://www.northshire.police.uk/" + "a" * 400
    assert services.create_proposal(_user(member), proposal_input(channels["x"], draft=link)).id


def test_line_breaks_count_once_as_the_live_count_sees_them(ctx, member, channels):
    draft = "a" * 269 + "\r\n" * 10  # 280 with LF line breaks and the last letter; CRLF would be 290
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"], draft=draft + "b"))
    assert "\r" not in proposal.draft and len(proposal.draft) == 280


def test_drafts_have_a_ceiling_even_without_a_channel_limit(ctx, member, channels):
    with pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(member), proposal_input(channels["website"], draft="a" * 20_001))
    assert "20,000" in _errors(exc)["draft"]


def test_an_image_needs_alt_text_whether_ticked_or_linked(ctx, member, channels):
    for extra in (
        {"has_image": True},
        {"draft": "New bikes for the rural team https://cdn.example.com/bikes.jpg"},
    ):
        with pytest.raises(ValidationError) as exc:
            services.create_proposal(_user(member), proposal_input(channels["instagram"], **extra))
        assert "alt" in _errors(exc)["alt_text"]
    proposal = services.create_proposal(
        _user(member),
        proposal_input(
            channels["instagram"], draft="See https://cdn.example.com/b.png", alt_text="Two bikes."
        ),
    )
    assert proposal.has_image and proposal.alt_text == "Two bikes."


def test_the_objective_is_required_once_the_catalogue_has_any(ctx, member, channels):
    services.create_proposal(_user(member), proposal_input(channels["x"]))  # no catalogue yet: fine
    objective = Objective(name="Public trust and confidence")
    archived = Objective(name="Old objective", archived_at=utcnow())
    db.session.add_all([objective, archived])
    db.session.flush()
    with pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(member), proposal_input(channels["x"]))
    assert "objective" in _errors(exc)["objective_id"]
    with pytest.raises(ValidationError):
        services.create_proposal(_user(member), proposal_input(channels["x"], objective_id=archived.id))
    with pytest.raises(ValidationError):
        services.create_proposal(_user(member), proposal_input(channels["x"], objective_id=99_999))
    proposal = services.create_proposal(
        _user(member), proposal_input(channels["x"], objective_id=objective.id)
    )
    assert proposal.objective_id == objective.id and proposal.post.objective_id == objective.id
    assert [o.name for o in services.active_objectives()] == ["Public trust and confidence"]


def test_an_archived_channel_is_offered_no_more(ctx, member, channels):
    from app.models import ProposalChannel

    db.session.get(ProposalChannel, channels["press-release"]).archived_at = utcnow()
    with pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(member), proposal_input(channels["press-release"]))
    assert "channel_id" in _errors(exc)


def test_proposing_from_a_post_links_back_and_tells_its_author(app, member, comms, channels):
    post_id = make_post(app, comms, "Eastport PACT was packed tonight #eastport")
    proposal_id = make_proposal(app, member, channels["facebook"], source_post_id=post_id)
    with app.app_context():
        proposal = db.session.get(Proposal, proposal_id)
        assert proposal.source_post_id == post_id
        note = db.session.scalar(select(Notification).where(Notification.kind == "proposal_from_post"))
        assert note.user_id == comms.id and note.data["proposal_id"] == proposal_id


def test_a_private_post_stays_private_by_default(app, member, comms, intruder, channels):
    with app.app_context():
        private = factories.make_community(_user(comms), "private", "Comms Team", members=[_user(member)])
        private_id = private.id
    post_id = make_post(app, comms, "Draft statement on the Harbour case", private_id)
    proposal_id = make_proposal(app, member, channels["press-release"], source_post_id=post_id)
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).community_id == private_id
        with pytest.raises(NotFound):
            services.get_proposal(_user(intruder), proposal_id)
        with pytest.raises(NotFound):  # nor can the intruder propose from the private post
            services.create_proposal(_user(intruder), proposal_input(channels["x"]), post_id)


def test_you_can_only_share_where_you_can_post(app, ctx, member, comms, channels):
    private = factories.make_community(_user(comms), "private", "Force Executive")
    with pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(member), proposal_input(channels["x"], community_id=private.id))
    assert "community_id" in _errors(exc)
    with pytest.raises(ValidationError):
        services.create_proposal(_user(member), proposal_input(channels["x"], community_id=99_999))


def test_not_from_another_proposal(app, member, comms, channels):
    proposal = load(app, make_proposal(app, member, channels["x"]))
    with app.app_context(), pytest.raises(ValidationError) as exc:
        services.create_proposal(_user(comms), proposal_input(channels["x"]), proposal.post_id)
    assert "source_post_id" in exc.value.fields


# --- editing and versions ----------------------------------------------------------------------


def test_the_proposer_edits_and_every_edit_is_a_version(app, ctx, member, comms, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    services.edit_proposal(
        _user(member), proposal, proposal_input(channels["x"], draft="Shorter and better.")
    )
    services.edit_proposal(
        _user(member), proposal, proposal_input(channels["x"], draft="Shorter and better.")
    )
    assert proposal.version == 2 and proposal.draft_version == 2  # an edit with no change is not a version
    services.edit_proposal(
        _user(member),
        proposal,
        proposal_input(channels["x"], draft="Shorter and better.", why="Because we listen."),
    )
    assert proposal.post.body_source == "Because we listen."  # the thread's post says why, kept in step
    [v3, v2, v1] = versions(proposal)
    assert (v3.number, v3.changed, v2.changed) == (3, ["why"], ["draft"])
    assert v2.snapshot["draft"] == "Shorter and better." and v1.snapshot["draft"] == GOOD["draft"]
    with pytest.raises(PermissionDenied):
        services.edit_proposal(_user(comms), proposal, proposal_input(channels["x"], draft="Mine now"))


def test_approved_text_is_locked(app, ctx, member, comms, channels):
    from app.proposals.stages import move

    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    move(_user(comms), proposal, "review")
    move(_user(comms), proposal, "approved")
    with pytest.raises(PermissionDenied) as exc:
        services.edit_proposal(_user(member), proposal, proposal_input(channels["x"], draft="Changed"))
    assert "locked" in exc.value.message


def test_word_diff_segments():
    assert word_diff("Thanks to all who came", "Thank you to all who came") == [
        ("delete", "Thanks"),
        ("insert", "Thank you"),
        ("equal", " to all who came"),
    ]
    long = " ".join(f"w{i}" for i in range(60))
    shortened = word_diff(long, long + " end", context=3)
    assert ("skip", "\u2026") in shortened and shortened[-1] == ("insert", " end")


# --- endorsements and buy-in -------------------------------------------------------------------


def test_endorse_once_each_and_withdraw(app, ctx, member, comms, leader, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    assert buyin.endorse(_user(comms), proposal) == 1
    assert buyin.endorse(_user(comms), proposal) == 1  # twice is still once
    assert buyin.endorse(_user(leader), proposal) == 2
    with pytest.raises(PermissionDenied):
        buyin.endorse(_user(member), proposal)  # the proposer's support is taken as read
    assert buyin.endorse(_user(comms), proposal, False) == 1
    assert buyin.endorse(_user(comms), proposal, False) == 1


def test_buy_in_by_unit_and_role_and_whether_a_leader_endorsed(app, ctx, member, channels):
    response, cid = factories.make_unit("Response Policing"), factories.make_unit("CID")
    people = [
        factories.make_user(name="PC One", unit=response),
        factories.make_user(name="PC Two", unit=response),
        factories.make_user(name="DS Three", unit=cid, role="comms"),
    ]
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    for person in people:
        buyin.endorse(person, proposal)
    support = buyin.buy_in(_user(member), proposal)
    assert support.total == 3 and not support.leader_endorsed
    assert support.by_unit == [("Response Policing", 2), ("CID", 1)]
    assert support.by_role == [("Staff", 2), ("Comms team", 1)]
    chief = factories.make_user(name="Chief Constable", role="leader")
    buyin.endorse(chief, proposal)
    support = buyin.buy_in(chief, proposal)
    assert (
        support.leader_endorsed and [u.name for u in support.leaders] == ["Chief Constable"] and support.mine
    )
    assert buyin.counts_for([proposal.id]) == {proposal.id: (4, True)}


def test_endorsements_of_an_earlier_draft_are_counted_and_marked(app, ctx, member, comms, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    buyin.endorse(_user(comms), proposal)
    services.edit_proposal(_user(member), proposal, proposal_input(channels["x"], draft="A better draft."))
    assert buyin.buy_in(_user(member), proposal).earlier_draft == 1


# --- suggestions -------------------------------------------------------------------------------


def test_suggest_a_passage_then_accept_it_as_a_new_version(app, ctx, member, comms, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    row = suggestions.suggest(
        _user(comms), proposal, "Thank you to everyone who came to", "Thanks to the 60 people at"
    )
    assert (row.start, row.end, row.status) == (0, len("Thank you to everyone who came to"), "open")
    segments = suggestions.preview(proposal, row)
    assert ("insert", "Thanks") in segments and any(op == "delete" for op, _ in segments)
    note = db.session.scalar(select(Notification).where(Notification.kind == "proposal_suggestion"))
    assert note.user_id == member.id
    with pytest.raises(PermissionDenied):
        suggestions.accept(_user(comms), proposal, row)  # only the proposer accepts
    suggestions.accept(_user(member), proposal, row)
    assert proposal.draft.startswith("Thanks to the 60 people at the Eastport PACT meeting")
    assert row.status == "accepted" and proposal.version == 2
    assert versions(proposal)[0].summary == "Accepted Casey Comms's suggestion"
    with pytest.raises(ValidationError):
        suggestions.accept(_user(member), proposal, row)  # answered already


def test_a_whole_new_draft_and_a_dismissal(app, ctx, member, comms, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    row = suggestions.suggest(
        _user(comms), proposal, "", "Come to the next PACT meeting on 4 December.", "Shorter"
    )
    assert (row.start, row.end) == (0, len(GOOD["draft"]))
    suggestions.dismiss(_user(member), proposal, row)
    assert row.status == "dismissed" and proposal.draft == GOOD["draft"] and proposal.version == 1


@pytest.mark.parametrize(
    ("original", "replacement", "field", "words"),
    [
        ("Not in the draft at all", "x", "original", "isn't in the current draft"),
        ("e", "E", "original", "appears 5 times"),
        ("Eastport", "Eastport", "replacement", "already"),
        ("", "\u65e5" * 141, "replacement", "limit is 280"),
        ("", "   ", "replacement", "empty"),
    ],
)
def test_suggestions_that_cant_apply_are_explained(
    ctx, member, comms, channels, original, replacement, field, words
):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    with pytest.raises(ValidationError) as exc:
        suggestions.suggest(_user(comms), proposal, original, replacement)
    assert words in exc.value.fields[field]


def test_a_repeated_passage_uses_the_selected_offset(ctx, member, comms, channels):
    proposal = services.create_proposal(
        _user(member), proposal_input(channels["x"], draft="PACT one. PACT two.")
    )
    row = suggestions.suggest(_user(comms), proposal, "PACT", "Meeting", start=10)
    suggestions.accept(_user(member), proposal, row)
    assert proposal.draft == "PACT one. Meeting two."


def test_a_suggestion_follows_its_passage_through_later_edits_or_says_it_cant(ctx, member, comms, channels):
    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    moves_along = suggestions.suggest(_user(comms), proposal, "Next one", "The next one")
    gone = suggestions.suggest(_user(comms), proposal, "Thank you", "Thanks")
    services.edit_proposal(
        _user(member), proposal, proposal_input(channels["x"], draft="Hello. " + GOOD["draft"][10:])
    )
    suggestions.accept(_user(member), proposal, moves_along)
    assert "The next one: 4 December." in proposal.draft
    assert suggestions.applied(proposal, gone) is None
    with pytest.raises(ValidationError) as exc:
        suggestions.accept(_user(member), proposal, gone)
    assert "isn't there any more" in exc.value.fields["suggestion"]


def test_suggestions_close_with_the_review(app, ctx, member, comms, channels):
    from app.proposals.stages import move

    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    move(_user(comms), proposal, "review")
    move(_user(comms), proposal, "approved")
    with pytest.raises(PermissionDenied):
        suggestions.suggest(_user(comms), proposal, "", "Another idea")


def test_the_thread_is_an_ordinary_post(app, ctx, member, comms, channels):
    from app.posts.replies import create_reply

    proposal = services.create_proposal(_user(member), proposal_input(channels["x"]))
    reply = create_reply(_user(comms), proposal.post, "Love this: can we add the date of the next one?")
    assert db.session.get(Post, proposal.post_id).reply_count == 1 and reply.post_id == proposal.post_id
