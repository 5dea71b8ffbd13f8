"""Proposal pages through the test client: proposing from a post, errors beside fields with input kept,
every action's form, the board and its filters, exports, history, admins' pages, bad input, and who
sees what (the intruder never sees a proposal shared in a private community, nor its name)."""

import csv
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditEntry,
    Objective,
    Proposal,
    ProposalChannel,
    ProposalEndorsement,
    ProposalSuggestion,
    User,
)
from app.proposals import stages
from app.proposals.buyin import endorse
from tests import factories
from tests.api_helpers import post as make_post
from tests.proposal_helpers import GOOD, act, channels_fixture, load, make_proposal  # noqa: F401


def _form(channel_id: int, **overrides) -> dict:
    return {"channel_id": str(channel_id), **GOOD, **overrides}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _private_proposal(
    app, owner: User, proposer: User, channels: dict, name: str = "Operation Kestrel"
) -> int:
    with app.app_context():
        community = factories.make_community(
            db.session.get(User, owner.id), "secret", name, members=[db.session.get(User, proposer.id)]
        )
        community_id = community.id
    return make_proposal(app, proposer, channels["press-release"], community_id=community_id)


# --- proposing -------------------------------------------------------------------------------------


def test_the_post_menu_offers_to_propose_and_the_form_is_prefilled(
    app, client, login, member, comms, channels
):
    post_id = make_post(app, comms, "Sixty people at the Eastport PACT meeting tonight. #eastport")
    login(member)
    card = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f"/proposals/new?from_post={post_id}" in card and "Propose for a public channel" in card
    page = client.get(f"/proposals/new?from_post={post_id}").get_data(as_text=True)
    assert "Sixty people at the Eastport PACT meeting tonight. #eastport</textarea>" in page
    assert "Baltimore" in page and "Casey Comms's post" in page
    assert f'name="source_post_id" value="{post_id}"' in page


def test_propose_then_land_on_the_proposal(app, client, login, member, channels):
    login(member)
    response = client.post("/proposals", data=_form(channels["x"], sensitive="1"))
    assert response.status_code == 302
    with app.app_context():
        proposal = db.session.scalar(select(Proposal))
        assert proposal.sensitive and proposal.proposer_id == member.id
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert GOOD["draft"] in page and "Proposed. Colleagues can now endorse it" in page
    assert "a leader must sign off the current draft" in page


def test_errors_show_beside_each_field_and_keep_the_input(app, client, login, member, channels):
    login(member)
    response = client.post("/proposals", data=_form(channels["x"], draft="\u65e5" * 150, why=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-draft-error"' in page and "limit is 280" in page and 'id="f-why-error"' in page
    assert "\u65e5" * 150 in page and GOOD["reputation_worst"] in page
    with app.app_context():
        assert _count(Proposal) == 0


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"channel_id": "abc"},
        {"channel_id": "99999999999999999999"},
        {"channel_id": "-1", "draft": "x"},
        {"objective_id": "1e9", "community_id": "x"},
        {"draft": "\x00" * 10},
        {"draft": "a" * 100_000, "why": "b" * 100_000},
    ],
)
def test_bad_input_is_a_clear_422_and_nothing_is_stored(app, client, login, member, channels, data):
    login(member)
    response = client.post(
        "/proposals",
        data={**({"channel_id": str(channels["x"])} if "channel_id" not in data else {}), **data},
    )
    assert response.status_code == 422
    with app.app_context():
        assert _count(Proposal) == 0


