"""What search may show a person: stricter than feeds (never held, hidden or deleted items, even to
their author or moderators), used to filter the query and to re-check every hit before it is shown."""

from sqlalchemy import Select, select

from app.models import Community, Post, Reply, User
from app.permissions.communities import listed_communities, visible_community_ids
from app.permissions.updates import post_visibility_clause


def listed_community_ids(user: User) -> Select:
    """Ids of communities the person may know exist (a secret one only if they belong to it)."""
    return listed_communities(user).with_only_columns(Community.id)


def searchable_posts(user: User) -> Select[tuple[Post]]:
    """Visible posts in communities whose content the person may read (updates: their audience only)."""
    return select(Post).where(
        Post.status == "visible",
        Post.community_id.in_(visible_community_ids(user)),
        post_visibility_clause(user),
    )


def searchable_replies(user: User) -> Select[tuple[Reply]]:
    """Visible replies to visible posts in communities the person may read."""
    return (
        select(Reply)
        .join(Post, Post.id == Reply.post_id)
        .where(
            Reply.status == "visible",
            Post.status == "visible",
            Post.community_id.in_(visible_community_ids(user)),
            post_visibility_clause(user),
        )
    )


def searchable_people() -> Select[tuple[User]]:
    """People anyone signed in may find: active, confirmed accounts (leavers drop out)."""
    return select(User).where(User.deactivated_at.is_(None), User.email_confirmed_at.is_not(None))
