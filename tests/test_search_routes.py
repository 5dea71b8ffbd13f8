"""The header box, the results page, suggestions and the API, through the test client."""

import re
from urllib.parse import urlencode

import pytest

from app.extensions import db
from app.models import Community
from app.search import searching
from app.search.index import SearchUnavailable, search_index
from tests import factories
from tests.api_helpers import api_factory, error_fields  # noqa: F401
from tests.search_helpers import fresh, indexed, reply, write

pytestmark = pytest.mark.usefixtures("search_backend")


@pytest.fixture
def posts(app, member, leader):
    """A community with a few posts and a reply about the fleet."""
    with app.app_context():
        team = factories.make_community(fresh(member), name="Fleet and Kit", members=[fresh(leader)])
        first = write(member, "Electric pool cars arrive at Harbourside #fleet", team)
        answer = reply(leader, first, "The pool cars need charging cables")
        write(leader, "Pool car booking moves to the intranet")
        indexed(app)
        return {"team": team.id, "slug": team.slug, "first": first.id, "reply": answer.id}


def test_the_header_box_is_on_every_page_for_signed_in_people(app, client, login, member):
    assert 'role="combobox"' not in client.get("/login").get_data(as_text=True)
    login(member)
    for path in ("/", "/people", "/communities/", "/notifications", "/search", "/search?q=kit"):
        html = client.get(path).get_data(as_text=True)
        assert 'role="search"' in html and 'id="site-search-q"' in html, path
        assert 'role="combobox"' in html and 'aria-controls="site-search-options"' in html, path
        assert 'aria-expanded="false"' in html and 'role="listbox"' in html, path
        assert "/static/js/search.js" in html, path


def test_results_show_highlights_author_community_date_and_link_to_the_reply(
    app, client, login, member, posts
):
    login(member)
    html = client.get("/search?q=pool+cars").get_data(as_text=True)
    assert re.search(r'<mark class="hl hl-term\d">pool</mark>', html)
    assert f'href="/posts/{posts["first"]}#reply-{posts["reply"]}"' in html
    assert f'href="/posts/{posts["first"]}"' in html
    assert "Fleet and Kit" in html and "Lee Leader" in html and "<time" in html
    assert "Posts and replies" in html and 'aria-current="page"' in html
    assert re.search(r"People <span class=\"search-tabs__count\">\(0\)</span>", html)
    assert "3 results" in html


def test_tabs_filters_and_sorting_through_the_page(app, client, login, member, leader, posts):
    login(member)
    people = client.get("/search?q=lee&type=people").get_data(as_text=True)
    assert f'href="/people/{leader.id}"' in people
    only_team = client.get(f"/search?q=pool&community={posts['team']}").get_data(as_text=True)
    assert "intranet" not in only_team and "Harbourside" in only_team
    by_author = client.get(f"/search?q=pool&author=%40{leader.handle}&sort=newest").get_data(as_text=True)
    assert f'href="/posts/{posts["first"]}"' not in by_author  # the member's post; the leader's reply stays
    assert "charging cables" in by_author and "intranet" in by_author
    assert by_author.index("intranet") < by_author.index("charging cables")  # newest first
    assert 'value="newest" selected' in by_author
    dated = client.get("/search?q=pool&from=2001-01-01&to=2001-12-31").get_data(as_text=True)
    assert "Nothing matches that search" in dated
    typed = client.get(f"/search?q=pool+in:{posts['slug']}+%23fleet").get_data(as_text=True)
    assert "Harbourside" in typed and "intranet" not in typed


