"""Attachments: upload a file (multipart) to attach to a post or reply, and read one back."""

from flask import request, url_for
from flask_login import current_user

from app.api import bp, serializers
from app.api.inputs import ID
from app.api.schemas import documented, ref
from app.attachments import services
from app.attachments.forms import draft_from_file
from app.errors import NotFound, ValidationError
from app.extensions import db
from app.models import Attachment
from app.permissions import access
from app.permissions.attachments import can_see_attachment


@bp.route("/attachments", methods=["POST"])
@access("signed_in")
@documented(
    request=ref("AttachmentUpload"),
    response=ref("Attachment"),
    status=201,
    content_type="multipart/form-data",
)
def upload_attachment():
    """Upload one file (multipart form: file, and alt_text for images), to attach within a day.

    Its type is judged from its bytes; images are stored without their EXIF metadata. Then send its
    id in attachment_ids when creating a post or reply.
    """
    files = request.files.getlist("file")
    if len(files) != 1 or not files[0].filename:
        raise ValidationError({"file": "Send exactly one file, as the multipart field “file”."})
    alt_text = request.form.get("alt_text", "")
    rows, errors = services.stage(current_user, [draft_from_file(files[0], alt_text)])
    if errors or not rows:
        raise ValidationError({"file": errors.get("attachments", "That file can't be used.")})
    db.session.commit()
    return (
        serializers.attachment(rows[0]),
        201,
        {"Location": url_for("api.get_attachment", attachment_id=rows[0].id)},
    )


@bp.route(f"/attachments/<{ID}:attachment_id>", methods=["GET"])
@access("signed_in")
@documented(response=ref("Attachment"))
def get_attachment(attachment_id: int):
    """An attachment I may see (one I uploaded, or on a post or reply I can read)."""
    row = db.session.get(Attachment, attachment_id)
    if row is None or not can_see_attachment(current_user, row):
        raise NotFound("We couldn't find that file.")
    return serializers.attachment(row)
