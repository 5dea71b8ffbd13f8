"""The PostgreSQL search backend's tables (SEARCH_BACKEND=postgres; empty and unused with Whoosh).

Built from the same registry documents as the Whoosh index. On SQLite the tables exist (so the
schema is the same everywhere) but are never written; the tsvector, array and trigram pieces are
PostgreSQL types and indexes there and plain ones here.
"""

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

_TSVECTOR = Text().with_variant(TSVECTOR(), "postgresql")
_TAGS = Text().with_variant(ARRAY(Text()), "postgresql")


class SearchDocument(Base):
    """One searchable item: its weighted words (title and topics A, body B) and what filters it."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_tsv", "tsv", postgresql_using="gin"),
        Index("ix_search_documents_tags", "tags", postgresql_using="gin"),
        Index("ix_search_documents_type_community", "type", "community_id"),
    )

    type: Mapped[str] = mapped_column(String(20), primary_key=True)
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tsv: Mapped[str] = mapped_column(_TSVECTOR)
    tags: Mapped[list[str] | None] = mapped_column(_TAGS)  # exact #topic names, lower-cased
    # No foreign keys: this is derived data, rebuilt from the database; the indexer removes entries.
    author_id: Mapped[int | None] = mapped_column(Integer)
    community_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime | None]
    stamp: Mapped[str] = mapped_column(String(16))  # app/search/schema.stamp(), for `search check`


class SearchWord(Base):
    """A word as typed somewhere in the index, for "did you mean" (pg_trgm similarity when present).

    Global and never shown as such: every candidate is tried as a search within the person's scope
    and re-checked against the database before it is offered (app/search/services.did_you_mean)."""

    __tablename__ = "search_words"
    __table_args__ = (
        # A trigram GIN index on PostgreSQL with pg_trgm; a plain index of the same name otherwise.
        Index(
            "ix_search_words_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}
        ),
    )

    word: Mapped[str] = mapped_column(String(60), primary_key=True)
