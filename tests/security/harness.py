"""Requests as each role of the matrix: URLs built from the URL map and the world's real ids."""

from werkzeug.routing import AnyConverter, Rule

from tests.security.world import World

API_PREFIX = "/api/v1/"


def routes(app) -> list[Rule]:
    """Every rule of the app but static files, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule)


def methods(rule: Rule) -> list[str]:
    """The methods a rule answers, without the automatic ones."""
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def params_for(world: World, overrides: dict[str, str]) -> dict:
    """The world's URL values, with a route's own choices (a key of world.objects or world.users)."""
    chosen = {name: world.objects.get(key, world.users.get(key, key)) for name, key in overrides.items()}
    return world.params | chosen


def url_for_rule(app, rule: Rule, params: dict) -> str | None:
    """The rule's URL with the world's values (the first choice of an any(...)); None if one is missing."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = params.get(name, sorted(converter.items)[0])
        elif name in params:
            values[name] = params[name]
        else:
            return None
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, method=methods(rule)[0])


def client_for(app, world: World, role: str):
    """A test client signed in as the role through the real session cookie (anonymous: none)."""
    client = app.test_client()
    if role != "anonymous":
        with client.session_transaction() as session:
            session["_user_id"] = world.session_ids[role]
            session["_fresh"] = True
    return client


def send(client, world: World, role: str, method: str, url: str):
    """One request: the API gets the role's bearer token (never the cookie), pages get the cookie."""
    headers = {}
    if url.startswith(API_PREFIX) and role in world.tokens:
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    body = {"json": {}} if url.startswith(API_PREFIX) and method != "GET" else {"data": {}}
    response = client.open(url, method=method, headers=headers, **body)
    response.get_data()
    response.close()  # file downloads hold their file open until closed
    return response


# Requests that take something away from the person asking (their session, their membership, the
# object itself) go last, so they don't change what the earlier requests meet.
DISRUPTIVE = (
    "delete",
    "remove",
    "leave",
    "archive",
    "cancel",
    "deactivate",
    "revoke",
    "erase",
    "lift",
    "decline",
    "withdraw",
    "unsave",
    "off",
)
LEAVES = ("communities.leave", "api.leave_community")
SIGN_OUTS = ("auth.logout", "auth.sign_out_everywhere", "auth.security")


def order(endpoint: str, method: str) -> int:
    """Reads first, then writes, then disruptive writes, then leaving the community, then signing out."""
    if method == "GET":
        return 0
    if endpoint in SIGN_OUTS:
        return 4
    if endpoint in LEAVES:
        return 3
    name = endpoint.split(".", 1)[1]
    return 2 if method == "DELETE" or any(word in name for word in DISRUPTIVE) else 1
