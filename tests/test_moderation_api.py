"""The policy over the API: read it, accept it (the token user's way through the gate)."""

from tests.api_helpers import api_factory, error_fields  # noqa: F401
from tests.moderation_helpers import CLAUSES, publish


def test_no_policy_yet_is_a_404(api, member):
    response = api(member).get("/policy")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_read_the_policy_and_accept_it(app, api, admin, member):
    publish(app, admin, summary="First", accept_everyone=False)
    client = api(member)
    body = client.get("/policy").get_json()
    assert body["version"] == 1 and body["accepted"] is False and body["summary"] == "First"
    assert [c["key"] for c in body["clauses"]] == [row[0] for row in CLAUSES]
    assert body["clauses"][1] == {**body["clauses"][1], "number": 2, "severity": 3}
    accepted = client.post("/policy/accept", json={"version": 1})
    assert accepted.status_code == 200 and accepted.get_json()["version"] == 1
    assert client.get("/policy").get_json()["accepted"] is True


def test_accepting_needs_the_current_version_number(app, api, admin, member):
    publish(app, admin, accept_everyone=False)
    client = api(member)
    for body, field in (({}, "version"), ({"version": "1"}, "version"), ({"version": 2}, "version")):
        response = client.post("/policy/accept", json=body)
        assert response.status_code == 422 and field in error_fields(response)
    assert client.post("/policy/accept", data="not json").status_code == 400
    assert api(member, scope="read").post("/policy/accept", json={"version": 1}).status_code == 403
