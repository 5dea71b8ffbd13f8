"""The OpenAPI document matches the URL map exactly; a page of posts costs a fixed number of queries."""

import re

from app.api.openapi import openapi_path
from app.api.schemas import COMPONENTS, REQUESTS
from app.permissions import ACCESS_LEVELS
from tests.api_helpers import api_factory, community, post  # noqa: F401

IGNORED = {"HEAD", "OPTIONS"}


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def test_openapi_paths_match_the_url_map_exactly(app, api, member):
    response = api(member).get("/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    routed = {(openapi_path(r.rule), m.lower()) for r in _api_rules(app) for m in r.methods - IGNORED}
    documented = {(path, method) for path, item in doc["paths"].items() for method in item}
    assert routed - documented == set(), "routes missing from openapi.json"
    assert documented - routed == set(), "openapi.json lists paths that aren't routed"
    assert len(routed) >= 29
    assert "/api/v1/posts/{post_id}" in doc["paths"]
    assert not any("<" in path or ":" in path for path in doc["paths"])


def test_every_operation_is_described(app, api, member):
    doc = api(member).get("/openapi.json").get_json()
    for rule in _api_rules(app):
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "api_doc", None), f"{rule.endpoint} has no @documented(...)"
        assert view.access_level in ACCESS_LEVELS and view.access_level != "public"
        params = set(re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule.rule))
        for method in rule.methods - IGNORED:
            operation = doc["paths"][openapi_path(rule.rule)][method.lower()]
            assert operation["summary"] == view.__doc__.strip().splitlines()[0]
            declared = {p["name"] for p in operation["parameters"] if p["in"] == "path"}
            assert declared == params, rule.rule
            assert str(view.api_doc["status"]) in operation["responses"]
            assert "401" in operation["responses"]
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_schemas_resolve_and_bearer_is_declared(api, member):
    doc = api(member).get("/openapi.json").get_json()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        **doc["components"]["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    assert doc["security"] == [{"bearer": []}]
    names = set(doc["components"]["schemas"])
    assert names == set(COMPONENTS) | set(REQUESTS)
    for target in _refs(doc):
        assert target.removeprefix("#/components/schemas/") in names, target
    create = doc["paths"]["/api/v1/posts"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PostCreate"
    }
    assert "201" in create["responses"]


def test_openapi_needs_a_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 401


def test_post_json_matches_the_declared_schema_keys(api, member):
    doc = api(member).get("/openapi.json").get_json()
    created = api(member).post("/posts", json={"body": "Shape check"}).get_json()
    assert set(created) == set(doc["components"]["schemas"]["Post"]["properties"])


def test_home_feed_costs_the_same_queries_for_5_or_40_posts(app, api, count_queries, member, comms, leader):
    cid = community(app, comms, "public", members=(member, leader))
    client = api(member)
    client.get("/me")  # the token's first use is recorded once; keep it out of the counts

    def measure(limit: int) -> int:
        with count_queries() as queries:
            response = client.get(f"/feeds/home?limit={limit}")
        assert response.status_code == 200 and len(response.get_json()["items"]) == limit
        return queries()

    authors = [member, comms, leader]
    for i in range(40):
        pid = post(app, authors[i % 3], f"Post {i} #load", cid if i % 2 else None)
        if i % 4 == 0:
            api(authors[(i + 1) % 3]).put(f"/posts/{pid}/reaction", json={"kind": "like"})
    client.get("/me")
    five, forty = measure(5), measure(40)
    assert five == forty <= 8, (five, forty)


def test_the_readme_lists_every_api_endpoint(app):
    """README's API table is how operators find the API: every route must be in it, and no stale ones."""
    import re
    from pathlib import Path

    from app.api.openapi import build_document

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/[^`]*)` \|", readme, flags=re.M))
    with app.app_context():
        paths = build_document(app)["paths"]
    routes = {(m.upper(), p.removeprefix("/api/v1")) for p, ops in paths.items() for m in ops}
    assert routes - listed == set(), "add these to the README's API table"
    assert listed - routes == set(), "these are in the README's API table but not in the app"
