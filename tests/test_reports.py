"""Reporting a post, reply, curated link or profile: once each, under a clause, never revealing who."""

import pytest
from sqlalchemy import func, select

from app.errors import NotFound, ValidationError
from app.extensions import db
from app.models import ModerationCase, Notification, Post, Report, User
from app.moderation import reports
from app.moderation.cases import resolve_target
from tests import factories
from tests.api_helpers import api_factory, error_fields  # noqa: F401
from tests.moderation_helpers import clause_id, decide, make_post, make_reply, published_policy, report  # noqa: F401


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_report_opens_a_case_placed_by_the_clause_severity(app, published, member, comms):
    post_id = make_post(app, comms, "Off-colour joke about a colleague")
    case_id = report(app, member, "post", post_id, "keep-it-safe", "Names a victim")
    with app.app_context():
        case = db.session.get(ModerationCase, case_id)
        assert (case.status, case.severity, case.source, case.author_id) == ("new", 3, "report", comms.id)
        [row] = case.reports
        assert row.clause.key == "keep-it-safe" and row.details == "Names a victim"


def test_more_reports_join_the_open_case_and_raise_its_severity(app, published, member, leader, comms):
    post_id = make_post(app, comms)
    first = report(app, member, "post", post_id, "be-yourself")
    second = report(app, leader, "post", post_id, "keep-it-safe")
    assert first == second
    with app.app_context():
        case = db.session.get(ModerationCase, first)
        assert case.severity == 3 and len(case.reports) == 2


def test_reporting_the_same_item_twice_is_refused_kindly(app, published, member, comms):
    post_id = make_post(app, comms)
    report(app, member, "post", post_id, "respect")
    with pytest.raises(ValidationError) as exc:
        report(app, member, "post", post_id, "keep-it-safe")
    assert "already reported" in exc.value.fields["form"]
    assert _count(app, Report) == 1


def test_the_unique_constraint_backs_the_check(app, published, member, comms, monkeypatch):
    """Two requests at once both pass the check; the database refuses the second."""
    post_id = make_post(app, comms)
    report(app, member, "post", post_id, "respect")
    with app.app_context():
        person = db.session.get(User, member.id)
        target = resolve_target(person, "post", post_id)
        # As if the other request hadn't committed yet when this one checked.
        monkeypatch.setattr(reports, "already_reported", lambda *args: False)
        with pytest.raises(ValidationError) as exc:
            reports.report_item(person, target, None, "again")
        assert "already reported" in exc.value.fields["form"]


def test_something_else_needs_details_and_bad_clauses_are_refused(app, published, member, comms):
    post_id = make_post(app, comms)
    with app.app_context():
        person = db.session.get(User, member.id)
        target = resolve_target(person, "post", post_id)
        with pytest.raises(ValidationError) as exc:
            reports.report_item(person, target, None, "   ")
        assert "details" in exc.value.fields
        with pytest.raises(ValidationError) as exc:
            reports.report_item(person, target, 424242, "")
        assert "clause_id" in exc.value.fields
        with pytest.raises(ValidationError) as exc:
            reports.report_item(person, target, None, "x" * 2001)
        assert "details" in exc.value.fields
    assert _count(app, Report) == 0 and _count(app, ModerationCase) == 0


def test_nobody_reports_their_own_content_or_something_already_removed(app, published, member, comms):
    post_id = make_post(app, member)
    with pytest.raises(ValidationError, match="Please correct"):
        report(app, member, "post", post_id, "respect")
    with pytest.raises(ValidationError):
        report(app, member, "user", member.id, "respect")
    other = make_post(app, comms)
    with app.app_context():
        db.session.get(Post, other).status = "deleted"
        db.session.commit()
    with pytest.raises(ValidationError) as exc:
        report(app, member, "post", other, "respect")
    assert "already been removed" in exc.value.fields["form"]


def test_replies_profiles_and_curated_links_can_be_reported(app, published, member, comms):
    post_id = make_post(app, comms)
    reply_id = make_reply(app, comms, post_id, "Snide reply")
    with app.app_context():
        db.session.get(Post, post_id).kind = "link"  # a curated link rides on a post
        db.session.commit()
    link_case = report(app, member, "post", post_id, "respect")
    reply_case = report(app, member, "reply", reply_id, "respect")
    profile_case = report(app, member, "user", comms.id, None, "Offensive bio")
    with app.app_context():
        cases = {c.id: c for c in db.session.scalars(select(ModerationCase))}
        assert cases[reply_case].post_id == post_id and cases[reply_case].reply_id == reply_id
        assert cases[profile_case].community_id is None and cases[profile_case].author_id == comms.id
        assert cases[link_case].target_key == f"post:{post_id}"


def test_the_intruder_cannot_report_what_they_cannot_see(app, published, admin, intruder):
    with app.app_context():
        secret = factories.make_community(db.session.get(User, admin.id), "secret", "Operation Quiet")
        secret_id = secret.id
    post_id = make_post(app, admin, "Need to know", secret_id)
    with app.app_context(), pytest.raises(NotFound):
        resolve_target(db.session.get(User, intruder.id), "post", post_id)


