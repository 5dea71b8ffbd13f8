"""The proposals API: create, get, list, endorse, suggest, decide, transition, sign off, results,
versions and export, with the same rules as the pages, JSON errors, and the OpenAPI description."""

import pytest

from app.extensions import db
from app.models import User
from tests import factories
from tests.api_helpers import api_factory, error_fields  # noqa: F401
from tests.api_helpers import post as make_post
from tests.proposal_helpers import GOOD, channels_fixture, make_proposal  # noqa: F401


def _body(channel_id: int, **overrides) -> dict:
    return {"channel_id": channel_id, **GOOD, **overrides}


def test_create_get_and_list(app, api, member, comms, channels):
    post_id = make_post(app, comms, "Sixty people at PACT")
    client = api(member)
    response = client.post("/proposals", json=_body(channels["x"], source_post_id=post_id, sensitive=True))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/proposals/{created['id']}")
    assert (
        created["stage"] == "idea"
        and created["channel"]["slug"] == "x"
        and created["length"] == len(GOOD["draft"])
    )
    assert created["source_post_id"] == post_id and created["sensitive"] and not created["signed_off"]
    assert created["proposer"]["id"] == member.id and created["community"]["slug"] == "all-staff"
    assert client.get(f"/proposals/{created['id']}").get_json() == created
    listed = api(comms).get("/proposals").get_json()
    assert [p["id"] for p in listed["items"]] == [created["id"]] and listed["next_cursor"] is None
    assert api(comms).get("/proposals?stage=review").get_json()["items"] == []
    assert api(comms).get("/proposals?stage=bogus").status_code == 422
    assert api(comms).get(f"/proposals?channel={channels['facebook']}").get_json()["items"] == []
    channels_list = client.get("/proposals/channels").get_json()["items"]
    assert [c["slug"] for c in channels_list] == ["x", "facebook", "instagram", "website", "press-release"]


def test_list_pages_by_cursor(app, api, member, channels):
    ids = [make_proposal(app, member, channels["x"], draft=f"Draft {i}") for i in range(3)]
    first = api(member).get("/proposals?limit=2").get_json()
    assert [p["id"] for p in first["items"]] == ids[::-1][:2]
    second = api(member).get(f"/proposals?limit=2&cursor={first['next_cursor']}").get_json()
    assert [p["id"] for p in second["items"]] == [ids[0]] and second["next_cursor"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"draft": 5}, "draft"),
        ({"channel_id": "1"}, "channel_id"),
        ({"channel_id": True}, "channel_id"),
        ({"channel_id": 2**40}, "channel_id"),
        ({"has_image": "yes"}, "has_image"),
        ({"draft": "\u65e5" * 141}, "draft"),
        ({"why": ""}, "why"),
        ({"community_id": 99999}, "community_id"),
    ],
)
def test_bad_bodies_are_422_with_fields(app, api, member, channels, body, field):
    response = api(member).post("/proposals", json={**_body(channels["x"]), **body})
    assert response.status_code == 422
    assert field in error_fields(response)


def test_not_json_is_400_and_read_tokens_cannot_write(api, member, channels):
    assert (
        api(member).post("/proposals", data="nope", headers={"Content-Type": "application/json"}).status_code
        == 400
    )
    assert api(member, scope="read").post("/proposals", json=_body(channels["x"])).status_code == 403


