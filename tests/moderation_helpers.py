"""Helpers for the policy and moderation tests: a small published policy, items, reports and decisions,
each written through the services and committed (ids returned, so tests never hold stale objects)."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Community, ModerationCase, PolicyAcceptance, Post, User
from app.moderation import decisions, reports
from app.moderation.cases import resolve_target
from app.policy import services as policy
from app.posts.replies import create_reply
from app.posts.services import create_post

CLAUSES = [
    ("respect", "Treat colleagues with respect", "Disagree with ideas, not people.", "2"),
    ("keep-it-safe", "Keep information safe", "No personal or operational details.", "3"),
    ("be-yourself", "Be yourself", "Post under your own name.", "1"),
]


def publish(app, admin: User, clauses=CLAUSES, summary: str = "", accept_everyone: bool = True) -> int:
    """Publish a version (as the admin) and, unless told not to, record that everyone accepted it."""
    with app.app_context():
        drafts = [policy.ClauseDraft(*row) for row in clauses]
        version = policy.publish(db.session.get(User, admin.id), drafts, summary)
        if accept_everyone:
            for user_id in db.session.scalars(select(User.id).where(User.id != admin.id)):
                db.session.add(PolicyAcceptance(user_id=user_id, version_id=version.id))
        db.session.commit()
        return version.number


def clause_id(app, key: str) -> int:
    """The id of the current version's clause with this key."""
    with app.app_context():
        return next(c.id for c in policy.current_version().clauses if c.key == key)


@pytest.fixture(name="published")
def published_policy(app, admin):
    """Policy version 1 with three clauses, accepted by everyone who exists when it is requested."""
    return publish(app, admin)


def make_post(app, author: User, body: str = "Hello team", community_id: int | None = None) -> int:
    """A post's id (published past any sensitive-content warning: moderation tests use real slips)."""
    with app.app_context():
        place = db.session.get(Community, community_id) if community_id else None
        post = create_post(db.session.get(User, author.id), body, place, confirm_sensitive=True)
        db.session.commit()
        return post.id


def make_reply(app, author: User, post_id: int, body: str = "Agreed") -> int:
    """A reply's id."""
    with app.app_context():
        reply = create_reply(db.session.get(User, author.id), db.session.get(Post, post_id), body)
        db.session.commit()
        return reply.id


def report(
    app, reporter: User, target_type: str, target_id: int, key: str | None = None, details: str = ""
) -> int:
    """Report an item (under the clause with `key`, or "something else"); returns the case id."""
    cid = clause_id(app, key) if key else None
    with app.app_context():
        person = db.session.get(User, reporter.id)
        row = reports.report_item(person, resolve_target(person, target_type, target_id), cid, details)
        db.session.commit()
        return row.case_id


def decide(
    app,
    moderator: User,
    case_id: int,
    intent: str,
    key: str | None = "respect",
    explanation: str = "Please don't.",
) -> int:
    """Claim and decide a case; returns the decision id."""
    cid = clause_id(app, key) if key else None
    with app.app_context():
        person = db.session.get(User, moderator.id)
        case = db.session.get(ModerationCase, case_id)
        decisions.claim(person, case)
        made = decisions.decide(person, case, intent, cid, None, explanation)
        db.session.commit()
        return made.id


def status_of(app, model, item_id: int) -> str:
    """A post's or reply's status now."""
    with app.app_context():
        return db.session.get(model, item_id).status


def open_case_for(app, key: str) -> ModerationCase | None:
    """The open case for "post:12" and so on (detached)."""
    with app.app_context():
        case = db.session.scalar(
            select(ModerationCase).where(ModerationCase.target_key == key, ModerationCase.status != "decided")
        )
        if case is not None:
            db.session.expunge(case)
        return case
