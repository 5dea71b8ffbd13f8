"""Who may download an attachment: exactly who may see the post or reply it is on.

Held and hidden items' files reach only their author and moderators (as the item does); a removed
item's files only moderators (readers see "This post was removed"); an upload not attached yet only
the person who uploaded it.
"""

from app.extensions import db
from app.models import Attachment, Post, Reply, User


def can_see_attachment(user: User | None, attachment: Attachment) -> bool:
    """Whether the person may download this file (and its thumbnail)."""
    # posts build on permissions, not the reverse: import the post rules where they are used
    from app.posts.replies import can_see_reply
    from app.posts.services import can_moderate, can_see_post

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if attachment.reply_id is not None:
        reply = db.session.get(Reply, attachment.reply_id)
        if reply is None or not can_see_reply(user, reply):
            return False
        removed = reply.status == "deleted" or reply.post.status == "deleted"
        return not removed or can_moderate(user, reply.post.community)
    if attachment.post_id is not None:
        post = db.session.get(Post, attachment.post_id)
        if post is None or not can_see_post(user, post):
            return False
        return post.status != "deleted" or can_moderate(user, post.community)
    return attachment.uploader_id == user.id
