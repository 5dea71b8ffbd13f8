"""Search: the same results as the page, within what the token's owner may see."""

from flask import request
from flask_login import current_user

from app.api import bp, serializers
from app.api.schemas import COMPONENTS, documented, nullable, ref
from app.errors import ValidationError
from app.feeds.queries import parse_cursor, parse_limit
from app.permissions import access
from app.search import services
from app.search.index import SearchUnavailable
from app.search.registry import tabs

_STR = {"type": "string"}
COMPONENTS |= {
    "SearchHit": {
        "type": "object",
        "required": ["type", "id", "title", "snippet", "url", "created_at", "author", "community"],
        "properties": {
            "type": {"type": "string", "description": "post, reply, person, community (and later types)"},
            "id": {"type": "integer"},
            "title": {"type": "string", "description": "HTML: escaped text with <mark> around matches"},
            "snippet": {"type": "string", "description": "HTML: escaped text with <mark> around matches"},
            "url": _STR,
            "created_at": nullable({"type": "string", "format": "date-time"}),
            "author": nullable(ref("Person")),
            "community": nullable(ref("CommunityRef")),
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["items", "next_cursor", "total", "did_you_mean", "notices"],
        "properties": {
            "items": {"type": "array", "items": ref("SearchHit")},
            "next_cursor": {"type": ["integer", "null"]},
            "total": {"type": "integer", "description": "matches within what I may see"},
            "did_you_mean": {"type": ["string", "null"], "description": "a corrected search, if one helps"},
            "notices": {"type": "array", "items": _STR},
        },
    },
}

SEARCH_QUERY = {
    "q": {
        "type": "string",
        "maxLength": 200,
        "description": 'words, "phrases", -word, polic*, from:@handle, in:slug, #topic',
    },
    "type": {
        "type": "string",
        "default": "posts",
        "description": "a results tab: posts, people, communities, …",
    },
    "community": {"type": "integer", "description": "only this community's items"},
    "author": {"type": "string", "description": "an @handle"},
    "topic": {"type": "string"},
    "from": {"type": "string", "format": "date"},
    "to": {"type": "string", "format": "date"},
    "sort": {"enum": list(services.SORTS), "default": "relevance"},
    "cursor": {"type": "integer", "description": "next_cursor from the previous page"},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}


def _hit(shown: services.Shown) -> dict:
    item = shown.item
    return {
        "type": shown.type.name,
        "id": item.id,
        "title": str(shown.title),
        "snippet": str(shown.snippet),
        "url": item.url,
        "created_at": serializers.iso(item.created_at),
        "author": serializers.person(item.author),
        "community": serializers.community_ref(item.community) if item.community is not None else None,
    }


@bp.route("/search")
@access("signed_in")
@documented(response=ref("SearchResults"), query=SEARCH_QUERY)
def search():
    """Search what I may see: posts and replies, people, communities, and types features add."""
    tab = request.args.get("type") or "posts"
    if tab not in tabs():
        raise ValidationError({"type": f"Choose one of: {', '.join(tabs())}."})
    filters = services.parse_filters(request.args)
    try:
        page = services.search(
            current_user,
            request.args.get("q"),
            tab,
            filters,
            parse_cursor(request.args.get("cursor")),
            parse_limit(request.args.get("limit")),
            with_counts=False,
        )
    except SearchUnavailable:
        return {
            "error": {
                "code": "search_unavailable",
                "message": "Search is being rebuilt; try again shortly.",
                "fields": {},
            }
        }, 503
    return {
        "items": [_hit(shown) for shown in page.hits],
        "next_cursor": page.next_cursor,
        "total": page.total,
        "did_you_mean": page.did_you_mean,
        "notices": page.notices,
    }
