"""Files under MEDIA_DIR: where each feature keeps them, and deleting them only once the database agrees.

A file removed in a transaction is deleted after that transaction commits (never before: a rollback
would leave rows pointing at nothing), so services call delete_after_commit() and never unlink.
"""

from pathlib import Path

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db

_PENDING = "rollcall_files_to_delete"


def media_dir(*parts: str) -> Path:
    """A folder below MEDIA_DIR (not created)."""
    return Path(current_app.config["MEDIA_DIR"]).joinpath(*parts)


def delete_after_commit(*paths: Path) -> None:
    """Delete these files once the current transaction commits (nothing happens if it rolls back)."""
    db.session().info.setdefault(_PENDING, []).extend(paths)


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released; the real commit is to come
    for path in session.info.pop(_PENDING, []):
        Path(path).unlink(missing_ok=True)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)


def _listen() -> None:
    from app.db import AppSession

    if not sa_event.contains(AppSession, "after_commit", _after_commit):
        sa_event.listen(AppSession, "after_commit", _after_commit)
        sa_event.listen(AppSession, "after_soft_rollback", _after_soft_rollback)


_listen()
