"""Following people and topics."""

from sqlalchemy import select

from app.errors import NotFound, ValidationError
from app.extensions import db
from app.models import Topic, TopicFollow, User, UserFollow


def get_topic(name: str) -> Topic:
    """A topic by name (case-insensitive)."""
    topic = db.session.scalar(select(Topic).where(Topic.name == (name or "").lower()))
    if topic is None:
        raise NotFound("Nobody has used that topic yet.")
    return topic


def get_active_person(user_id: int) -> User:
    """A person by id (former members too, for their profile and posts)."""
    person = db.session.get(User, user_id)
    if person is None:
        raise NotFound("We couldn't find that person.")
    return person


def set_following_person(user: User, person: User, following: bool) -> None:
    """Follow or unfollow a colleague (not yourself, not a former member)."""
    if person.id == user.id:
        raise ValidationError({"person": "You can't follow yourself."})
    row = db.session.get(UserFollow, (user.id, person.id))
    if following and row is None:
        if person.is_deactivated:
            raise ValidationError({"person": "This person has left the organisation."})
        db.session.add(UserFollow(follower_id=user.id, followed_id=person.id))
    elif not following and row is not None:
        db.session.delete(row)
    db.session.flush()


def set_following_topic(user: User, topic: Topic, following: bool) -> None:
    """Follow or unfollow a topic."""
    row = db.session.get(TopicFollow, (user.id, topic.id))
    if following and row is None:
        db.session.add(TopicFollow(user_id=user.id, topic_id=topic.id))
    elif not following and row is not None:
        db.session.delete(row)
    db.session.flush()


def follows_person(user: User, person: User) -> bool:
    """Whether the person follows the other."""
    return db.session.get(UserFollow, (user.id, person.id)) is not None


def follows_topic(user: User, topic: Topic) -> bool:
    """Whether the person follows the topic."""
    return db.session.get(TopicFollow, (user.id, topic.id)) is not None


def followed_ids(user: User) -> list[int]:
    """Ids of the people the person follows."""
    return list(db.session.scalars(select(UserFollow.followed_id).where(UserFollow.follower_id == user.id)))


def suggest_people(query: str, limit: int = 8) -> list[User]:
    """Active people whose name or handle starts with the query (the @mention picker)."""
    q = (query or "").strip().lstrip("@").lower()
    if not q or len(q) > 60:
        return []
    like = q.replace("\\", "").replace("%", "").replace("_", r"\_") + "%"
    from sqlalchemy import func, or_

    return list(
        db.session.scalars(
            select(User)
            .where(
                User.deactivated_at.is_(None),
                or_(
                    func.lower(User.name).like(like, escape="\\"),
                    User.handle.like(like, escape="\\"),
                    func.lower(User.name).like("% " + like, escape="\\"),
                ),
            )
            .order_by(User.name)
            .limit(limit)
        )
    )
