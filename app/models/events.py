"""The durable event log: written in the transaction, dispatched after commit; id is the seq."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Event(Base):
    """A domain event. Audience: a community's readers, or one person (user_id), or everyone."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_undispatched", "dispatched", "id"),
        Index("ix_events_replayed_at", "replayed_at"),
        Index("ix_events_search_pending", "search_indexed", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    dispatched: Mapped[bool] = mapped_column(default=False)
    # Set when the job runner (or a restart) pushes an event a crash left behind: it reached
    # sockets late, so clients reconnecting soon after get it even if they saw a later seq.
    replayed_at: Mapped[datetime | None]
    # The search indexer's queue: it consumes events in order and sets this once their items are
    # re-indexed (exact under concurrent commits, unlike a "last seq" cursor on PostgreSQL).
    search_indexed: Mapped[bool] = mapped_column(default=False, server_default=false())


class SocketConnection(Base):
    """A live Socket.IO connection, so access can be cut from any process (sign-out, leavers)."""

    __tablename__ = "socket_connections"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Random per browser sign-in (kept in the Flask session), so signing out cuts only that browser.
    session_key: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
