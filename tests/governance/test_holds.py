"""Legal holds in the admin pages: placing one (person, community, dates or a mix, always a reason),
lifting one with a reason, both audited; clear errors for anything wrong; admins only."""

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, LegalHold
from tests.api_helpers import community
from tests.governance.helpers import read_html


def _text(response) -> str:
    return " ".join(read_html(response.get_data(as_text=True)).text)


def test_an_admin_places_and_lifts_a_hold(app, client, login, admin, member, comms):
    place = community(app, comms, "private", name="Professional Standards")
    login(admin)
    assert client.get("/admin/holds").status_code == 200
    response = client.post(
        "/admin/holds",
        data={
            "person": member.email,
            "community_id": str(place),
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
            "reason": "Tribunal 2304567/2026",
        },
    )
    assert response.status_code == 302
    page = _text(client.get("/admin/holds"))
    assert (
        "Morgan Member" in page
        and "Professional Standards" in page
        and "1 Mar 2026" in page
        and "31 Mar 2026" in page
    )
    with app.app_context():
        hold = db.session.scalar(select(LegalHold))
        assert (hold.user_id, hold.community_id, hold.created_by_id) == (member.id, place, admin.id)
        assert hold.starts_at.isoformat() == "2026-03-01T00:00:00+00:00"
        assert hold.ends_at.isoformat() == "2026-04-01T00:00:00+00:00"  # the whole of the last day
        hold_id = hold.id
    no_reason = client.post(f"/admin/holds/{hold_id}/lift", data={"lift_reason": " "})
    assert no_reason.status_code == 422 and "Say why the hold can be lifted" in _text(no_reason)
    assert (
        client.post(f"/admin/holds/{hold_id}/lift", data={"lift_reason": "Claim withdrawn"}).status_code
        == 302
    )
    again = client.post(f"/admin/holds/{hold_id}/lift", data={"lift_reason": "Twice"})
    assert again.status_code == 422 and "isn't in place any more" in _text(again)
    assert client.post("/admin/holds/99999/lift", data={"lift_reason": "x"}).status_code == 422
    with app.app_context():
        hold = db.session.get(LegalHold, hold_id)
        assert hold.lift_reason == "Claim withdrawn" and hold.lifted_by_id == admin.id
        entries = db.session.execute(
            select(AuditEntry.action, AuditEntry.reason, AuditEntry.data).order_by(AuditEntry.id)
        ).all()
        assert [(a, r) for a, r, _ in entries] == [
            ("legal_hold.placed", "Tribunal 2304567/2026"),
            ("legal_hold.lifted", "Claim withdrawn"),
        ]
        assert entries[0].data == {
            "user_id": member.id,
            "community_id": place,
            "starts_on": "2026-03-01",
            "ends_on": "2026-03-31",
        }


def test_every_mistake_gets_a_clear_message_and_nothing_is_stored(app, client, login, admin):
    login(admin)
    cases = [
        ({"reason": "x"}, "Name a person, a community or dates"),
        ({"person": "nobody@example.police.uk", "reason": "x"}, "couldn't find anyone"),
        ({"community_id": "99999999999", "reason": "x"}, "Choose a community from the list"),
        ({"community_id": "abc", "reason": "x"}, "Choose a community from the list"),
        ({"starts_on": "31/03/2026", "reason": "x"}, "Enter a date, like 2026-03-24"),
        ({"starts_on": "1900-01-01", "reason": "x"}, "between 2000 and 2100"),
        ({"starts_on": "2026-04-01", "ends_on": "2026-03-01", "reason": "x"}, "on or after the start date"),
        ({"starts_on": "2026-04-01"}, "Say why"),
        ({"starts_on": "2026-04-01", "reason": "y" * 2001}, "under 2,000 characters"),
        ({"person": "@" + "x" * 500, "reason": "x"}, "couldn't find anyone"),
    ]
    for data, message in cases:
        response = client.post("/admin/holds", data=data)
        assert response.status_code == 422, data
        assert message in _text(response), (data, _text(response)[:400])
    with app.app_context():
        assert db.session.scalar(select(LegalHold)) is None


def test_only_admins_see_or_place_holds(app, client, login, moderator, member):
    for who in (member, moderator):
        login(who)
        assert client.get("/admin/holds").status_code == 403
        assert client.post("/admin/holds", data={"starts_on": "2026-01-01", "reason": "x"}).status_code == 403
        assert client.post("/admin/holds/1/lift", data={"lift_reason": "x"}).status_code == 403
