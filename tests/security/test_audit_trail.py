"""Admin actions and role changes leave an audit entry (who, what, on whom, before and after), in the
same transaction as the change: role and account changes, invitations, units, community roles."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Invitation, Unit
from tests.api_helpers import community


def _actions(app) -> list[tuple[str, int | None, dict]]:
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.actor_id, row.data) for row in rows]


def test_admin_pages_record_who_did_what(app, client, login, admin, member):
    login(admin)
    client.post(f"/admin/people/{member.id}/role", data={"role": "comms"})
    client.post(
        "/admin/invitations", data={"email": "new.starter@example.police.uk", "name": "New", "role": "member"}
    )
    with app.app_context():
        invitation = db.session.scalar(select(Invitation.id))
    client.post(f"/admin/invitations/{invitation}/resend")
    with app.app_context():
        newest = db.session.scalar(select(Invitation.id).order_by(Invitation.id.desc()))
    client.post(f"/admin/invitations/{newest}/revoke")
    client.post("/admin/units", data={"name": "Roads Policing"})
    with app.app_context():
        unit = db.session.scalar(select(Unit.id).where(Unit.name == "Roads Policing"))
    client.post(f"/admin/units/{unit}", data={"name": "Roads Policing Unit"})
    client.post(f"/admin/units/{unit}/delete")
    client.post(f"/admin/people/{member.id}/deactivate")
    client.post(f"/admin/people/{member.id}/reactivate")
    actions = _actions(app)
    assert [a for a, *_ in actions] == [
        "user.role_changed",
        "invitation.sent",
        "invitation.resent",  # a new invitation, recorded as replacing the old one
        "invitation.revoked",
        "unit.created",
        "unit.updated",
        "unit.deleted",
        "user.deactivated",
        "user.reactivated",
    ]
    assert {actor for _, actor, _ in actions} == {admin.id}
    assert actions[0][2] == {"before": "member", "after": "comms"}
    assert (
        actions[5][2]["before"]["name"] == "Roads Policing"
        and actions[5][2]["after"]["name"] == "Roads Policing Unit"
    )


def test_community_role_changes_and_removals_are_audited(app, client, login, comms, member):
    place = community(app, comms, "private", "Dog Section", members=(member,))
    with app.app_context():
        from app.models import Community

        slug = db.session.get(Community, place).slug
    login(comms)
    client.post(f"/communities/{slug}/members/{member.id}/role", data={"role": "admin"})
    client.post(f"/communities/{slug}/members/{member.id}/remove")
    actions = _actions(app)
    assert [(a, actor) for a, actor, _ in actions] == [
        ("community.role_changed", comms.id),
        ("community.member_removed", comms.id),
    ]
    assert actions[0][2] == {"user_id": member.id, "before": "member", "after": "admin"}


def test_a_refused_change_leaves_no_entry(app, client, login, admin):
    login(admin)
    client.post(f"/admin/people/{admin.id}/role", data={"role": "member"})  # nobody changes their own
    client.post("/admin/units", data={"name": ""})
    assert _actions(app) == []
