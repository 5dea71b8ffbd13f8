"""OpenID Connect through Authlib's Flask client: discovery, the redirect (state, nonce, PKCE) and
checking what comes back (the id_token's signature against the provider's JWKS, its issuer, audience,
expiry and nonce). Only this module knows Authlib; it never touches the database."""

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client.errors import MismatchingStateError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Response, current_app, request, url_for
from joserfc.errors import JoseError

# Authlib keeps its state (state, nonce, PKCE verifier) in the Flask session under this client name.
CLIENT_NAME = "oidc"
_CACHE = "rollcall_oidc"
NOT_VERIFIED = "We couldn't verify the answer from the sign-in service, so you haven't been signed in."


class SsoError(Exception):
    """A sign-in with the provider that can't go on: what to tell the person, and the HTTP status."""

    def __init__(self, message: str, status: int = 400, detail: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.detail = detail  # for the log, never shown


def configured() -> bool:
    """Single sign-on is on when the issuer, client id and client secret are all set."""
    config = current_app.config
    return bool(config["OIDC_ISSUER"] and config["OIDC_CLIENT_ID"] and config["OIDC_CLIENT_SECRET"])


def issuer() -> str:
    """The configured issuer, which discovery and every id_token must name exactly."""
    return current_app.config["OIDC_ISSUER"]


def button_label() -> str:
    """What the sign-in button says ("Sign in with Microsoft")."""
    return current_app.config["OIDC_BUTTON_LABEL"] or "Sign in with single sign-on"


def redirect_uri() -> str:
    """Where the provider sends people back: register exactly this with the provider."""
    return current_app.config["BASE_URL"] + url_for("identity.callback")


def _scopes() -> str:
    scopes = current_app.config["OIDC_SCOPES"].split()
    return " ".join(scopes if "openid" in scopes else ["openid", *scopes])  # no openid, no id_token


def _client() -> FlaskOAuth2App:
    """The Authlib client for the current configuration (rebuilt if the configuration changes)."""
    config = current_app.config
    key = (
        issuer(),
        config["OIDC_CLIENT_ID"],
        config["OIDC_CLIENT_SECRET"],
        _scopes(),
        config["OIDC_TIMEOUT"],
    )
    cache = current_app.extensions.setdefault(_CACHE, {})
    if key not in cache:
        oauth = OAuth(current_app._get_current_object())
        cache.clear()
        cache[key] = oauth.register(
            CLIENT_NAME,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=issuer() + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": _scopes(),
                "code_challenge_method": "S256",
                "default_timeout": config["OIDC_TIMEOUT"],
            },
        )
    return cache[key]


def _unreachable(exc: Exception) -> SsoError:
    return SsoError(
        "We couldn't reach the sign-in service just now. Please try again in a few minutes.",
        502,
        f"{exc.__class__.__name__}: {exc}",
    )


def _metadata(client: FlaskOAuth2App) -> dict:
    """The provider's discovery document, which must name our configured issuer."""
    try:
        metadata = client.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        raise _unreachable(exc) from exc
    if metadata.get("issuer") != issuer():
        current_app.extensions[_CACHE].clear()  # fetch it again next time
        raise SsoError(
            "Single sign-on is misconfigured here. Please tell the service desk.",
            502,
            f"discovery names issuer {metadata.get('issuer')!r}, configured {issuer()!r}",
        )
    return metadata


def start() -> Response:
    """A redirect to the provider's authorization endpoint; Authlib stores state, nonce and verifier."""
    client = _client()
    _metadata(client)
    try:
        return client.authorize_redirect(redirect_uri())
    except requests.RequestException as exc:
        raise _unreachable(exc) from exc


def finish() -> dict:
    """The person's claims after the provider sends them back, once everything checks out.

    Raises SsoError for a cancelled sign-in, a state that isn't this browser's, a code the provider
    won't exchange, or an id_token that fails any check.
    """
    client = _client()
    metadata = _metadata(client)
    # RFC 9207: a provider that says which issuer answered lets us refuse a mix-up with another one.
    if "iss" in request.args and request.args["iss"] != issuer():
        raise SsoError(NOT_VERIFIED, 400, f"iss parameter {request.args['iss']!r}")
    try:
        token = client.authorize_access_token()
    except MismatchingStateError as exc:
        raise SsoError(
            "This sign-in had expired or was started in another browser or tab. Please start again.",
            400,
            "state mismatch",
        ) from exc
    except AuthlibBaseError as exc:  # an error from the provider, no code, or a code it won't exchange
        raise SsoError(
            "The sign-in service didn't complete the sign-in. Please start again.",
            400,
            f"{exc.error}: {exc.description}",
        ) from exc
    except JoseError as exc:
        raise SsoError(NOT_VERIFIED, 400, f"id_token: {exc.__class__.__name__}: {exc}") from exc
    except requests.RequestException as exc:
        raise _unreachable(exc) from exc
    claims = token.get("userinfo")
    if not claims:
        raise SsoError(NOT_VERIFIED, 400, "no id_token in the token response")
    return {**_userinfo(client, metadata, token, claims["sub"]), **claims}


def _userinfo(client: FlaskOAuth2App, metadata: dict, token: dict, subject: str) -> dict:
    """Claims from the userinfo endpoint (compliant providers put email and profile there, not in the
    id_token, for the code flow); used only when they are about the same subject."""
    if not metadata.get("userinfo_endpoint"):
        return {}
    try:
        extra = dict(client.userinfo(token=token))
    except (requests.RequestException, AuthlibBaseError, ValueError) as exc:
        current_app.logger.warning("OIDC userinfo failed: %s", exc)
        return {}
    return extra if extra.get("sub") == subject else {}
