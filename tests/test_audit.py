"""The audit log records admin actions in the same transaction as the change."""

from sqlalchemy import select

from app.admin import services
from app.extensions import db
from app.models import AuditEntry, User


def _entries() -> list[tuple[str, int | None, dict]]:
    return [
        (e.action, e.target_id, e.data)
        for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]


def test_role_changes_and_deactivation_are_audited(ctx, admin, member):
    acting, person = db.session.get(User, admin.id), db.session.get(User, member.id)
    services.set_role(acting, person, "comms")
    services.deactivate(acting, person)
    services.reactivate(acting, person)
    db.session.commit()
    assert _entries() == [
        ("user.role_changed", member.id, {"before": "member", "after": "comms"}),
        ("user.deactivated", member.id, {}),
        ("user.reactivated", member.id, {}),
    ]
    assert {e.actor_id for e in db.session.scalars(select(AuditEntry))} == {admin.id}


def test_a_rolled_back_change_leaves_no_audit_entry(ctx, admin, member):
    services.set_role(db.session.get(User, admin.id), db.session.get(User, member.id), "leader")
    db.session.rollback()
    assert _entries() == []
    assert db.session.get(User, member.id).role == "member"
