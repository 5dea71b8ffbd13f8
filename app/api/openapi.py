"""GET /api/v1/openapi.json: OpenAPI 3.1 built from the URL map, so it can't drift from the routes."""

import re

from flask import Flask, current_app

from app.api import bp
from app.api.schemas import COMPONENTS, REQUESTS, documented, ref
from app.permissions import access

PREFIX = "/api/v1/"
_PARAM = re.compile(r"<(?:([a-zA-Z_]\w*)(?:\([^)]*\))?:)?([a-zA-Z_]\w*)>")
_TYPES = {"int": "integer", "float": "number"}
_ERRORS = {
    "400": "The body isn't a JSON object",
    "401": "No token, or not a live one",
    "403": "Not allowed (or a read-only token used to write)",
    "404": "Not found, or not visible to me",
    "422": "Invalid fields; each has a message in error.fields",
    "429": "Too many requests for this token",
}


def openapi_path(rule: str) -> str:
    """A Werkzeug rule as an OpenAPI path: /posts/<int:post_id> -> /posts/{post_id}."""
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)


def _path_params(rule: str) -> list[dict]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": _TYPES.get(converter or "", "string")},
        }
        for converter, name in _PARAM.findall(rule)
    ]


def _operation(app: Flask, rule) -> dict:
    view = app.view_functions[rule.endpoint]
    doc = getattr(view, "api_doc", None) or {
        "response": None,
        "request": None,
        "status": 200,
        "query": {},
        "body_required": False,
    }
    lines = (view.__doc__ or "").strip().splitlines()
    status = str(doc["status"])
    answer: dict = {"description": lines[0] if lines else "OK"}
    if doc["response"] is not None:
        answer["content"] = {"application/json": {"schema": doc["response"]}}
    operation = {
        "operationId": rule.endpoint.removeprefix("api."),
        "summary": lines[0] if lines else rule.endpoint,
        "tags": [view.__module__.rsplit(".", 1)[-1]],
        "parameters": _path_params(rule.rule)
        + [
            {"name": name, "in": "query", "required": False, "schema": schema}
            for name, schema in doc["query"].items()
        ],
        "responses": {
            status: answer,
            **{
                code: {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
                for code, text in _ERRORS.items()
                if code != "400" or doc["request"] is not None
            },
        },
    }
    if len(lines) > 1:
        operation["description"] = "\n".join(lines[1:]).strip()
    if doc["request"] is not None:
        operation["requestBody"] = {
            "required": doc["body_required"],
            "content": {doc.get("content_type", "application/json"): {"schema": doc["request"]}},
        }
    return operation


def build_document(app: Flask) -> dict:
    """The OpenAPI 3.1 document for every /api/v1/ rule in the app's URL map."""
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(PREFIX):
            continue
        item = paths.setdefault(openapi_path(rule.rule), {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            item[method.lower()] = _operation(app, rule)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Rollcall API",
            "version": "1",
            "description": "Create a personal access token at /account/tokens and send it as "
            "`Authorization: Bearer <token>`. Read tokens may only use GET.",
        },
        "paths": paths,
        "components": {
            "schemas": {**COMPONENTS, **REQUESTS},
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "a personal access token (rc_...)",
                }
            },
        },
        "security": [{"bearer": []}],
    }


@bp.route("/openapi.json")
@access("signed_in")
@documented(response={"type": "object", "description": "this document"})
def openapi_document():
    """This API's OpenAPI 3.1 description, generated from the routes."""
    return build_document(current_app)
