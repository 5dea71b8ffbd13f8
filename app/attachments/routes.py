"""Downloads of attachments, checked like the post or reply they are on, and the cards' loader."""

from flask import send_file
from flask_login import current_user

from app.attachments import bp, services
from app.errors import NotFound
from app.extensions import db
from app.feeds.queries import register_extra
from app.models import Attachment
from app.permissions import access
from app.permissions.attachments import can_see_attachment
from app.sniff import sniff


def _visible(attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not can_see_attachment(current_user, attachment):
        raise NotFound("We couldn't find that file.")
    return attachment


def _send(path, mimetype: str, download_name: str, as_attachment: bool):
    response = send_file(
        path, mimetype=mimetype, as_attachment=as_attachment, download_name=download_name, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Private: a shared cache must never hand a private community's file to someone else.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/attachments/<int:attachment_id>")
@access("signed_in")
def download(attachment_id: int):
    """The file, for people who may see its post: images shown inline, documents always downloaded."""
    attachment = _visible(attachment_id)
    return _send(
        services.file_path(attachment),
        attachment.content_type,
        attachment.file_name,
        as_attachment=not attachment.is_image,
    )


@bp.route("/attachments/<int:attachment_id>/thumbnail")
@access("signed_in")
def thumbnail(attachment_id: int):
    """An image's small copy for cards (PNG or JPEG, judged from its bytes)."""
    attachment = _visible(attachment_id)
    if not attachment.has_thumbnail:
        raise NotFound("We couldn't find that file.")
    path = services.file_path(attachment, thumbnail=True)
    with path.open("rb") as handle:
        kind = sniff(handle.read(16))
    mime = kind.mime if kind else "application/octet-stream"
    name = f"thumbnail.{kind.extension}" if kind else "thumbnail"
    return _send(path, mime, name, as_attachment=False)


def load_attachments(viewer, posts) -> dict:
    """register_extra loader: every attachment of the page's posts, in one query."""
    return services.for_posts([post.id for post in posts])


register_extra("attachments", load_attachments)
