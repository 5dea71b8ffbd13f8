"""bench/generate.py builds the same organisation from the same seed, with HTML the renderer agrees with."""

import hashlib

import pytest
from sqlalchemy import create_engine, func, select

from app.models import Community, Post, Reaction, Reply, User
from app.sanitize import render
from bench.generate import _html, already_built, build, main

pytestmark = pytest.mark.slow


def _digest(url: str) -> tuple[dict[str, int], str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            counts = {
                model.__tablename__: conn.scalar(select(func.count()).select_from(model))
                for model in (User, Community, Post, Reply, Reaction)
            }
            rows = conn.execute(
                select(
                    Post.id, Post.author_id, Post.community_id, Post.body_source, Post.created_at, Post.status
                ).order_by(Post.id)
            ).all()
            rows += conn.execute(select(Reply.id, Reply.post_id, Reply.body_source).order_by(Reply.id)).all()
            rows += conn.execute(
                select(Reaction.post_id, Reaction.user_id, Reaction.kind).order_by(
                    Reaction.post_id, Reaction.user_id
                )
            ).all()
        return counts, hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        engine.dispose()


def test_the_same_seed_builds_the_same_organisation(tmp_path):
    first, second = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    summary = build(first, scale=0.01, seed=11)
    build(second, scale=0.01, seed=11)
    counts, digest = _digest(first)
    assert counts == {"users": 60, "communities": 50, "posts": 1000, "replies": 3000, "reactions": 5000}
    assert summary.counts["posts"] == 1000 and summary.counts["communities"] == 50
    assert _digest(second) == (counts, digest)
    build(second, scale=0.01, seed=12, force=True)
    assert _digest(second)[1] != digest
    engine = create_engine(first)
    with engine.connect() as conn:
        kinds = dict(
            conn.execute(select(Community.visibility, func.count()).group_by(Community.visibility)).all()
        )
        assert kinds == {"public": 40, "private": 7, "secret": 3}
        people_in_all_staff = conn.scalar(select(func.count()).select_from(User))
        assert people_in_all_staff == 60
    engine.dispose()


def test_it_refuses_to_overwrite_and_can_skip_a_built_database(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    assert not already_built(url)
    main(["--database-url", url, "--scale", "0.005"])
    assert already_built(url) and "Every password is" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        build(url, scale=0.005)
    main(["--database-url", url, "--if-missing"])
    assert "already built; skipping" in capsys.readouterr().out


def test_generated_html_is_what_the_renderer_would_store():
    people = {"jordan.ellis": 5}
    for source in (
        "Huge thanks to B relief for covering at Eastport's station & the depot. cc @jordan.ellis",
        "Does anyone know how <the new uniform> works on nights? #uniform #kit",
        "An unknown @nobody.here stays as text",
    ):
        rendered = render(
            source,
            mention_url=lambda h: f"/people/{people[h]}" if h in people else None,
            topic_url=lambda t: f"/topics/{t}",
        )
        assert _html(source, people) == rendered.html
