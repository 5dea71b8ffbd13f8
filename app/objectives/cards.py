"""The objective a post serves, shown on its card: one query per page."""

from sqlalchemy import select

from app.extensions import db
from app.feeds.queries import register_extra
from app.models import Objective, Post, User


def load_objectives(_viewer: User, posts: list[Post]) -> dict[int, Objective]:
    """{post id: its objective} for the posts on a page that serve one."""
    ids = {p.objective_id for p in posts if p.objective_id}
    if not ids:
        return {}
    objectives = {
        o.id: o for o in db.session.scalars(select(Objective).where(Objective.id.in_(ids))).unique()
    }
    return {p.id: objectives[p.objective_id] for p in posts if p.objective_id in objectives}


register_extra("objective", load_objectives)