def test_unknown_and_huge_ids_are_404s(client, login, member, channels):
    login(member)
    for path in (
        "/proposals/99999",
        "/proposals/99999999999999999999",
        "/proposals/new?from_post=99999",
        "/proposals/99999/card",
        "/proposals/99999/live",
        "/proposals/99999/export.txt",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/proposals/99999/endorse").status_code == 404
    assert client.post("/proposals", data={"source_post_id": "99999"}).status_code == 404


# --- actions through the pages ---------------------------------------------------------------------


def test_endorse_and_withdraw_from_the_page(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(comms)
    assert client.post(f"/proposals/{proposal_id}/endorse", data={"endorsed": "1"}).status_code == 302
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "data-endorsement-count>1<" in page and "Endorsed · withdraw" in page
    fragment = client.post(
        f"/proposals/{proposal_id}/endorse", data={"endorsed": "0"}, headers={"X-Requested-With": "fetch"}
    )
    assert fragment.status_code == 200 and "data-endorsement-count>0<" in fragment.get_data(as_text=True)
    login(member)  # the proposer
    response = client.post(f"/proposals/{proposal_id}/endorse", data={"endorsed": "1"})
    assert response.status_code == 403


def test_suggest_then_the_proposer_accepts(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(comms)
    response = client.post(
        f"/proposals/{proposal_id}/suggestions",
        data={
            "original": "Next one: 4 December.",
            "replacement": "The next one is on 4 December.",
            "note": "Clearer",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert '<ins><span class="visually-hidden">added: </span>' in page and "“Clearer”" in page
    with app.app_context():
        suggestion_id = db.session.scalar(select(ProposalSuggestion.id))
    assert client.post(f"/proposals/{proposal_id}/suggestions/{suggestion_id}/accept").status_code == 403
    login(member)
    assert client.post(f"/proposals/{proposal_id}/suggestions/{suggestion_id}/accept").status_code == 302
    assert load(app, proposal_id).draft.endswith("The next one is on 4 December.")
    assert client.post(f"/proposals/{proposal_id}/suggestions/{suggestion_id}/nonsense").status_code == 404


def test_a_suggestion_error_reshows_the_page_with_the_form_open(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(comms)
    response = client.post(
        f"/proposals/{proposal_id}/suggestions", data={"original": "Not there", "replacement": "x"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "in the current draft" in page
    assert '<details class="suggest-form" open data-suggest>' in page
    assert ">Not there</textarea>" in page


def test_comms_move_a_proposal_through_every_stage_on_the_page(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(comms)
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "Start review" in page and "Decline…" in page and "Mark sensitive" in page
    for data in (
        {"stage": "review"},
        {"stage": "approved"},
        {"stage": "scheduled", "scheduled_for": "2026-12-04T09:30"},
        {"stage": "published", "public_url": "https://x.com/NorthshirePolice/status/42"},
    ):
        response = client.post(f"/proposals/{proposal_id}/move", data=data)
        assert response.status_code == 302, data
    proposal = load(app, proposal_id)
    assert proposal.stage == "published" and proposal.scheduled_for.hour == 9
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "Final text for X (Twitter)" in page and "Copy final text" in page and "Public results" in page
    assert "Mark sensitive" not in page and "Clear the sensitive flag" not in page  # too late to flag
    response = client.post(
        f"/proposals/{proposal_id}/results", data={"reach": "12,400", "engagements": "310"}
    )
    assert response.status_code == 302 and load(app, proposal_id).reach == 12_400
    response = client.post(f"/proposals/{proposal_id}/results", data={"reach": "lots"})
    assert response.status_code == 422 and "whole number" in response.get_data(as_text=True)


def test_a_decline_without_a_reason_shows_the_error_in_its_form(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(comms)
    response = client.post(f"/proposals/{proposal_id}/move", data={"stage": "declined", "reason": ""})
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and 'id="live-reason-error"' in page
        and 'details class="stage-action" open' in page
    )
    response = client.post(
        f"/proposals/{proposal_id}/move", data={"stage": "scheduled", "scheduled_for": "soon"}
    )
    assert response.status_code == 422
    assert (
        client.post(
            f"/proposals/{proposal_id}/move", data={"stage": "declined", "reason": "Not the right time."}
        ).status_code
        == 302
    )
    login(member)
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "Not the right time." in page and "Resubmit" in page


def test_members_cannot_move_stages_from_the_page(app, client, login, member, intruder, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(intruder)
    assert client.post(f"/proposals/{proposal_id}/move", data={"stage": "review"}).status_code == 403
    assert client.post(f"/proposals/{proposal_id}/sensitive", data={"sensitive": "1"}).status_code == 403
    assert client.post(f"/proposals/{proposal_id}/signoff", data={"signed": "1"}).status_code == 403
    assert load(app, proposal_id).stage == "idea"


def test_sensitive_sign_off_and_asking_a_leader_from_the_page(
    app, client, login, member, comms, leader, channels
):
    proposal_id = make_proposal(app, member, channels["x"], sensitive=True)
    act(app, proposal_id, comms, stages.move, "review")
    login(comms)
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert (
        "Ask a leader to sign it off" in page
        and "Lee Leader" in page
        and "Needs a leader's sign-off first" in page
    )
    response = client.post(f"/proposals/{proposal_id}/move", data={"stage": "approved"})
    assert response.status_code == 422 and "leader must sign off" in response.get_data(as_text=True)
    assert (
        client.post(
            f"/proposals/{proposal_id}/signoff-request", data={"leader_id": str(leader.id)}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/proposals/{proposal_id}/signoff-request", data={"leader_id": "x"}).status_code == 422
    )
    login(leader)
    assert client.post(f"/proposals/{proposal_id}/signoff", data={"signed": "1"}).status_code == 302
    login(comms)
    assert client.post(f"/proposals/{proposal_id}/move", data={"stage": "approved"}).status_code == 302


def test_the_proposer_edits_with_errors_kept_and_the_history_shows_a_diff(
    app, client, login, member, comms, channels
):
    proposal_id = make_proposal(app, member, channels["x"])
    login(member)
    form = client.get(f"/proposals/{proposal_id}/edit").get_data(as_text=True)
    assert GOOD["draft"] in form and "Save as a new version" in form
    bad = client.post(f"/proposals/{proposal_id}/edit", data=_form(channels["x"], draft=""))
    assert bad.status_code == 422 and "Write the text" in bad.get_data(as_text=True)
    new_draft = GOOD["draft"].replace("Thank you", "Thanks")
    assert (
        client.post(f"/proposals/{proposal_id}/edit", data=_form(channels["x"], draft=new_draft)).status_code
        == 302
    )
    history = client.get(f"/proposals/{proposal_id}/versions").get_data(as_text=True)
    assert "Version 2" in history and "Edited draft" in history
    compare = client.get(f"/proposals/{proposal_id}/compare?from=1&to=2").get_data(as_text=True)
    assert '<del><span class="visually-hidden">removed: </span>Thank you</del>' in compare
    assert '<ins><span class="visually-hidden">added: </span>Thanks</ins>' in compare
    assert client.get(f"/proposals/{proposal_id}/compare?from=1&to=9").status_code == 404
    assert client.get(f"/proposals/{proposal_id}/compare?from=x&to=y").status_code == 200
    login(comms)
    assert client.get(f"/proposals/{proposal_id}/edit").status_code == 403


# --- the board, exports ----------------------------------------------------------------------------


def test_the_board_has_a_column_per_stage_and_filters(app, client, login, member, comms, channels):
    with app.app_context():
        unit = factories.make_unit("Eastport Neighbourhood Team")
        objective = Objective(name="Community safety")
        db.session.add(objective)
        db.session.commit()
        unit_id, objective_id = unit.id, objective.id
        db.session.get(User, comms.id).unit_id = unit_id
        db.session.commit()
    on_x = make_proposal(app, member, channels["x"], objective_id=objective_id, draft="On X about safety")
    on_facebook = make_proposal(
        app, comms, channels["facebook"], objective_id=objective_id, draft="On Facebook"
    )
    act(app, on_facebook, comms, stages.move, "review")
    login(member)
    page = client.get("/proposals").get_data(as_text=True)
    for stage in ("idea", "review", "approved", "scheduled", "published", "declined"):
        assert f'data-stage-cards="{stage}"' in page
    assert f'id="proposal-card-{on_x}"' in page and f'id="proposal-card-{on_facebook}"' in page
    only_x = client.get(f"/proposals?channel={channels['x']}").get_data(as_text=True)
    assert f'id="proposal-card-{on_x}"' in only_x and f'id="proposal-card-{on_facebook}"' not in only_x
    by_unit = client.get(f"/proposals?unit={unit_id}").get_data(as_text=True)
    assert f'id="proposal-card-{on_facebook}"' in by_unit and f'id="proposal-card-{on_x}"' not in by_unit
    mine = client.get("/proposals?mine=1").get_data(as_text=True)
    assert f'id="proposal-card-{on_x}"' in mine and f'id="proposal-card-{on_facebook}"' not in mine
    assert client.get("/proposals?channel=nonsense&unit=99999999999999999999").status_code == 200
    assert client.get(f"/proposals/{on_facebook}/card?channel={channels['x']}").status_code == 404
    assert client.get(f"/proposals/{on_facebook}/card").status_code == 200


def test_the_board_is_a_fixed_number_of_queries(app, client, login, member, comms, count_queries, channels):
    def board_queries() -> int:
        with count_queries() as n:
            assert client.get("/proposals").status_code == 200
        return n()

    login(member)
    make_proposal(app, comms, channels["x"])
    few = board_queries()
    for i in range(6):
        proposal_id = make_proposal(app, comms, channels["facebook"], draft=f"Proposal {i}")
        act(app, proposal_id, member, endorse)
        if i % 2:
            act(app, proposal_id, comms, stages.move, "review")
    assert board_queries() == few


def test_a_feed_of_proposal_posts_is_a_fixed_number_of_queries(
    app, client, login, member, comms, count_queries, channels
):
    def home_queries() -> int:
        with count_queries() as n:
            page = client.get("/")
            assert page.status_code == 200
        return n()

    login(member)
    make_proposal(app, comms, channels["x"])
    few = home_queries()
    for i in range(5):
        make_proposal(app, comms, channels["x"], draft=f"Another {i}")
    assert home_queries() == few
    assert "Open the proposal" in client.get("/").get_data(as_text=True)


def test_exports_text_and_csv_safe_for_spreadsheets(app, client, login, member, comms, channels):
    proposal_id = make_proposal(
        app,
        member,
        channels["instagram"],
        draft='=HYPERLINK("http://evil") come along',
        has_image=True,
        alt_text="A PCSO.",
    )
    login(comms)
    text = client.get(f"/proposals/{proposal_id}/export.txt")
    assert text.mimetype == "text/plain" and "attachment" in text.headers["Content-Disposition"]
    assert (
        text.get_data(as_text=True)
        == '=HYPERLINK("http://evil") come along\n\n---\nImage description (alt text):\nA PCSO.\n'
    )
    response = client.get("/proposals/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv" and rows[0][0] == "id" and len(rows) == 2
    assert rows[1][rows[0].index("text")].startswith("'=HYPERLINK")
    assert rows[1][rows[0].index("alt_text")] == "A PCSO."


def test_the_review_list_is_for_comms(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(member)
    assert client.get("/proposals/review").status_code == 403
    login(comms)
    page = client.get("/proposals/review").get_data(as_text=True)
    assert f"/proposals/{proposal_id}" in page


# --- who sees what ---------------------------------------------------------------------------------


def test_the_intruder_never_sees_a_proposal_in_a_secret_community(
    app, client, login, comms, member, intruder, channels
):
    proposal_id = _private_proposal(app, comms, member, channels)
    login(intruder)
    for path in (
        f"/proposals/{proposal_id}",
        f"/proposals/{proposal_id}/live",
        f"/proposals/{proposal_id}/card",
        f"/proposals/{proposal_id}/versions",
        f"/proposals/{proposal_id}/export.txt",
        f"/posts/{load(app, proposal_id).post_id}",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        f"/proposals/{proposal_id}/endorse",
        f"/proposals/{proposal_id}/suggestions",
        f"/proposals/{proposal_id}/move",
    ):
        assert client.post(path, data={"replacement": "x", "stage": "review"}).status_code == 404, path
    for path in ("/proposals", "/proposals/export.csv", "/proposals?mine=1", "/"):
        body = client.get(path).get_data(as_text=True)
        assert "Operation Kestrel" not in body and GOOD["draft"] not in body, path
    with app.app_context():
        assert _count(ProposalEndorsement) == 0
    login(member)
    assert GOOD["draft"] in client.get("/proposals").get_data(as_text=True)
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "none of them is a leader" in page  # a warning: it can't be signed off there


# --- admins: channels and the webhook --------------------------------------------------------------


def test_admins_edit_channels(app, client, login, admin, comms, channels):
    login(comms)
    assert client.get("/proposals/channels").status_code == 403
    assert client.post("/proposals/channels", data={"name": "LinkedIn"}).status_code == 403
    login(admin)
    page = client.get("/proposals/channels").get_data(as_text=True)
    assert "X (Twitter)" in page and "Press release" in page
    response = client.post(
        "/proposals/channels",
        data={"name": "LinkedIn", "char_limit": "3,000", "counting": "characters", "notes": "Professional."},
    )
    assert response.status_code == 302
    bad = client.post("/proposals/channels", data={"name": "", "char_limit": "lots", "counting": "x"})
    assert bad.status_code == 422 and "whole number" in bad.get_data(as_text=True)
    with app.app_context():
        linkedin = db.session.scalar(select(ProposalChannel).where(ProposalChannel.name == "LinkedIn"))
        assert (linkedin.char_limit, linkedin.slug) == (3000, "linkedin")
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "proposal_channel.created"))
        assert (audit.actor_id, audit.target_id) == (admin.id, linkedin.id)
    response = client.post(
        f"/proposals/channels/{channels['x']}",
        data={"name": "X", "char_limit": "280", "counting": "x_weighted", "notes": "", "archived": "1"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ProposalChannel, channels["x"]).archived_at is not None
    assert client.post("/proposals/channels/99999", data={"name": "x"}).status_code == 404
    bad = client.post(
        f"/proposals/channels/{channels['x']}",
        data={"name": "X", "char_limit": "0", "counting": "x_weighted"},
    )
    assert bad.status_code == 422


def test_admins_configure_the_webhook_and_the_generated_secret_is_shown_once(
    app, client, login, admin, member
):
    login(member)
    assert client.get("/proposals/webhook").status_code == 403
    login(admin)
    bad = client.post(
        "/proposals/webhook", data={"url": "http://127.0.0.1:9/hook", "enabled": "1", "generate": "1"}
    )
    assert bad.status_code == 422 and "private network" in bad.get_data(as_text=True)
    bad = client.post("/proposals/webhook", data={"url": "ftp://example.com/", "enabled": "1"})
    assert bad.status_code == 422 and "http:// or https://" in bad.get_data(as_text=True)
    page = client.post("/proposals/webhook", data={"url": "", "generate": "1"})
    assert page.status_code == 200 and "Your new signing secret" in page.get_data(as_text=True)
    assert "Your new signing secret" not in client.get("/proposals/webhook").get_data(as_text=True)
    assert "A secret is set" in client.get("/proposals/webhook").get_data(as_text=True)
    assert client.post("/proposals/webhook/test").status_code == 302  # off: nothing queued, says so


# --- the thread, notifications and fragments -------------------------------------------------------


def test_replying_on_the_proposal_page_comes_back_to_it(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    post_id = load(app, proposal_id).post_id
    login(comms)
    next_url = f"/proposals/{proposal_id}#thread"
    response = client.post(
        f"/posts/{post_id}/replies", data={"body": "Can we add the time?", "next": next_url}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(next_url)
    assert "Can we add the time?" in client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    offsite = client.post(f"/posts/{post_id}/replies", data={"body": "Again", "next": "//evil.example/"})
    assert "evil.example" not in offsite.headers["Location"]


def test_a_proposals_post_card_links_to_it_and_only_moderators_remove_it(
    app, client, login, member, moderator, channels
):
    proposal_id = make_proposal(app, member, channels["x"])
    post_id = load(app, proposal_id).post_id
    login(member)
    card = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f"/proposals/{proposal_id}" in card and "Proposed for <strong>X (Twitter)</strong>" in card
    assert f"/posts/{post_id}/edit" not in card and f"/posts/{post_id}/delete" not in card
    assert "Propose for a public channel" not in card  # not a proposal of a proposal
    login(moderator)
    assert f"/posts/{post_id}/delete" in client.get(f"/posts/{post_id}").get_data(as_text=True)


def test_every_notification_kind_renders(app, client, login, member, comms, leader, channels):
    from datetime import UTC, datetime

    from app.models import ProposalSuggestion
    from app.proposals import suggestions as suggestion_services
    from app.proposals.weekly import send_weekly_review

    post_id = make_post(app, member, "The PACT meeting was packed")
    proposal_id = make_proposal(app, comms, channels["x"], source_post_id=post_id, sensitive=True)
    row = act(app, proposal_id, member, suggestion_services.suggest, "", "A new draft")
    suggestion_id = row.id
    with app.app_context():
        suggestion_services.accept(
            db.session.get(User, comms.id),
            db.session.get(Proposal, proposal_id),
            db.session.get(ProposalSuggestion, suggestion_id),
        )
        db.session.commit()
    with app.app_context():
        stages.request_sign_off(
            db.session.get(User, comms.id),
            db.session.get(Proposal, proposal_id),
            db.session.get(User, leader.id),
        )
        db.session.commit()
        send_weekly_review(datetime(2026, 11, 30, 9, tzinfo=UTC))
    act(app, proposal_id, comms, stages.move, "declined", reason="Not yet.")
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    assert "proposed your post for X (Twitter)" in page and "accepted your suggested edit" in page
    login(comms)
    page = client.get("/notifications").get_data(as_text=True)
    assert "suggested an edit to" in page and "ready for review" in page
    login(leader)
    assert "asks you to sign off a sensitive proposal" in client.get("/notifications").get_data(as_text=True)


def test_script_driven_actions_answer_json_errors_and_fragments(app, client, login, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    login(comms)
    fetch = {"X-Requested-With": "fetch"}
    bad = client.post(f"/proposals/{proposal_id}/move", data={"stage": "declined"}, headers=fetch)
    assert bad.status_code == 422 and "reason" in bad.get_json()["error"]["fields"]
    good = client.post(f"/proposals/{proposal_id}/move", data={"stage": "review"}, headers=fetch)
    assert good.status_code == 200 and 'id="proposal-live-' in good.get_data(as_text=True)
    assert "Stage: In review" in client.get(f"/proposals/{proposal_id}/live").get_data(as_text=True)


def test_a_proposals_thread_post_cant_be_edited_as_a_post(app, client, login, member, channels):
    """Its text is the proposal's "why": the post edit page and the API refuse, the proposal page edits it."""
    proposal_id = make_proposal(app, member, channels["x"])
    post_id = load(app, proposal_id).post_id
    login(member)
    assert client.get(f"/posts/{post_id}/edit").status_code == 403
    assert (
        client.post(f"/posts/{post_id}/edit", data={"body": "changed behind the proposal"}).status_code == 403
    )
    with app.app_context():
        from app.models import Post

        assert db.session.get(Post, post_id).body_source == GOOD["why"]
