"""Post cards for lists and feeds, rendered once per content and kind of viewer, then reused.

Drawing a feed page's twenty cards was most of its CPU. A plain, visible post's card depends only on
the values in `_key`: the post, its author and community, its reaction counts, the page's objective
and attachments for it, the page's path, and of the viewer only whether they wrote the post, may
moderate its community, and which reaction is theirs. The key holds those values themselves (no
version numbers), so an edit, a reaction, a reply, a move or a rename makes a new key and nothing
has to be invalidated; unused entries age out of a bounded LRU kept per app (per process). The
session's CSRF token is put in after the lookup. Other kinds and statuses (updates, sessions,
held or hidden posts...) carry more viewer-specific parts and are drawn afresh every time.
"""

import threading
from collections import OrderedDict
from typing import Any

from flask import Request, current_app, request
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from app.feeds.queries import Page
from app.models import Post

TEMPLATE = "posts/_card.html"
# Stands in for the session's CSRF token in a cached card; never a real token's shape.
CSRF_PLACEHOLDER = "@@card-csrf-token@@"
# The only extras a cached card may read (the kinds' extras belong to uncached cards).
CACHED_EXTRAS = ("objective", "attachments")


class CardCache:
    """A thread-safe LRU of rendered cards."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        """The card for this key, if drawn lately."""
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        """Keep a card, dropping the least recently used beyond the size."""
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every card."""
        with self._lock:
            self._items.clear()


class CardViewer:
    """The viewer as a cached card sees them: only their id, compared with the post's author."""

    def __init__(self, user_id: int) -> None:
        self.id = user_id

    def __getattr__(self, name: str) -> Any:
        # Jinja turns an AttributeError into a blank; anything else stops the render, so a card
        # that starts reading more of the viewer fails its tests instead of caching it for others.
        raise RuntimeError(
            f"a cached post card may read current_user.id only, not {name!r} (see app/posts/cards.py)"
        )


class CardPage:
    """One post's share of a feeds.queries.Page: what its cached card may read, all in the key."""

    def __init__(self, post: Post, page: Page) -> None:
        self.reactions = {post.id: page.reactions.get(post.id, {})}
        self.my_reactions = {post.id: page.my_reactions.get(post.id)}
        self._extras = {name: page.extra(name, post) for name in CACHED_EXTRAS}
        self._can_moderate = page.can_moderate(post)

    def can_moderate(self, _post: Post) -> bool:
        """Decided for the page; part of the key."""
        return self._can_moderate

    def extra(self, name: str, _post: Post) -> Any:
        """The objective or attachments; any other extra means the card isn't cacheable."""
        if name not in self._extras:
            raise RuntimeError(f"a cached post card may not read the {name!r} extra (see app/posts/cards.py)")
        return self._extras[name]


def cacheable(post: Post) -> bool:
    """Plain visible posts: no kind template, no moderation note."""
    return post.kind == "post" and post.status == "visible"


def _key(req: Request, post: Post, page: CardPage, viewer_id: int | None) -> tuple:
    """Every value a cached card is drawn from (keep in step with templates/posts/_card.html)."""
    author, community = post.author, post.community
    objective = page.extra("objective", post)
    attachments = page.extra("attachments", post) or ()
    return (
        req.script_root,
        req.path,
        req.endpoint,
        post.id,
        post.author_id,
        post.community_id,
        post.body_html,
        post.marking,
        post.reply_count,
        post.pinned_at,
        post.created_at,
        post.edited_at,
        author.name,
        author.erased_at is not None,
        author.deactivated_at is not None,
        community.slug,
        community.name,
        (objective.id, objective.name) if objective else None,
        tuple(
            (a.id, a.kind, a.has_thumbnail, a.alt_text, a.width, a.height, a.file_name, a.size)
            for a in attachments
        ),
        tuple(sorted(page.reactions[post.id].items())),
        page.my_reactions[post.id],
        post.author_id == viewer_id,
        page.can_moderate(post),
    )


def cache_for(app) -> CardCache:
    """This app's card cache (POST_CARD_CACHE_SIZE cards; 0 turns it off)."""
    cache = app.extensions.get("post_cards")
    if cache is None:
        cache = app.extensions["post_cards"] = CardCache(app.config["POST_CARD_CACHE_SIZE"])
    return cache


@pass_context
def post_card(context: Context, post: Post, page: Page) -> Markup:
    """A post's card (Jinja global `post_card(post, page)`), from the cache when it may be."""
    app, req = current_app._get_current_object(), request._get_current_object()  # once, not per use
    template = app.jinja_env.get_template(TEMPLATE)
    cache = cache_for(app)
    if not cacheable(post) or not cache.size:
        return Markup(template.render({**context.get_all(), "post": post, "page": page}))
    viewer = context.get("current_user")
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    card_page = CardPage(post, page)
    key = _key(req, post, card_page, viewer_id)
    html = cache.get(key)
    token = generate_csrf()
    if html is None:
        html = template.render(
            post=post,
            page=card_page,
            current_user=CardViewer(viewer_id),
            request=req,
            csrf_token=lambda: CSRF_PLACEHOLDER,
            REACTION_KINDS=context["REACTION_KINDS"],
            REACTIONS=context["REACTIONS"],
        )
        if token in html:  # a token reached the card some other way: it would be served to others
            raise RuntimeError("a cached post card must take its CSRF token from csrf_token()")
        cache.put(key, html)
    return Markup(html.replace(CSRF_PLACEHOLDER, escape(token)))
