"""What the insight dashboard needs beyond bench/generate.py: objectives, curated links with clicks
and saves, sessions with RSVPs, attendance and ratings, and views; added once (seeded, reproducible).

Sizes at full scale (2,000 people): 4 objectives tagging a fifth of the posts, 500 links, 20,000
clicks, 2,500 saves, 100 sessions (a fifth still to come), 30 replies each, 300,000 views over
the twelve weeks to the generator's END. Smaller organisations get proportionally less.
"""

import random
from datetime import timedelta

from sqlalchemy import create_engine, func, insert, select, text, update

from app.models import (
    Community,
    CuratedLink,
    LearningSession,
    LinkClick,
    LinkSave,
    Objective,
    Post,
    PostView,
    SessionFeedback,
    SessionRsvp,
    User,
)
from bench.generate import END

OBJECTIVES = ("Community safety", "Public trust and confidence", "Staff wellbeing", "Digital transformation")
FULL = {"links": 500, "clicks": 20_000, "saves": 2_500, "sessions": 100, "rsvps": 30, "views": 300_000}
BATCH = 10_000


def _put(conn, model, rows: list[dict]) -> None:
    for i in range(0, len(rows), BATCH):
        conn.execute(insert(model), rows[i : i + BATCH])


def add_dashboard_data(url: str, seed: int = 7) -> bool:
    """Add the rows (once: nothing happens if the objectives are already there); True if added."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if conn.scalar(select(func.count()).select_from(Objective)):
                return False
            _add(conn, random.Random(seed))
        return True
    finally:
        engine.dispose()


def _add(conn, rng: random.Random) -> None:
    people = list(conn.scalars(select(User.id).where(User.deactivated_at.is_(None)).order_by(User.id)))
    scale = len(people) / 2000
    size = {k: max(1, int(v * scale)) for k, v in FULL.items()}
    size["rsvps"] = FULL["rsvps"]
    admin = conn.scalar(select(User.id).where(User.role == "admin").order_by(User.id))
    objective_ids = []
    for name in OBJECTIVES:
        objective_ids.append(
            conn.execute(insert(Objective).values(name=name, owner_id=admin)).inserted_primary_key[0]
        )
    # A fifth of the posts serve an objective (the way community defaults spread them).
    for n, oid in enumerate(objective_ids):
        conn.execute(update(Post).where(text(f"posts.id % 20 = {n}")).values(objective_id=oid))
    public = list(
        conn.scalars(select(Community.id).where(Community.visibility == "public").order_by(Community.id))
    )
    next_post = (conn.scalar(select(func.max(Post.id))) or 0) + 1
    start = END - timedelta(days=365)

    def post(author, community, kind, when, body) -> dict:
        return {
            "author_id": author,
            "community_id": community,
            "kind": kind,
            "body_source": body,
            "body_html": f"<p>{body}</p>",
            "render_version": 1,
            "status": "visible",
            "reply_count": 0,
            "created_at": when,
            "objective_id": rng.choice(objective_ids),
        }

    posts, links, sessions = [], [], []
    curators = rng.sample(people, min(len(people), 25))
    for i in range(size["links"]):
        when = start + timedelta(seconds=rng.randrange(365 * 86400))
        curator = rng.choice(curators)
        posts.append(
            {"id": next_post, **post(curator, rng.choice(public), "link", when, f"Why it matters {i}")}
        )
        links.append(
            {
                "id": i + 1,
                "post_id": next_post,
                "curator_id": curator,
                "share_id": f"bench{i:027d}",
                "url": f"https://example.org/bench/{i}",
                "url_key": f"example.org/bench/{i}",
                "title": f"Benchmark link {i}",
                "created_at": when,
            }
        )
        next_post += 1
    hosts = rng.sample(people, min(len(people), 15))
    for i in range(size["sessions"]):
        when = (start + timedelta(days=rng.randrange(365 + 60))).replace(hour=12, minute=30)
        organiser = rng.choice(hosts)
        posts.append(
            {
                "id": next_post,
                **post(organiser, rng.choice(public), "session", when - timedelta(days=14), "A session"),
            }
        )
        sessions.append(
            {
                "id": i + 1,
                "post_id": next_post,
                "community_id": posts[-1]["community_id"],
                "organiser_id": organiser,
                "title": f"Lunch and learn {i}",
                "starts_at": when,
                "ends_at": when + timedelta(hours=1),
                "place": "Training room 2",
                "created_at": when - timedelta(days=14),
                "updated_at": when - timedelta(days=14),
            }
        )
        next_post += 1
    _put(conn, Post, posts)
    _put(conn, CuratedLink, links)
    _put(conn, LearningSession, sessions)
    clicks, saves = [], set()
    for _ in range(size["clicks"]):
        link = links[int(len(links) * rng.random() ** 2)]
        at = link["created_at"] + timedelta(seconds=rng.randrange(14 * 86400))
        clicks.append({"link_id": link["id"], "user_id": rng.choice(people), "created_at": min(at, END)})
    while len(saves) < size["saves"]:
        saves.add((rng.choice(links)["id"], rng.choice(people)))
    _put(conn, LinkClick, clicks)
    _put(conn, LinkSave, [{"link_id": lid, "user_id": uid, "created_at": END} for lid, uid in saves])
    rsvps, feedback = [], []
    for s in sessions:
        held = s["ends_at"] < END
        for uid in rng.sample(people, min(len(people), size["rsvps"])):
            status = rng.choices(("going", "maybe", "cant"), (70, 20, 10))[0]
            came = held and status == "going" and rng.random() < 0.75
            rsvps.append(
                {"session_id": s["id"], "user_id": uid, "status": status, "attended": came if held else None}
            )
            if came and rng.random() < 0.6:
                feedback.append(
                    {"session_id": s["id"], "user_id": uid, "rating": rng.choice((3, 4, 4, 5, 5))}
                )
    _put(conn, SessionRsvp, rsvps)
    _put(conn, SessionFeedback, feedback)
    _views(conn, rng, people, size["views"])


def _views(conn, rng: random.Random, people: list[int], count: int) -> None:
    """Views of recent posts over the twelve weeks to END, one row per person, post and day."""
    first = END - timedelta(days=84)
    recent = list(conn.scalars(select(Post.id).where(Post.created_at >= first, Post.status == "visible")))
    seen = set()
    while len(seen) < count and recent:
        seen.add(((END - timedelta(days=rng.randrange(84))).date(), rng.choice(recent), rng.choice(people)))
    _put(conn, PostView, [{"day": d, "post_id": p, "user_id": u} for d, p, u in seen])
