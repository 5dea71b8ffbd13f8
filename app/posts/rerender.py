"""`flask posts rerender`: refresh stored HTML after the sanitiser's allow-list changes.

User text is rendered once, at write time, and the renderer's version is stored beside it
(app/sanitize.py RENDER_VERSION). Rows rendered by an older version are rendered again from their
source; nothing else about them changes (no revision, no event: the words are the same).
"""

from sqlalchemy import select

from app.extensions import db
from app.models import Post, Question, Reply, SessionQuestion
from app.posts.rendering import render_body
from app.sanitize import RENDER_VERSION, render

BATCH = 500


def _with_mentions(source: str) -> str:
    return render_body(source)[0].html


def _plain(source: str) -> str:
    return render(source).html  # session questions never linked mentions


# model -> (the source and HTML columns it keeps, how its text is rendered)
STORED = (
    (Post, (("body_source", "body_html"),), _with_mentions),
    (Reply, (("body_source", "body_html"),), _with_mentions),
    (Question, (("body_source", "body_html"), ("answer_source", "answer_html")), _with_mentions),
    (SessionQuestion, (("body_source", "body_html"),), _plain),
)


def rerender_stored_html(everything: bool = False) -> dict[str, int]:
    """Render again every row older than RENDER_VERSION (or every row), committing per batch."""
    counts: dict[str, int] = {}
    for model, columns, render_text in STORED:
        done, after = 0, 0
        while True:
            stmt = select(model).where(model.id > after).order_by(model.id).limit(BATCH)
            if not everything:
                stmt = stmt.where(model.render_version < RENDER_VERSION)
            rows = list(db.session.scalars(stmt))
            if not rows:
                break
            for row in rows:
                for source_column, html_column in columns:
                    source = getattr(row, source_column)
                    if source is not None:
                        setattr(row, html_column, render_text(source))
                row.render_version = RENDER_VERSION
            db.session.commit()
            done += len(rows)
            after = rows[-1].id
        counts[model.__tablename__] = done
    return counts
