"""Outgoing mail: queued in the transaction that caused it, delivered after commit, retried until sent."""

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

MAIL_STATUSES = ("pending", "sent", "failed")


class OutgoingEmail(Base):
    """One message; `pending` until a transport accepts it, `failed` when the server refused it for good."""

    __tablename__ = "outgoing_emails"
    # The job runner's query: pending messages whose next attempt is due, oldest first.
    __table_args__ = (Index("ix_outgoing_emails_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(250))
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # An HTML alternative to the plain-text body ("" for plain text only), and extra headers such as
    # List-Unsubscribe, so a retry sends exactly the message that was queued.
    html_body: Mapped[str] = mapped_column(Text, default="", server_default="")
    headers: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