def test_more_results_follow_the_cursor(app, client, login, member):
    with app.app_context():
        for n in range(25):
            write(member, f"Radio battery swap number {n}")
        indexed(app)
    login(member)
    first = client.get("/search?q=radio+battery").get_data(as_text=True)
    assert first.count('class="search-result ') == 20
    cursor = re.search(r'href="([^"]*cursor=(\d+)[^"]*)"', first)
    assert cursor, "no More results link"
    second = client.get(cursor.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('class="search-result ') == 5 and "More results" not in second


@pytest.mark.parametrize(
    "query,field,message",
    [
        ({"q": "x" * 201}, "q", "under 200 characters"),
        ({"q": "kit", "from": "31/12/2026"}, "from", "Use a date like"),
        ({"q": "kit", "from": "2026-02-01", "to": "2026-01-01"}, "to", "on or after"),
        ({"q": "kit", "community": "abc"}, "community", "Choose an option"),
        ({"q": "kit", "community": "999999999"}, "community", "Choose a community"),
        ({"q": "kit", "sort": "random"}, "sort", "relevance or newest"),
        ({"q": "kit", "author": "<script>"}, "author", "@handle"),
        ({"q": "kit", "topic": "two words"}, "topic", "topic name"),
        ({"q": "kit", "type": "gossip"}, "type", "Choose one of"),
        ({"q": "-overtime"}, "q", "Add a word"),
    ],
)
def test_bad_input_is_a_clear_422_with_the_input_kept(app, client, login, api, member, query, field, message):
    login(member)
    response = client.get("/search", query_string=query)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if field == "q":
        assert 'aria-invalid="true"' in html and 'id="f-q-error"' in html
    answer = api(member, "read").get("/search?" + urlencode(query))
    assert answer.status_code == 422 and message in error_fields(answer)[field]


@pytest.mark.parametrize("cursor", ["abc", "-5", "99999999999999999999999", "1e9", ""])
def test_odd_cursors_and_empty_searches_never_fail(app, client, login, member, cursor):
    login(member)
    assert client.get("/search", query_string={"q": "kit", "cursor": cursor}).status_code == 200
    html = client.get("/search?q=").get_data(as_text=True)
    assert "What are you looking for?" in html


def test_signed_out_people_are_sent_to_sign_in(client):
    assert client.get("/search?q=kit").status_code == 302
    assert client.get("/search/suggest?q=ki").status_code == 302
    assert client.get("/api/v1/search?q=kit").status_code == 401


def test_suggestions_are_people_and_communities_as_json(app, client, login, member, leader, posts):
    login(member)
    data = client.get("/search/suggest?q=Le").get_json()
    assert [p["name"] for p in data["people"]] == ["Lee Leader"]
    assert data["people"][0]["url"] == f"/people/{leader.id}" and data["people"][0]["handle"] == leader.handle
    data = client.get("/search/suggest?q=kit").get_json()
    assert [c["name"] for c in data["communities"]] == ["Fleet and Kit"]
    assert data["communities"][0]["url"] == f"/communities/{posts['slug']}"
    assert client.get("/search/suggest?q=").get_json() == {"people": [], "communities": []}
    assert client.get("/search/suggest", query_string={"q": "%_" * 100}).get_json()["people"] == []


def test_a_rebuilding_or_unreadable_index_is_explained(app, client, login, member, monkeypatch):
    login(member)
    search_index(app).mark_rebuild()
    assert "being rebuilt" in client.get("/search?q=kit").get_data(as_text=True)
    search_index(app).clear_rebuild()

    def unavailable(*_args, **_kwargs):
        raise SearchUnavailable("gone")

    monkeypatch.setattr(searching, "search_hits", unavailable)
    monkeypatch.setattr("app.search.services.search_hits", unavailable)
    response = client.get("/search?q=kit")
    assert response.status_code == 503 and "isn't available for a moment" in response.get_data(as_text=True)


def test_the_page_runs_the_same_queries_whatever_the_number_of_results(
    app, client, login, member, count_queries
):
    login(member)

    def queries_for(word: str, posts: int) -> int:
        with app.app_context():
            for n in range(posts):
                write(member, f"{word} update {n}")
            indexed(app)
        client.get(f"/search?q={word}")  # warm up
        with count_queries() as counted:
            assert client.get(f"/search?q={word}").status_code == 200
        return counted()

    assert queries_for("tachograph", 2) == queries_for("odometer", 20)


def test_the_api_answers_with_items_and_a_cursor(app, api, member, leader, posts):
    client = api(member, "read")
    body = client.get("/search?q=pool").get_json()
    assert set(body) == {"items", "next_cursor", "total", "did_you_mean", "notices"}
    assert body["total"] == 3 and body["next_cursor"] is None
    first = next(item for item in body["items"] if item["type"] == "reply")
    assert first["id"] == posts["reply"] and first["url"] == f"/posts/{posts['first']}#reply-{posts['reply']}"
    assert "<mark" in first["snippet"] and first["author"]["id"] == leader.id
    assert first["community"]["name"] == "Fleet and Kit" and first["created_at"].endswith("Z")
    assert [i["id"] for i in client.get(f"/search?q=pool&community={posts['team']}").get_json()["items"]]
    paged = client.get("/search?q=pool&limit=1").get_json()
    assert len(paged["items"]) == 1 and paged["next_cursor"] == 1
    rest = client.get(f"/search?q=pool&limit=5&cursor={paged['next_cursor']}").get_json()
    seen = {(i["type"], i["id"]) for i in rest["items"]}
    assert len(seen) == 2 and (paged["items"][0]["type"], paged["items"][0]["id"]) not in seen
    people = client.get("/search?q=leader&type=people").get_json()["items"]
    assert len(people) == 1 and "<mark" in people[0]["title"]
    assert {k: v for k, v in people[0].items() if k not in ("title", "snippet")} == {
        "type": "person",
        "id": leader.id,
        "url": f"/people/{leader.id}",
        "created_at": None,
        "author": None,
        "community": None,
    }
    doc = client.get("/openapi.json").get_json()
    operation = doc["paths"]["/api/v1/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"q", "type", "community", "cursor"}


def test_a_deleted_community_id_in_the_filter_is_refused(app, client, login, admin):
    with app.app_context():
        gone = factories.make_community(fresh(admin), name="Short Lived")
        gone_id = gone.id
        db.session.delete(db.session.get(Community, gone_id))
        db.session.commit()
    login(admin)
    assert client.get(f"/search?q=kit&community={gone_id}").status_code == 422
