"""The audit log page: every moderation and admin action, filtered, paged by cursor and exported."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import audit
from app.extensions import db
from app.models import AuditEntry, User, utcnow
from app.moderation import audit_log
from tests.moderation_helpers import decide, make_post, published_policy, report  # noqa: F401


def _entries(app, actor: User, n: int, action: str = "test.done", **data) -> None:
    with app.app_context():
        person = db.session.get(User, actor.id)
        for i in range(n):
            audit.record(person, action, "thing", i, f"reason {i}", **data)
        db.session.commit()


def test_moderators_and_admins_read_it_members_do_not(client, login, member, moderator, admin):
    login(member)
    assert client.get("/moderation/audit").status_code == 403
    assert client.post("/moderation/audit.csv").status_code == 403
    for person in (moderator, admin):
        login(person)
        assert client.get("/moderation/audit").status_code == 200


def test_it_lists_moderation_and_admin_actions_with_filters(
    app, client, login, published, admin, member, comms, moderator
):
    from app.admin.services import set_role

    decide(app, moderator, report(app, member, "post", make_post(app, comms), "respect"), "needs_change")
    with app.app_context():
        set_role(db.session.get(User, admin.id), db.session.get(User, member.id), "comms")
        db.session.commit()
    login(moderator)
    page = client.get("/moderation/audit").get_data(as_text=True)
    for action in (
        "policy.published",
        "moderation.claimed",
        "post.hidden",
        "moderation.decided",
        "user.role_changed",
    ):
        assert action in page
    only = client.get("/moderation/audit?action=post.hidden").get_data(as_text=True)
    assert "<code>post.hidden</code>" in only and "<code>moderation.decided</code>" not in only
    by_admin = client.get(f"/moderation/audit?actor={admin.id}").get_data(as_text=True)
    assert "<code>user.role_changed</code>" in by_admin and "<code>post.hidden</code>" not in by_admin
    today = utcnow().date()
    assert "post.hidden</code>" in client.get(
        f"/moderation/audit?date_from={today}&date_to={today}"
    ).get_data(as_text=True)
    tomorrow = today + timedelta(days=1)
    assert "No entries match" in client.get(f"/moderation/audit?date_from={tomorrow}").get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "date_from=31-12-2026",
        "date_to=2026-13-01",
        "date_from=2026-05-02&date_to=2026-05-01",
        "actor=abc",
        "actor=" + "9" * 30,
    ],
)
def test_bad_filters_explain_themselves(client, login, moderator, query):
    login(moderator)
    response = client.get(f"/moderation/audit?{query}")
    assert response.status_code == 422
    assert "field__error" in response.get_data(as_text=True)


def test_it_pages_newest_first_by_cursor(app, client, login, moderator, monkeypatch):
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 3)
    _entries(app, moderator, 5)
    login(moderator)
    first = client.get("/moderation/audit").get_data(as_text=True)
    assert "reason 4" in first and "reason 2" in first and "reason 1" not in first
    with app.app_context():
        third_newest = db.session.scalars(select(AuditEntry.id).order_by(AuditEntry.id.desc())).all()[2]
    assert f"cursor={third_newest}" in first
    second = client.get(f"/moderation/audit?cursor={third_newest}").get_data(as_text=True)
    assert "reason 1" in second and "reason 0" in second and "reason 4" not in second
    assert client.get("/moderation/audit?cursor=banana").status_code == 200


def test_the_csv_export_uses_the_filters_defuses_formulas_and_is_audited(app, client, login, moderator):
    _entries(app, moderator, 2, "test.kept", note="=SUM(A1:A9)")
    _entries(app, moderator, 1, "test.other")
    login(moderator)
    response = client.post("/moderation/audit.csv", data={"action": "test.kept"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["id", "when", "actor", "action"]
    assert [row[3] for row in rows[1:]] == ["test.kept", "test.kept"]
    assert all(row[7].startswith("note=") for row in rows[1:])
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.exported"))
        assert entry.actor_id == moderator.id and entry.data == {"filters": {"action": "test.kept"}}
    bad = client.post("/moderation/audit.csv", data={"date_from": "nope"})
    assert bad.status_code == 302


def test_an_empty_export_still_has_its_header(client, login, moderator):
    login(moderator)
    rows = list(
        csv.reader(
            io.StringIO(
                client.post("/moderation/audit.csv", data={"action": "none.such"}).get_data(as_text=True)
            )
        )
    )
    assert rows == [["id", "when", "actor", "action", "target_type", "target_id", "reason", "data"]]


def test_formula_cells_in_reasons_are_defused(app, client, login, moderator):
    with app.app_context():
        audit.record(db.session.get(User, moderator.id), "test.formula", reason="+cmd|' /C calc'!A0")
        db.session.commit()
    login(moderator)
    body = client.post("/moderation/audit.csv", data={"action": "test.formula"}).get_data(as_text=True)
    assert "'+cmd" in body
