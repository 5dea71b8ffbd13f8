"""Writing the audit log: call record() inside the transaction that makes the change."""

from app.extensions import db
from app.models import AuditEntry, User


def record(
    actor: User | None,
    action: str,
    target_type: str = "",
    target_id: int | None = None,
    reason: str = "",
    **data,
) -> AuditEntry:
    """Add an audit entry to the current transaction (committed, or rolled back, with the change)."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason,
        data=data,
    )
    db.session.add(entry)
    return entry
