"""Explanation templates: moderators keep them, pick one per decision and edit it for the person."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, ExplanationTemplate, Notification
from app.moderation import explanations
from app.policy.suggested import SUGGESTED_TEMPLATES
from tests.moderation_helpers import clause_id, make_post, published_policy, report  # noqa: F401


def test_suggested_templates_then_edit_and_retire(app, client, login, published, moderator):
    login(moderator)
    assert "Add the suggested templates" in client.get("/moderation/templates").get_data(as_text=True)
    client.post("/moderation/templates/suggested")
    with app.app_context():
        rows = explanations.templates()
        assert len(rows) == len(SUGGESTED_TEMPLATES)
        first = rows[0].id
    response = client.post(
        f"/moderation/templates/{first}",
        data={
            "title": "Renamed",
            "body": "Hi {name}, see {clause}.",
            "clause_key": "respect",
            "intent": "honest_mistake",
        },
    )
    assert response.status_code == 302
    client.post(f"/moderation/templates/{first}/archive", data={"archived": "1"})
    with app.app_context():
        template = db.session.get(ExplanationTemplate, first)
        assert template.title == "Renamed" and template.archived_at is not None
        assert first not in [t.id for t in explanations.templates()]
        actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {
        "moderation.template_created",
        "moderation.template_updated",
        "moderation.template_archived",
    } <= actions


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, "Give the template a name"),
        ({"title": "x", "body": ""}, "Write the explanation"),
        ({"title": "x" * 121, "body": "x"}, "Keep the name to 120"),
        ({"title": "x", "body": "x", "intent": "punish"}, "Choose a kind of decision"),
    ],
)
def test_bad_templates_are_refused(app, client, login, moderator, data, message):
    login(moderator)
    response = client.post("/moderation/templates", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ExplanationTemplate)) is None


def test_members_cannot_edit_templates(client, login, member):
    login(member)
    assert client.get("/moderation/templates").status_code == 403
    assert client.post("/moderation/templates", data={"title": "x", "body": "y"}).status_code == 403


def test_a_template_fills_the_decision_form_and_the_author_gets_the_edited_text(
    app, client, login, published, member, comms, moderator
):
    with app.app_context():
        template = explanations.save_template(
            db.session.get(type(moderator), moderator.id),
            None,
            "keep-it-safe",
            "honest_mistake",
            "Plates",
            "Hi {name}, clause {clause} asks us to keep plates off Rollcall.",
        )
        db.session.commit()
        template_id = template.id
    case_id = report(app, member, "post", make_post(app, comms, "Plate NX19 KLM"), "keep-it-safe")
    login(moderator)
    client.post(f"/moderation/cases/{case_id}/claim")
    page = client.get(f"/moderation/cases/{case_id}?template={template_id}").get_data(as_text=True)
    first_name = comms.name.split()[0]
    assert f"Hi {first_name}, clause 2 (“Keep information safe”) asks us" in page
    assert 'id="intent-honest_mistake" name="intent" value="honest_mistake" checked' in page
    assert "data-body=" in page  # for static/js/moderation.js
    client.post(
        f"/moderation/cases/{case_id}/decide",
        data={
            "intent": "honest_mistake",
            "clause_id": str(clause_id(app, "keep-it-safe")),
            "template_id": str(template_id),
            "explanation": f"Hi {first_name}, please take the plate out. Thanks!",
        },
    )
    with app.app_context():
        note = db.session.scalar(select(Notification).where(Notification.kind == "moderation_decision"))
        from app.models import Decision

        decision = db.session.get(Decision, note.data["decision_id"])
        assert decision.template_id == template_id and decision.explanation.endswith("Thanks!")


def test_every_moderation_notification_renders(app, client, login, member):
    from app.notifications.services import notify

    with app.app_context():
        for kind, data in [
            ("moderation_decision", {"decision_id": 1, "intent": "serious", "item": "post", "excerpt": "x"}),
            ("report_outcome", {"outcome": "serious", "item": "reply", "post_id": None}),
            ("appeal_outcome", {"decision_id": 1, "outcome": "upheld"}),
            ("post_held", {"reason": "it contains “x”", "post_id": 1, "item": "reply"}),
            ("post_approved", {"post_id": 1, "reply_id": 2, "item": "reply"}),
            ("posting_restricted", {"ends_at": "2027-01-02T00:00:00+00:00", "decision_id": None}),
        ]:
            notify(member.id, kind, **data)
        db.session.commit()
    login(member)
    page = client.get("/notifications").get_data(as_text=True)
    for text in (
        "Deliberate or serious",
        "it has been removed",
        "the decision stands",
        "held for review because it contains “x”",
        "approved your reply",
        "until 2027-01-02",
    ):
        assert text in page
    assert "Something happened." not in page
