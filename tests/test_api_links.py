"""The links API: create, list, get, save and unsave, my saved links, click stats."""

from app.extensions import db
from app.links import curators
from app.models import User
from tests.api_helpers import api_factory, community, error_fields  # noqa: F401
from tests.links_helpers import post_id_of, share

BODY = {"url": "https://example.org/guide?utm_source=x", "why": "Saves every new starter an hour."}


def test_comms_officers_create_links_and_get_them_back(app, api, comms, member):
    client = api(comms)
    response = client.post("/links", json={**BODY, "title": "Starter guide", "topics": ["#Onboarding"]})
    assert response.status_code == 201, response.get_json()
    link = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/links/{link['id']}")
    assert link["title"] == "Starter guide" and link["topics"] == ["onboarding"]
    assert link["why"] == BODY["why"] + "\n\n#onboarding" and "<p>" in link["why_html"]
    assert link["community"]["name"] == "All staff" and link["curator"]["name"] == "Casey Comms"
    assert link["preview"] == {"status": "pending", "image_url": None}
    assert link["go_url"].endswith(f"/links/{link['id']}/go") and link["saved"] is False
    doc = client.get("/openapi.json").get_json()
    assert set(link) == set(doc["components"]["schemas"]["Link"]["properties"])
    assert api(member).get(f"/links/{link['id']}").get_json()["id"] == link["id"]


def test_members_cannot_create_links_and_read_tokens_cannot_write(app, api, member, comms):
    assert api(member).post("/links", json=BODY).status_code == 403
    assert api(comms, "read").post("/links", json=BODY).status_code == 403


def test_bad_bodies_are_refused_with_field_messages(app, api, comms):
    client = api(comms)
    assert client.post("/links", data="not json").status_code == 400
    assert client.post("/links", json=[1, 2]).status_code == 400
    cases = [
        ({}, {"url", "why"}),
        ({**BODY, "url": 7}, {"url"}),
        ({**BODY, "url": "javascript:alert(1)"}, {"url"}),
        ({**BODY, "why": "w" * 3000}, {"why"}),
        ({**BODY, "topics": "not-a-list"}, {"topics"}),
        ({**BODY, "topics": [1]}, {"topics"}),
        ({**BODY, "community_ids": [0]}, {"community_ids"}),
        ({**BODY, "community_ids": ["1"]}, {"community_ids"}),
        ({**BODY, "community_ids": [2**40]}, {"community_ids"}),
        ({**BODY, "community_ids": 5}, {"community_ids"}),
        ({**BODY, "objective_id": True}, {"objective_id"}),
        ({**BODY, "allow_duplicate": "yes"}, {"allow_duplicate"}),
    ]
    for body, fields in cases:
        response = client.post("/links", json=body)
        assert response.status_code == 422, body
        assert fields <= set(error_fields(response)), (body, error_fields(response))
    assert client.get("/links").get_json()["items"] == []


def test_a_re_share_is_refused_unless_asked_for(app, api, comms):
    client = api(comms)
    first = client.post("/links", json=BODY).get_json()["id"]
    again = client.post("/links", json={**BODY, "url": "https://EXAMPLE.org/guide/"})
    assert again.status_code == 422
    fields = error_fields(again)
    assert "already shared this" in fields["url"] and str(first) in fields["allow_duplicate"]
    assert client.post("/links", json={**BODY, "allow_duplicate": True}).status_code == 201


def test_several_communities_share_one_share_id(app, api, comms):
    ids = [community(app, comms, name=name) for name in ("Response", "Roads policing")]
    created = api(comms).post("/links", json={**BODY, "community_ids": ids}).get_json()
    items = api(comms).get(f"/links?share_id={created['share_id']}").get_json()["items"]
    assert sorted(item["community"]["id"] for item in items) == sorted(ids)


def test_list_filters_and_pages(app, api, comms, leader, member):
    with app.app_context():
        curators.grant_curator(db.session.get(User, comms.id), db.session.get(User, leader.id))
        db.session.commit()
    mine = [share(app, comms, f"https://example.org/{i}", topics="#data") for i in range(3)]
    theirs = share(app, leader, "https://example.org/leader")
    client = api(member)
    assert [i["id"] for i in client.get("/links").get_json()["items"]] == [theirs, *reversed(mine)]
    assert [i["id"] for i in client.get("/links?topic=data").get_json()["items"]] == list(reversed(mine))
    assert [i["id"] for i in client.get(f"/links?curator_id={leader.id}").get_json()["items"]] == [theirs]
    first = client.get("/links?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"] == mine[2]
    rest = client.get(f"/links?limit=2&cursor={first['next_cursor']}").get_json()
    assert [i["id"] for i in rest["items"]] == [mine[1], mine[0]] and rest["next_cursor"] is None
    assert client.get("/links?curator_id=banana").status_code == 422
    assert client.get("/links/99999").status_code == 404


def test_save_unsave_and_my_saved_links(app, api, comms, member):
    link_id = share(app, comms)
    client = api(member)
    assert client.put(f"/links/{link_id}/save").get_json() == {"saved": True}
    assert client.put(f"/links/{link_id}/save").status_code == 200  # idempotent
    assert client.get(f"/links/{link_id}").get_json()["saved"] is True
    assert [i["id"] for i in client.get("/links/saved").get_json()["items"]] == [link_id]
    assert client.delete(f"/links/{link_id}/save").status_code == 204
    assert client.delete(f"/links/{link_id}/save").status_code == 204
    assert client.get("/links/saved").get_json()["items"] == []


def test_click_stats_for_comms_and_the_curator_only(app, api, client, login, comms, member, leader):
    link_id = share(app, comms)
    login(member)
    client.get(f"/links/{link_id}/go")
    client.get(f"/links/{link_id}/go")
    api(member).put(f"/links/{link_id}/save")
    api(leader).put(f"/posts/{post_id_of(app, link_id)}/reaction", json={"kind": "celebrate"})
    numbers = api(comms).get(f"/links/{link_id}/stats")
    assert numbers.status_code == 200
    assert numbers.get_json() == {
        "link_id": link_id,
        "clicks": 2,
        "distinct_clickers": 1,
        "saves": 1,
        "reactions": 1,
        "replies": 0,
    }
    assert api(member).get(f"/links/{link_id}/stats").status_code == 403


def test_a_page_of_links_costs_the_same_queries_for_3_or_30(app, api, comms, member, count_queries):
    client = api(member)
    client.get("/me")

    def measure() -> int:
        with count_queries() as queries:
            assert client.get("/links?limit=100").status_code == 200
        return queries()

    for i in range(3):
        share(app, comms, f"https://example.org/a{i}", topics="#x")
    few = measure()
    for i in range(27):
        share(app, comms, f"https://example.org/b{i}", topics="#y")
    assert measure() == few
