"""The results page and the header box's suggestions; wires the index, indexer and CLI into the app."""

from flask import jsonify, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.feeds.queries import parse_cursor
from app.models import Community
from app.permissions import access, visible_community_ids
from app.search import autocomplete, bp, indexer, registry, services  # noqa: F401 - indexer subscribes to events
from app.search.backend import init_backend
from app.search.cli import search_cli
from app.search.index import SearchUnavailable, search_index
from app.search.query import ParsedQuery
from app.search.registry import tabs


def _wire(state: BlueprintSetupState) -> None:
    """Give the app its index (or PostgreSQL search); outside tests, check it now (a missing or corrupt one is rebuilt)."""
    from app import BLUEPRINTS

    app = state.app
    registry.load([package for package, _ in BLUEPRINTS])  # the types features register
    index = init_backend(app)  # Whoosh or PostgreSQL, by SEARCH_BACKEND
    app.cli.add_command(search_cli)
    if not app.testing:
        index.verify()


bp.record_once(_wire)


def _readable_communities() -> list[Community]:
    return list(
        db.session.scalars(
            select(Community)
            .where(Community.id.in_(visible_community_ids(current_user)))
            .order_by(Community.is_all_staff.desc(), Community.name)
        )
    )


@bp.route("/search")
@access("signed_in")
def results():
    """Search results for one tab, with filters, sorting and "more results" by cursor."""
    tab = request.args.get("type") or "posts"
    errors: dict[str, str] = {}
    unavailable = False
    try:
        filters = services.parse_filters(request.args)
        page = services.search(
            current_user, request.args.get("q"), tab, filters, parse_cursor(request.args.get("cursor"))
        )
    except ValidationError as exc:
        errors = exc.fields
        page = services.SearchPage(query=ParsedQuery(text=request.args.get("q", "")), tab=tab)
    except SearchUnavailable:
        unavailable = True
        page = services.SearchPage(query=ParsedQuery(text=request.args.get("q", "")), tab=tab)
    status = 422 if errors else 503 if unavailable else 200
    return render_template(
        "search/results.html",
        page=page,
        tabs=tabs(),
        errors=errors,
        form=request.args,
        communities=_readable_communities(),
        rebuilding=search_index().needs_rebuild(),
        unavailable=unavailable,
    ), status


@bp.route("/search/suggest")
@access("signed_in")
def suggest():
    """People and communities for the header box, as JSON (the browser debounces its calls)."""
    found = autocomplete.suggest(current_user, request.args.get("q"))
    return jsonify(
        {
            "people": [
                {
                    "id": p.id,
                    "name": p.name,
                    "handle": p.handle,
                    "job_title": p.job_title,
                    "url": url_for("people.profile", user_id=p.id),
                }
                for p in found["people"]
            ],
            "communities": [
                {
                    "id": c.id,
                    "name": c.name,
                    "slug": c.slug,
                    "visibility": c.visibility,
                    "url": url_for("communities.show", slug=c.slug),
                }
                for c in found["communities"]
            ],
        }
    )
