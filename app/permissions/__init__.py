"""Who may see or do what: route access levels, roles and community visibility."""

from app.permissions.access import ACCESS_LEVELS, access, enforce_route_access
from app.permissions.communities import (
    can_create_community,
    can_manage_community,
    can_see_community,
    can_see_content,
    community_role,
    listed_communities,
    visible_community_ids,
)
from app.permissions.insights import can_see_insights
from app.permissions.moderation import can_handle_case, can_view_decision, cases_visible_to, is_moderator
from app.permissions.roles import has_role, is_admin
from app.permissions.search import (
    listed_community_ids,
    searchable_people,
    searchable_posts,
    searchable_replies,
)
from app.permissions.sessions import (
    can_grant_session_hosts,
    can_manage_session,
    can_schedule_sessions,
    can_see_session,
    is_session_host,
    visible_sessions,
)
from app.permissions.updates import (
    can_manage_update,
    can_publish_updates,
    can_see_update,
    can_see_update_post,
    post_visibility_clause,
)

__all__ = [
    "ACCESS_LEVELS",
    "access",
    "can_create_community",
    "can_grant_session_hosts",
    "can_handle_case",
    "can_manage_community",
    "can_manage_session",
    "can_manage_update",
    "can_publish_updates",
    "can_schedule_sessions",
    "can_see_community",
    "can_see_content",
    "can_see_insights",
    "can_see_session",
    "can_see_update",
    "can_see_update_post",
    "can_view_decision",
    "cases_visible_to",
    "community_role",
    "enforce_route_access",
    "has_role",
    "is_admin",
    "is_moderator",
    "is_session_host",
    "listed_communities",
    "listed_community_ids",
    "post_visibility_clause",
    "searchable_people",
    "searchable_posts",
    "searchable_replies",
    "visible_community_ids",
    "visible_sessions",
]
