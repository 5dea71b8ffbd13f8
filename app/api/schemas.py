"""JSON Schemas for the OpenAPI document, and @documented, which declares them beside each view."""

from collections.abc import Callable

from app.models import REACTION_KINDS, STAFF_TYPES, TOKEN_SCOPES, VISIBILITIES
from app.posts.rendering import MAX_BODY


def ref(name: str) -> dict:
    """A reference to a component schema."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    """A schema that may also be null."""
    return {"oneOf": [schema, {"type": "null"}]}


def list_of(name: str) -> dict:
    """A list answer: items and the cursor for the next page (null on the last page)."""
    return {
        "type": "object",
        "required": ["items", "next_cursor"],
        "properties": {
            "items": {"type": "array", "items": ref(name)},
            "next_cursor": {"type": ["integer", "null"]},
        },
    }


def documented(
    *,
    response: dict | None = None,
    request: dict | None = None,
    status: int = 200,
    query: dict[str, dict] | None = None,
    body_required: bool = True,
    content_type: str = "application/json",
) -> Callable:
    """Declare a view's request body (and its media type), query parameters and answer for
    /api/v1/openapi.json."""

    def decorate(view: Callable) -> Callable:
        view.api_doc = {
            "response": response,
            "request": request,
            "status": status,  # type: ignore[attr-defined]
            "query": query or {},
            "body_required": body_required,
            "content_type": content_type,
        }
        return view

    return decorate


_STR = {"type": "string"}
_INT = {"type": "integer"}
_TIME = {"type": "string", "format": "date-time"}
_ID = {"type": "integer", "minimum": 1}

PAGE_QUERY = {
    "cursor": {"type": "integer", "description": "next_cursor from the previous page"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


COMPONENTS: dict[str, dict] = {
    "Error": _obj(
        {
            "error": _obj(
                {
                    "code": _STR,
                    "message": _STR,
                    "fields": {"type": "object", "additionalProperties": _STR},
                    "matches": {
                        "type": "array",
                        "description": "with code sensitive_content: what each pattern found, and where",
                        "items": _obj({"field": _STR, "pattern": _STR, "label": _STR, "text": _STR}),
                    },
                },
                ["code", "message", "fields"],
            )
        }
    ),
    "Person": _obj({"id": _INT, "name": _STR, "handle": _STR, "former_member": {"type": "boolean"}}),
    "Unit": _obj({"id": _INT, "name": _STR, "parent_id": {"type": ["integer", "null"]}, "path": _STR}),
    "User": _obj(
        {
            "id": _INT,
            "name": _STR,
            "handle": _STR,
            "former_member": {"type": "boolean"},
            "job_title": _STR,
            "unit": nullable(ref("Unit")),
            "staff_type": {"enum": list(STAFF_TYPES)},
            "role": _STR,
            "bio": _STR,
        }
    ),
    "Me": {
        "allOf": [
            ref("User"),
            _obj(
                {
                    "email": _STR,
                    "token": nullable(
                        _obj({"name": _STR, "prefix": _STR, "scope": {"enum": list(TOKEN_SCOPES)}})
                    ),
                }
            ),
        ]
    },
    "CommunityRef": _obj({"id": _INT, "name": _STR, "slug": _STR}),
    "Community": {
        "allOf": [
            ref("CommunityRef"),
            _obj(
                {
                    "description": _STR,
                    "visibility": {"enum": list(VISIBILITIES)},
                    "is_all_staff": {"type": "boolean"},
                    "archived": {"type": "boolean"},
                    "member_count": _INT,
                    "my_status": {"enum": ["owner", "admin", "member", "requested", "invited", None]},
                }
            ),
        ]
    },
    "Post": _obj(
        {
            "id": _INT,
            "author": ref("Person"),
            "community": ref("CommunityRef"),
            "body": {"type": ["string", "null"], "description": "the source text; null once deleted"},
            "html": {"type": ["string", "null"], "description": "sanitised HTML; null once deleted"},
            "status": {"enum": ["visible", "held", "hidden", "deleted"]},
            "created_at": _TIME,
            "edited_at": nullable(_TIME),
            "reply_count": _INT,
            "reactions": {"type": "object", "additionalProperties": _INT},
            "my_reaction": {"enum": [*REACTION_KINDS, None]},
            "pinned": {"type": "boolean"},
            "can_moderate": {"type": "boolean"},
            "marking": {**_STR, "description": "the protective marking the author chose, or empty"},
            "attachments": {"type": "array", "items": ref("Attachment")},
        }
    ),
    "Reply": _obj(
        {
            "id": _INT,
            "post_id": _INT,
            "author": ref("Person"),
            "body": {"type": ["string", "null"]},
            "html": {"type": ["string", "null"]},
            "status": {"enum": ["visible", "deleted"]},
            "created_at": _TIME,
            "edited_at": nullable(_TIME),
            "attachments": {"type": "array", "items": ref("Attachment")},
        }
    ),
    "Attachment": _obj(
        {
            "id": _INT,
            "kind": {"enum": ["image", "document"]},
            "file_name": _STR,
            "content_type": {**_STR, "description": "judged from the file's bytes, never its name"},
            "size": _INT,
            "width": {"type": ["integer", "null"]},
            "height": {"type": ["integer", "null"]},
            "alt_text": _STR,
            "url": {**_STR, "description": "the file (documents download; images show)"},
            "thumbnail_url": {"type": ["string", "null"]},
            "attached": {"type": "boolean", "description": "false until a post or reply uses it"},
        }
    ),
    "Revision": _obj({"id": _INT, "body": _STR, "edited_by": nullable(ref("Person")), "created_at": _TIME}),
    "Reactor": _obj({"user": ref("Person"), "kind": {"enum": list(REACTION_KINDS)}, "created_at": _TIME}),
    "Reactions": _obj(
        {
            "my_reaction": {"enum": [*REACTION_KINDS, None]},
            "reactions": {"type": "object", "additionalProperties": _INT},
        }
    ),
    "Notification": _obj(
        {
            "id": _INT,
            "kind": _STR,
            "actor": nullable(ref("Person")),
            "community_id": {"type": ["integer", "null"]},
            "data": {"type": "object"},
            "created_at": _TIME,
            "read_at": nullable(_TIME),
        }
    ),
    "Event": _obj(
        {
            "seq": _INT,
            "name": _STR,
            "created_at": _TIME,
            "community_id": {"type": ["integer", "null"]},
            "data": {"type": "object"},
        }
    ),
    "EventList": _obj(
        {"items": {"type": "array", "items": ref("Event")}, "last_seq": _INT, "has_more": {"type": "boolean"}}
    ),
    "Marked": _obj({"marked": _INT}),
    "Link": _obj(
        {
            "id": _INT,
            "post_id": {**_INT, "description": "the post it rides on: react and reply through /posts"},
            "share_id": {**_STR, "description": "the same for every community one share went to"},
            "url": {**_STR, "description": "the original address"},
            "go_url": {**_STR, "description": "opens the address and counts the click-through"},
            "title": {**_STR, "description": "the curator's title, else the page's own"},
            "source": _STR,
            "summary": _STR,
            "why": {**_STR, "description": "why it matters for us (the post's source text)"},
            "why_html": _STR,
            "topics": {"type": "array", "items": _STR},
            "community": ref("CommunityRef"),
            "curator": ref("Person"),
            "objective_id": {"type": ["integer", "null"]},
            "created_at": _TIME,
            "status": {"enum": ["visible", "held", "hidden"]},
            "saved": {"type": "boolean"},
            "preview": _obj(
                {
                    "status": {"enum": ["pending", "fetching", "ready", "failed", None]},
                    "image_url": {"type": ["string", "null"]},
                }
            ),
            "reactions": {"type": "object", "additionalProperties": _INT},
            "my_reaction": {"enum": [*REACTION_KINDS, None]},
            "reply_count": _INT,
        }
    ),
    "Saved": _obj({"saved": {"type": "boolean"}}),
    "LinkStats": _obj(
        {
            "link_id": _INT,
            "clicks": _INT,
            "distinct_clickers": _INT,
            "saves": _INT,
            "reactions": _INT,
            "replies": _INT,
        }
    ),
}

BODY_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_BODY}

CONFIRM_SENSITIVE = {
    "type": "boolean",
    "description": "send true after a 422 sensitive_content answer to publish anyway (recorded)",
}
ATTACHMENT_IDS = {
    "type": "array",
    "items": _ID,
    "maxItems": 20,
    "description": "files uploaded with POST /attachments (yours, not attached yet)",
}

REQUESTS = {
    "PostCreate": _obj(
        {
            "body": BODY_TEXT,
            "community_id": {**_ID, "description": "omit for All staff"},
            "objective_id": {
                "type": ["integer", "null"],
                "minimum": 1,
                "description": "omit for the community's default objective; null for none",
            },
            "marking": {"type": "string", "description": "a protective marking from the admins' list"},
            "attachment_ids": ATTACHMENT_IDS,
            "confirm_sensitive": CONFIRM_SENSITIVE,
        },
        ["body"],
    ),
    "ReplyCreate": _obj(
        {"body": BODY_TEXT, "attachment_ids": ATTACHMENT_IDS, "confirm_sensitive": CONFIRM_SENSITIVE},
        ["body"],
    ),
    "BodyEdit": _obj({"body": BODY_TEXT, "confirm_sensitive": CONFIRM_SENSITIVE}, ["body"]),
    "AttachmentUpload": _obj(
        {
            "file": {"type": "string", "format": "binary"},
            "alt_text": {"type": "string", "maxLength": 1000, "description": "required for images"},
        },
        ["file"],
    ),
    "Pin": _obj({"pinned": {"type": "boolean"}}),
    "ReactionSet": _obj({"kind": {"enum": list(REACTION_KINDS)}}),
    "MarkRead": _obj({"id": {**_ID, "description": "omit to mark all read"}}, []),
    "LinkCreate": _obj(
        {
            "url": {"type": "string", "format": "uri", "maxLength": 2000},
            "why": {"type": "string", "minLength": 1, "maxLength": 2000},
            "title": {"type": "string", "maxLength": 200},
            "source": {"type": "string", "maxLength": 120},
            "summary": {"type": "string", "maxLength": 600},
            "topics": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
            "community_ids": {
                "type": "array",
                "items": _ID,
                "maxItems": 10,
                "description": "omit for All staff; several make one post per community (one share_id)",
            },
            "objective_id": _ID,
            "allow_duplicate": {"type": "boolean", "description": "share an address curated before anyway"},
            "confirm_sensitive": CONFIRM_SENSITIVE,
        },
        ["url", "why"],
    ),
}
