"""Reading the composer's attachment fields: files just chosen, and uploads kept from a form shown again."""

from flask import current_app
from werkzeug.datastructures import FileStorage, ImmutableMultiDict

from app.attachments.services import Draft, Upload
from app.forms import parse_id


def drafts_from_form(form: ImmutableMultiDict, files: ImmutableMultiDict) -> list[Draft]:
    """Kept uploads (attachment_id, alt_<id>, unless ticked drop_attachment) then new files (files,
    paired in order with alt_new)."""
    dropped = set(form.getlist("drop_attachment"))
    drafts: list[Draft] = []
    for raw in dict.fromkeys(form.getlist("attachment_id")):
        staged_id = parse_id(raw)
        if staged_id is not None and raw not in dropped:
            drafts.append(Draft(staged_id=staged_id, alt_text=form.get(f"alt_{staged_id}", "")))
    alts = form.getlist("alt_new")
    chosen: list[FileStorage] = [f for f in files.getlist("files") if f and f.filename]
    for index, upload in enumerate(chosen):
        drafts.append(draft_from_file(upload, alts[index] if index < len(alts) else ""))
    return drafts


def draft_from_file(upload: FileStorage, alt_text: str) -> Draft:
    """A new upload's draft (one byte over the size limit is enough to refuse it clearly)."""
    data = upload.stream.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
    return Draft(upload=Upload(upload.filename or "file", data), alt_text=alt_text)
