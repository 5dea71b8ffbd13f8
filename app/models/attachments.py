"""Files people attach to posts and replies: images (with alt text and a thumbnail) and documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

ATTACHMENT_KINDS = ("image", "document")


class Attachment(Base):
    """A file stored under MEDIA_DIR/attachments (file_key names it there).

    Uploaded first (post_id and reply_id empty: only the uploader sees it), then attached when the post
    or reply is published; unattached uploads are removed after a day.
    """

    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_post_id_position", "post_id", "position"),
        Index("ix_attachments_reply_id_position", "reply_id", "position"),
        Index("ix_attachments_uploader_id_id", "uploader_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    reply_id: Mapped[int | None] = mapped_column(ForeignKey("replies.id", ondelete="CASCADE"))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    file_key: Mapped[str] = mapped_column(String(64), unique=True)
    # Images only: a small copy for cards (its key is file_key + "-thumb").
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    file_name: Mapped[str] = mapped_column(String(160))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(default=0)
    width: Mapped[int | None]
    height: Mapped[int | None]
    alt_text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_image(self) -> bool:
        """Images are shown on the card; documents are listed to download."""
        return self.kind == "image"