def test_endorse_suggest_accept_through_the_api(app, api, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    colleague = api(comms)
    assert colleague.put(f"/proposals/{proposal_id}/endorsement").get_json() == {
        "endorsements": 1,
        "endorsed_by_me": True,
        "leader_endorsed": False,
    }
    assert colleague.get(f"/proposals/{proposal_id}").get_json()["endorsed_by_me"] is True
    assert api(member).put(f"/proposals/{proposal_id}/endorsement").status_code == 403
    response = colleague.post(
        f"/proposals/{proposal_id}/suggestions", json={"original": "Next one", "replacement": "The next one"}
    )
    assert response.status_code == 201
    suggestion = response.get_json()
    assert suggestion["status"] == "open" and suggestion["applies"]
    assert colleague.post(f"/proposals/{proposal_id}/suggestions", json={"replacement": 3}).status_code == 422
    assert (
        colleague.post(
            f"/proposals/{proposal_id}/suggestions", json={"replacement": "x", "start": -1}
        ).status_code
        == 422
    )
    decide = f"/proposals/{proposal_id}/suggestions/{suggestion['id']}/decision"
    assert colleague.post(decide, json={"decision": "accept"}).status_code == 403
    assert api(member).post(decide, json={"decision": "maybe"}).status_code == 422
    accepted = api(member).post(decide, json={"decision": "accept"}).get_json()
    assert "The next one: 4 December." in accepted["draft"] and accepted["version"] == 2
    listed = colleague.get(f"/proposals/{proposal_id}/suggestions").get_json()["items"]
    assert [s["status"] for s in listed] == ["accepted"]
    assert colleague.delete(f"/proposals/{proposal_id}/endorsement").status_code == 204
    assert colleague.get(f"/proposals/{proposal_id}").get_json()["endorsements"] == 0
    assert (
        colleague.post(
            f"/proposals/{proposal_id}/suggestions/99999/decision", json={"decision": "accept"}
        ).status_code
        == 404
    )


def test_transitions_sign_off_results_versions_and_export(app, api, member, comms, leader, channels):
    proposal_id = make_proposal(app, member, channels["x"], sensitive=True)
    team = api(comms)
    move = f"/proposals/{proposal_id}/transition"
    assert api(member).post(move, json={"stage": "review"}).status_code == 403
    assert team.post(move, json={"stage": "teleported"}).status_code == 422
    assert team.post(move, json={"stage": "review"}).get_json()["stage"] == "review"
    blocked = team.post(move, json={"stage": "approved"})
    assert blocked.status_code == 422 and "leader must sign off" in error_fields(blocked)["stage"]
    assert team.post(f"/proposals/{proposal_id}/signoff", json={"signed": True}).status_code == 403
    assert api(leader).post(f"/proposals/{proposal_id}/signoff", json={"signed": "yes"}).status_code == 422
    assert (
        api(leader).post(f"/proposals/{proposal_id}/signoff", json={"signed": True}).get_json()["signed_off"]
    )
    assert team.post(move, json={"stage": "approved"}).get_json()["stage"] == "approved"
    assert team.post(move, json={"stage": "scheduled", "scheduled_for": 5}).status_code == 422
    assert team.post(move, json={"stage": "scheduled", "scheduled_for": "Friday"}).status_code == 422
    scheduled = team.post(
        move, json={"stage": "scheduled", "scheduled_for": "2026-12-04T09:30:00Z"}
    ).get_json()
    assert scheduled["scheduled_for"] == "2026-12-04T09:30:00Z"
    published = team.post(
        move, json={"stage": "published", "public_url": "https://x.com/n/status/1"}
    ).get_json()
    assert published["stage"] == "published" and published["public_url"] == "https://x.com/n/status/1"
    results = f"/proposals/{proposal_id}/results"
    assert api(member).put(results, json={"reach": 10}).status_code == 403
    assert team.put(results, json={"reach": "10"}).status_code == 422
    assert team.put(results, json={"reach": -5}).status_code == 422
    recorded = team.put(results, json={"reach": 12400, "engagements": 310}).get_json()
    assert (recorded["reach"], recorded["engagements"], recorded["public_url"]) == (
        12400,
        310,
        "https://x.com/n/status/1",
    )
    versions = team.get(f"/proposals/{proposal_id}/versions").get_json()["items"]
    assert [v["number"] for v in versions] == list(range(len(versions), 0, -1))
    assert versions[-1]["summary"] == "Proposed" and versions[0]["changed"] == ["reach", "engagements"]
    exported = team.get(f"/proposals/{proposal_id}/export").get_json()
    assert (
        exported["approved"]
        and exported["text"] == GOOD["draft"]
        and exported["plain_text"] == GOOD["draft"] + "\n"
    )


def test_declining_through_the_api_needs_a_reason(app, api, member, comms, channels):
    proposal_id = make_proposal(app, member, channels["x"])
    move = f"/proposals/{proposal_id}/transition"
    assert "reason" in error_fields(api(comms).post(move, json={"stage": "declined"}))
    declined = (
        api(comms).post(move, json={"stage": "declined", "reason": "Wait for the court result."}).get_json()
    )
    assert declined["decline_reason"] == "Wait for the court result."
    assert api(member).post(move, json={"stage": "idea"}).get_json()["stage"] == "idea"


def test_the_api_hides_what_the_intruder_may_not_see(app, api, comms, member, intruder, channels):
    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, comms.id),
            "secret",
            "Operation Kestrel",
            members=[db.session.get(User, member.id)],
        )
        secret_id = secret.id
    proposal_id = make_proposal(app, member, channels["press-release"], community_id=secret_id)
    client = api(intruder)
    for path in ("", "/suggestions", "/versions", "/export"):
        response = client.get(f"/proposals/{proposal_id}{path}")
        assert response.status_code == 404 and "Kestrel" not in response.get_data(as_text=True)
    assert client.put(f"/proposals/{proposal_id}/endorsement").status_code == 404
    assert client.post(f"/proposals/{proposal_id}/transition", json={"stage": "review"}).status_code == 404
    assert client.get("/proposals").get_json()["items"] == []
    assert [p["id"] for p in api(member).get("/proposals").get_json()["items"]] == [proposal_id]


def test_openapi_describes_the_proposals_api(api, member):
    doc = api(member).get("/openapi.json").get_json()
    create = doc["paths"]["/api/v1/proposals"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProposalCreate"
    }
    assert "201" in create["responses"]
    for path in (
        "/api/v1/proposals/{proposal_id}/transition",
        "/api/v1/proposals/{proposal_id}/export",
        "/api/v1/proposals/{proposal_id}/endorsement",
        "/api/v1/proposals/{proposal_id}/suggestions",
    ):
        assert path in doc["paths"], path
    assert {"Proposal", "ProposalChannel", "Suggestion", "Transition", "Results"} <= set(
        doc["components"]["schemas"]
    )
