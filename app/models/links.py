"""Curated links ("gems"): the link a post carries, its fetched preview, saves, clicks and curator grants."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.people import User
from app.models.posts import Post

PREVIEW_STATUSES = ("pending", "fetching", "ready", "failed")
MAX_URL = 2000  # longer addresses are refused (and would not fit a unique index on PostgreSQL)


class LinkPreview(Base):
    """What the job runner fetched for an address (one row per normalised URL, shared by re-shares)."""

    __tablename__ = "link_previews"
    __table_args__ = (Index("ix_link_previews_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(String(MAX_URL), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    claimed_at: Mapped[datetime | None]
    fetched_at: Mapped[datetime | None]
    final_url: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    site_name: Mapped[str] = mapped_column(String(120), default="")
    # Relative to MEDIA_DIR; the bytes were sniffed, never trusted from the Content-Type header.
    image_path: Mapped[str | None] = mapped_column(String(200))
    image_type: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CuratedLink(Base):
    """A link a curator shared, riding on a Post (kind="link") in one community.

    Sharing to several communities makes one row (and post) per community with the same share_id,
    so each keeps its community's visibility, reactions and thread.
    """

    __tablename__ = "curated_links"
    __table_args__ = (
        Index("ix_curated_links_url_key", "url_key"),
        Index("ix_curated_links_curator_id_id", "curator_id", "id"),
        Index("ix_curated_links_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), unique=True)
    curator_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    share_id: Mapped[str] = mapped_column(String(32), index=True)
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(String(MAX_URL))
    title: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    preview_id: Mapped[int | None] = mapped_column(
        ForeignKey("link_previews.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(lazy="joined", innerjoin=True)
    curator: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    preview: Mapped[LinkPreview | None] = relationship(lazy="joined")

    @property
    def host(self) -> str:
        """The site's host name, for "from example.org"."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def _ready(self) -> LinkPreview | None:
        return self.preview if self.preview is not None and self.preview.status == "ready" else None

    @property
    def display_title(self) -> str:
        """The curator's title, else the page's own, else the address."""
        return self.title or (self._ready.title if self._ready else "") or self.url

    @property
    def display_source(self) -> str:
        """The curator's source, else the site's name, else its host."""
        return self.source or (self._ready.site_name if self._ready else "") or self.host

    @property
    def display_summary(self) -> str:
        """The curator's summary, else the page's description."""
        return self.summary or (self._ready.description if self._ready else "")

    @property
    def has_image(self) -> bool:
        """Whether a preview image was stored for this link."""
        return self._ready is not None and bool(self._ready.image_path)

    @property
    def preview_pending(self) -> bool:
        """True while the job runner has not fetched the preview yet."""
        return self.preview is not None and self.preview.status in ("pending", "fetching")


class LinkSave(Base):
    """A person saved a link for later (their bookmarks)."""

    __tablename__ = "link_saves"
    __table_args__ = (
        UniqueConstraint("user_id", "link_id", name="uq_link_saves_user_id_link_id"),
        Index("ix_link_saves_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    link_id: Mapped[int] = mapped_column(ForeignKey("curated_links.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    link: Mapped[CuratedLink] = relationship(lazy="joined", innerjoin=True)


class LinkClick(Base):
    """One click-through: who opened the link and when."""

    __tablename__ = "link_clicks"
    __table_args__ = (Index("ix_link_clicks_link_id_user_id", "link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("curated_links.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CuratorGrant(Base):
    """A comms officer let someone curate links; revoking keeps the row as history."""

    __tablename__ = "curator_grants"
    __table_args__ = (
        # At most one live grant per person.
        Index(
            "uq_curator_grants_active",
            "user_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index("ix_curator_grants_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined", innerjoin=True)
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id], lazy="joined")
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id], lazy="joined")
