"""Who the benchmarks act as: picked from the benchmark organisation, with API tokens and signed-in cookies.

Tokens are made in the working copy of the database before the server starts (no write races);
cookies come from signing in over HTTP, as a browser does.
"""

import random
import re
import time
from dataclasses import dataclass, field

import requests
from sqlalchemy import func, select

from app import create_app
from app.api.tokens import create_token
from app.db import writing
from app.extensions import db
from app.insights.rollup import rollup_task
from app.models import Community, Membership, Post, RollupState, User
from bench.generate import PASSWORD
from bench.search import _queries, _viewer

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Cast:
    """The people and credentials the benchmarks use."""

    viewer_email: str
    viewer_token: str
    poster_email: str
    poster_token: str
    community_id: int
    community_name: str
    listener_tokens: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    scale_posts: int = 0


def _community(listeners: int) -> Community:
    """The smallest public community with enough members for the listeners (All staff if none has)."""
    sizes = (
        select(Community, func.count(Membership.user_id).label("n"))
        .join(Membership, Membership.community_id == Community.id)
        .where(Community.visibility == "public", Community.is_all_staff.is_(False))
        .group_by(Community.id)
        .having(func.count(Membership.user_id) >= listeners + 2)
        .order_by(func.count(Membership.user_id), Community.id)
    )
    found = db.session.execute(sizes.limit(1)).first()
    return found[0] if found else db.session.scalar(select(Community).where(Community.is_all_staff))


def prepare(database_url: str, listeners: int) -> Cast:
    """Pick the viewer, a poster and a community, and give them (and `listeners` members) tokens."""
    app = create_app("testing", DATABASE_URL=database_url)
    with app.app_context():
        viewer = _viewer()
        community = _community(listeners)
        members = select(Membership.user_id).where(Membership.community_id == community.id)
        if not community.is_all_staff:
            # The viewer reads this community too, so its socket gets the posts made there.
            if viewer.id not in set(db.session.scalars(members)):
                db.session.add(Membership(community_id=community.id, user_id=viewer.id, role="member"))
        poster = db.session.scalar(
            select(User)
            .where(User.role == "member", User.id != viewer.id, User.id.in_(members))
            .order_by(User.id)
            .limit(1)
        )
        others = list(
            db.session.scalars(
                select(User)
                .where(
                    User.id.in_(members),
                    User.id.not_in([viewer.id, poster.id]),
                    User.deactivated_at.is_(None),
                )
                .order_by(User.id)
                .limit(listeners)
            )
        )
        with writing():
            cast = Cast(
                viewer_email=viewer.email,
                viewer_token=create_token(viewer, "Benchmark viewer", "read")[1],
                poster_email=poster.email,
                poster_token=create_token(poster, "Benchmark poster", "write")[1],
                community_id=community.id,
                community_name=community.name,
                listener_tokens=[create_token(u, "Benchmark listener", "read")[1] for u in others],
                queries=[q for size in (1, 2) for q in _queries(random.Random(7), 25)[size]],
                scale_posts=db.session.scalar(select(func.count()).select_from(Post)) or 0,
            )
            db.session.commit()
    db.dispose(app)
    return cast


def settle(database_url: str) -> float | None:
    """Run the first insights roll-up (a year's backfill) if it never ran; returns its seconds.

    A new installation's first roll-up backfills a year (about a minute at 100k posts), committing
    a day at a time so other writers wait for one day's work at most. The benchmark measures an
    installation past that point, and reports the first run's time on its own.
    """
    app = create_app("testing", DATABASE_URL=database_url)
    try:
        with app.app_context():
            if db.session.scalar(select(func.count()).select_from(RollupState)):
                return None
            db.session.rollback()
            started = time.perf_counter()
            rollup_task()
            return time.perf_counter() - started
    finally:
        db.dispose(app)


@dataclass
class Browser:
    """A signed-in browser's cookies and the CSRF token its forms carry."""

    cookie: str
    csrf_token: str


def sign_in(base_url: str, email: str) -> Browser:
    """Sign in through /login as a browser would; return the cookie header and a form's CSRF token."""
    web = requests.Session()
    page = web.get(f"{base_url}/login", timeout=30)
    token = CSRF.search(page.text).group(1)
    answer = web.post(
        f"{base_url}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        timeout=30,
        allow_redirects=False,
    )
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
    home = web.get(f"{base_url}/", timeout=30)
    home.raise_for_status()
    cookie = "; ".join(f"{c.name}={c.value}" for c in web.cookies)
    return Browser(cookie=cookie, csrf_token=CSRF.search(home.text).group(1))
