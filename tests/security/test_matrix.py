"""The authorization matrix, exercised: every endpoint x every role, with real requests.

Each role gets a fresh world (tests/security/world.py) and sends every method of every route: reads
first, then writes with empty bodies (enough to pass or fail the permission check), then the writes
that take something away. The table is tests/security/matrix.py.
"""

from urllib.parse import quote

import pytest

from app.permissions import ACCESS_LEVELS
from tests.security import harness
from tests.security.matrix import MATRIX, PARAMS, ROW_ROLES, SEES_SECRET
from tests.security.world import ROLES, SECRET_MARKERS, build

OUTSIDERS = ("intruder", "comms", "leader", "moderator")


def _row(endpoint: str, method: str) -> dict[str, str]:
    line = MATRIX.get(f"{endpoint} {method}", MATRIX.get(endpoint))
    codes = line.split()
    assert len(codes) == len(ROW_ROLES), f"{endpoint}: {len(codes)} columns, want {len(ROW_ROLES)}"
    return dict(zip(ROW_ROLES, codes, strict=True))


def expected(app, endpoint: str, method: str, role: str) -> str:
    """The table's answer for a role; anonymous and deactivated people follow the access level."""
    public = app.view_functions[endpoint].access_level == "public"
    if role in ("anonymous", "deactivated"):
        return _row(endpoint, method)["member"] if public else "login"
    return _row(endpoint, method)[role]


def observed(response, api: bool) -> str:
    """The answer in the table's terms."""
    status = response.status_code
    if status in (401, 403, 404, 405):
        return "login" if status == 401 and api else str(status)
    if status == 302 and "/login" in response.headers.get("Location", ""):
        return "login"
    return "ok"


def test_every_endpoint_has_a_row(app):
    """A new route fails here until someone decides, in matrix.py, who may reach it."""
    endpoints = {rule.endpoint for rule in harness.routes(app)}
    missing = sorted(endpoints - {key.split()[0] for key in MATRIX})
    stale = sorted({key.split()[0] for key in MATRIX} - endpoints)
    assert not missing, f"add these endpoints to tests/security/matrix.py: {missing}"
    assert not stale, f"these matrix rows name no endpoint any more: {stale}"
    for key in MATRIX:
        endpoint, _, method = key.partition(" ")
        _row(endpoint, method or "GET")
        assert app.view_functions[endpoint].access_level in ACCESS_LEVELS


@pytest.mark.parametrize("role", ROLES)
def test_matrix(app, role):
    world = build(app)
    client = harness.client_for(app, world, role)
    requests = []
    for rule in harness.routes(app):
        url = harness.url_for_rule(app, rule, harness.params_for(world, PARAMS.get(rule.endpoint, {})))
        assert url is not None, f"world.py has no value for a parameter of {rule.rule}"
        for method in harness.methods(rule):
            requests.append((harness.order(rule.endpoint, method), rule.endpoint, method, url))
    wrong, leaks = [], []
    for _, endpoint, method, url in sorted(requests):
        response = harness.send(client, world, role, method, url)
        got, want = (
            observed(response, url.startswith(harness.API_PREFIX)),
            expected(app, endpoint, method, role),
        )
        assert response.status_code < 500, f"{method} {url} as {role}: {response.status_code}"
        if got != want:
            wrong.append(
                f"{method} {url} ({endpoint}) as {role}: {want} expected, got {response.status_code}"
            )
        if role in OUTSIDERS + ("anonymous", "deactivated") and (role, endpoint) not in SEES_SECRET:
            # The URL asked for (echoed in a sign-in link's next=) is no leak: the asker typed it.
            body = response.get_data(as_text=True).replace(url, "").replace(quote(url, safe=""), "")
            leaks += [f"{method} {url} as {role} shows {m!r}" for m in SECRET_MARKERS if m in body]
    assert not wrong, "\n".join(wrong)
    assert not leaks, "\n".join(leaks)