def test_the_report_page_and_form(app, client, login, published, member, comms):
    post_id = make_post(app, comms, "A post to report")
    login(member)
    page = client.get(f"/report/post/{post_id}?next=/").get_data(as_text=True)
    assert "Keep information safe" in page and "Something else" in page and "A post to report" in page
    assert "The author is never told who reported it." in page
    response = client.post(
        f"/report/post/{post_id}",
        data={"reason": str(clause_id(app, "respect")), "details": "", "next": "/"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "You've already reported this" in client.get(f"/report/post/{post_id}").get_data(as_text=True)
    again = client.post(f"/report/post/{post_id}", data={"reason": "other", "details": "again"})
    assert again.status_code == 422 and "already reported" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the reason that fits best."),
        ({"reason": "other", "details": ""}, "Tell the moderators what"),
        ({"reason": "99999999999999999999"}, "Choose a reason from the list."),
        ({"reason": "<script>"}, "Choose a reason from the list."),
        ({"reason": "other", "details": "y" * 5000}, "Keep it to 2000 characters."),
    ],
)
def test_bad_report_forms_show_the_error_and_keep_nothing(
    app, client, login, published, member, comms, data, message
):
    post_id = make_post(app, comms)
    login(member)
    response = client.post(f"/report/post/{post_id}", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert _count(app, Report) == 0


@pytest.mark.parametrize(
    "url", ["/report/post/999999", "/report/reply/5", "/report/user/2147483647", "/report/group/1"]
)
def test_reporting_unknown_things_is_a_404(client, login, member, url):
    login(member)
    assert client.get(url).status_code == 404
    assert client.post(url, data={"reason": "other", "details": "x"}).status_code == 404


def test_report_links_on_cards_replies_and_profiles(app, client, login, published, member, comms):
    post_id = make_post(app, comms, "Visible to all")
    reply_id = make_reply(app, comms, post_id)
    login(member)
    thread = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f"/report/post/{post_id}" in thread and f"/report/reply/{reply_id}" in thread
    assert "More actions for this post" in thread  # the menu shows for everyone now
    assert f"/report/user/{comms.id}" in client.get(f"/people/{comms.id}").get_data(as_text=True)
    login(comms)
    own = client.get(f"/posts/{post_id}").get_data(as_text=True)
    assert f"/report/post/{post_id}" not in own and f"/report/reply/{reply_id}" not in own
    assert "/report/user/" not in client.get(f"/people/{comms.id}").get_data(as_text=True)


def test_the_author_is_never_told_who_reported(app, client, login, published, member, comms, moderator):
    post_id = make_post(app, comms, "Borderline")
    case_id = report(app, member, "post", post_id, "respect", "Morgan thinks this is rude")
    decision_id = decide(app, moderator, case_id, "honest_mistake", explanation="Please soften the tone.")
    login(comms)
    notes = client.get("/notifications").get_data(as_text=True)
    page = client.get(f"/moderation/decisions/{decision_id}").get_data(as_text=True)
    for text in (notes, page):
        assert member.name not in text and "Morgan thinks" not in text
    assert "Please soften the tone." in page
    with app.app_context():
        [note] = db.session.scalars(select(Notification).where(Notification.user_id == comms.id)).all()
        assert note.actor_id is None and member.name not in str(note.data)


def test_the_api_creates_reports(app, api, published, member, comms):
    post_id = make_post(app, comms)
    client = api(member)
    response = client.post(
        "/reports", json={"target_type": "post", "target_id": post_id, "clause_id": clause_id(app, "respect")}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (
        body["target_type"] == "post" and body["target_id"] == post_id and body["clause"]["key"] == "respect"
    )
    again = client.post("/reports", json={"target_type": "post", "target_id": post_id, "details": "x"})
    assert again.status_code == 422 and "already reported" in error_fields(again)["form"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"target_type": "group", "target_id": 1}, 422, "target_type"),
        ({"target_type": "post"}, 422, "target_id"),
        ({"target_type": "post", "target_id": "1"}, 422, "target_id"),
        ({"target_type": "post", "target_id": 2**40}, 422, "target_id"),
        ({"target_type": "post", "target_id": 999999, "details": "x"}, 404, None),
        ({"target_type": "post", "target_id": None}, 422, "target_id"),
    ],
)
def test_the_api_refuses_bad_reports(app, api, published, member, body, status, field):
    response = api(member).post("/reports", json=body)
    assert response.status_code == status
    if field:
        assert field in error_fields(response)
    assert _count(app, Report) == 0


def test_the_api_refuses_a_bad_clause_and_a_read_token(app, api, published, member, comms):
    post_id = make_post(app, comms)
    bad = api(member).post("/reports", json={"target_type": "post", "target_id": post_id, "clause_id": True})
    assert bad.status_code == 422
    read = api(member, scope="read").post("/reports", json={"target_type": "post", "target_id": post_id})
    assert read.status_code == 403
    assert api(member).post("/reports", data="[1]").status_code == 400
