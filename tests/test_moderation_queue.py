"""The moderators' queue: severity then age, claiming so two moderators don't collide, who sees what."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.models import AuditEntry, ModerationCase, User, utcnow
from app.moderation import decisions, queue
from tests import factories
from tests.moderation_helpers import make_post, make_reply, published_policy, report  # noqa: F401


def _user(app, role="member", **kwargs) -> User:
    with app.app_context():
        user = factories.make_user(role=role, **kwargs)
        db.session.expunge(user)
        return user


def test_the_queue_is_sorted_by_severity_then_age(app, client, login, published, member, comms, moderator):
    low = report(app, member, "post", make_post(app, comms, "low one"), "be-yourself")
    high_old = report(app, member, "post", make_post(app, comms, "high old"), "keep-it-safe")
    medium = report(app, member, "post", make_post(app, comms, "medium"), None, "odd")
    high_new = report(app, member, "post", make_post(app, comms, "high new"), "keep-it-safe")
    with app.app_context():
        cases, cursor = queue.queue_page(db.session.get(User, moderator.id), "new", None)
        assert [c.id for c in cases] == [high_old, high_new, medium, low] and cursor is None
    login(moderator)
    page = client.get("/moderation").get_data(as_text=True)
    assert page.index("high old") < page.index("high new") < page.index("medium") < page.index("low one")
    assert "High severity" in page and "1 report" in page


def test_the_queue_pages_by_cursor(app, published, member, comms, moderator, monkeypatch):
    monkeypatch.setattr(queue, "PAGE_SIZE", 2)
    ids = [
        report(app, member, "post", make_post(app, comms), key)
        for key in ("respect", "keep-it-safe", "respect")
    ]
    with app.app_context():
        mod = db.session.get(User, moderator.id)
        first, cursor = queue.queue_page(mod, "new", None)
        second, end = queue.queue_page(mod, "new", cursor)
        assert [c.id for c in first + second] == [ids[1], ids[0], ids[2]] and end is None
        assert queue.queue_page(mod, "new", "nonsense")[0] == first
        with pytest.raises(ValidationError):
            queue.queue_page(mod, "everything", None)


def test_members_cannot_see_the_queue(app, client, login, member, intruder):
    for person in (member, intruder):
        login(person)
        assert client.get("/moderation").status_code == 403
        assert client.get("/moderation/cases/1").status_code == 403


def test_cases_in_communities_a_moderator_cannot_read_stay_out_of_their_queue(
    app, client, login, published, admin
):
    owner = _user(app, "leader", name="Olu Owner")
    insider = _user(app, "member", name="Ines Insider")
    outsider_mod = _user(app, "moderator", name="Oscar Outside")
    member_mod = _user(app, "moderator", name="Mina Member")
    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, owner.id),
            "secret",
            "Operation Lantern",
            [db.session.get(User, insider.id), db.session.get(User, member_mod.id)],
        )
        secret_id = secret.id
    case_id = report(
        app, insider, "post", make_post(app, owner, "Lantern briefing", secret_id), "keep-it-safe"
    )
    login(outsider_mod)
    page = client.get("/moderation").get_data(as_text=True)
    assert "Lantern" not in page and "Nothing new to review" in page
    assert client.get(f"/moderation/cases/{case_id}").status_code == 404
    assert "badge" not in client.get("/").get_data(as_text=True).split("Moderation")[1][:80]
    for person in (member_mod, admin):
        login(person)
        assert "Lantern briefing" in client.get(f"/moderation/cases/{case_id}").get_data(as_text=True)


def test_the_nav_shows_moderation_with_a_count_of_new_reports(
    app, client, login, published, member, comms, moderator
):
    login(member)
    assert "/moderation" not in client.get("/").get_data(as_text=True)
    report(app, member, "post", make_post(app, comms), "respect")
    report(app, member, "post", make_post(app, comms), "respect")
    login(moderator)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="Moderation, 2 new reports"' in home
    assert "Guidance" in home


def test_claiming_a_case_stops_a_second_moderator(app, client, login, published, member, comms, moderator):
    other = _user(app, "moderator", name="Sam Second")
    case_id = report(app, member, "post", make_post(app, comms), "respect")
    login(moderator)
    assert client.post(f"/moderation/cases/{case_id}/claim").status_code == 302
    login(other)
    client.post(f"/moderation/cases/{case_id}/claim", follow_redirects=False)
    page = client.get(f"/moderation/cases/{case_id}").get_data(as_text=True)
    assert f"{moderator.name}</strong> started reviewing" in page and "Send decision" not in page
    response = client.post(f"/moderation/cases/{case_id}/decide", data={"intent": "no_breach"})
    assert response.status_code == 422 and f"{moderator.name} is reviewing this case" in response.get_data(
        as_text=True
    )
    with app.app_context():
        case = db.session.get(ModerationCase, case_id)
        assert (case.status, case.claimed_by_id) == ("in_review", moderator.id)


def test_a_stale_claim_can_be_taken_over_and_a_claim_released(app, published, member, comms, moderator):
    other = _user(app, "moderator")
    case_id = report(app, member, "post", make_post(app, comms), "respect")
    with app.app_context():
        first, second = db.session.get(User, moderator.id), db.session.get(User, other.id)
        case = db.session.get(ModerationCase, case_id)
        decisions.claim(first, case)
        with pytest.raises(ValidationError):
            decisions.claim(second, case)
        case.claimed_at = utcnow() - timedelta(hours=2)
        decisions.claim(second, case)
        assert case.claimed_by_id == other.id
        with pytest.raises(ValidationError):
            decisions.release(first, case)
        decisions.release(second, case)
        assert (case.status, case.claimed_by_id) == ("new", None)
        db.session.commit()
        actions = list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-3:] == ["moderation.claimed", "moderation.taken_over", "moderation.released"]


def test_a_case_shows_the_item_in_its_thread_with_history_and_past_outcomes(
    app, client, login, published, member, comms, moderator
):
    from tests.moderation_helpers import decide

    earlier = report(app, member, "post", make_post(app, comms, "An earlier slip"), "respect")
    decide(app, moderator, earlier, "honest_mistake", explanation="Mind the tone.")
    post_id = make_post(app, comms, "The first words")
    reply_id = make_reply(app, member, post_id, "A reply in the thread")
    target_reply = make_reply(app, comms, post_id, "The reply under review")
    with app.app_context():
        from app.models import Reply
        from app.posts.replies import edit_reply

        edit_reply(
            db.session.get(User, comms.id),
            db.session.get(Reply, target_reply),
            "The edited reply under review",
        )
        db.session.commit()
    case_id = report(app, member, "reply", target_reply, "respect", "Rude to me")
    login(moderator)
    page = client.get(f"/moderation/cases/{case_id}").get_data(as_text=True)
    assert (
        "The first words" in page
        and "A reply in the thread" in page
        and "The edited reply under review" in page
    )
    assert "This reply is the one under review" in page and f"mod-reply-{reply_id}" in page
    assert "Earlier versions (1)" in page and "The reply under review" in page
    assert "Past outcomes" in page and "Honest mistake" in page
    assert "Rude to me" in page and member.name in page  # moderators see who reported


@pytest.mark.parametrize("status", ["new", "decided"])
def test_the_queue_page_costs_the_same_whatever_its_length(
    app, client, login, published, member, comms, moderator, count_queries, status
):
    from tests.moderation_helpers import decide

    def add(n: int) -> None:
        for _ in range(n):
            for case_id in (
                report(app, member, "post", make_post(app, comms), "keep-it-safe"),
                report(app, comms, "reply", make_reply(app, member, make_post(app, member)), None, "odd"),
            ):
                if status == "decided":
                    decide(app, moderator, case_id, "honest_mistake")

    def run() -> int:
        login(moderator)
        with count_queries() as n:
            assert client.get(f"/moderation?status={status}").status_code == 200
        return n()

    add(1)
    few = run()
    add(5)
    assert run() == few


def test_unknown_and_huge_case_ids_are_404(client, login, moderator):
    login(moderator)
    for url in ("/moderation/cases/42", "/moderation/cases/99999999999"):
        assert client.get(url).status_code == 404
    assert client.post("/moderation/cases/42/claim").status_code == 404
    assert client.get("/moderation?status=bogus").status_code == 302
