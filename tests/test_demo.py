"""`flask demo seed`: the Northshire Police demo organisation."""

from sqlalchemy import func, select

from app.auth.services import authenticate
from app.demo import DEMO_PASSWORD, PEOPLE, email_for
from app.extensions import db
from app.models import Community, JoinRequest, Membership, Notification, Unit, User


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_builds_the_demo_police_service(app, runner):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for label in ("admin", "comms", "leader", "moderator", "member"):
        assert f"  {label:<10} " in result.output
    with app.app_context():
        people = db.session.scalars(select(User)).all()
        assert 35 <= len(people) <= 45
        assert {p.staff_type for p in people} == {"sworn", "civilian", "volunteer", "contractor"}
        assert all(p.email.endswith("@northshire.police.uk") and p.bio and p.job_title for p in people)
        roles = [p.role for p in people]
        assert roles.count("leader") == 2 and roles.count("admin") == 1 and roles.count("moderator") == 1
        assert 2 <= roles.count("comms") <= 3

        communities = db.session.scalars(select(Community)).all()
        assert len(communities) == 9
        assert {c.visibility for c in communities} == {"public", "private", "secret"}
        assert all(c.description for c in communities)
        for community in (c for c in communities if not c.is_all_staff):
            assert (
                _count(Membership, Membership.community_id == community.id, Membership.role == "owner") >= 1
            )

        all_staff = next(c for c in communities if c.is_all_staff)
        members = set(
            db.session.scalars(select(Membership.user_id).where(Membership.community_id == all_staff.id))
        )
        assert members == {p.id for p in people if p.is_active}

        harbour = next(c for c in communities if c.visibility == "secret")
        pc = db.session.scalar(select(User).where(User.email == "jordan.ellis@northshire.police.uk"))
        assert db.session.get(Membership, (harbour.id, pc.id)) is None  # the plain PC can't see it

        assert _count(Unit, Unit.parent_id.is_not(None)) >= 5
        request = db.session.scalar(select(JoinRequest).where(JoinRequest.kind == "request"))
        assert request.status == "pending" and request.community.visibility == "private"
        assert _count(Notification) >= 2


def test_every_demo_login_works_with_the_shared_password(app, runner):
    runner.invoke(args=["demo", "seed"])
    with app.app_context():
        for name, *_ in PEOPLE[:3]:
            assert authenticate(email_for(name), DEMO_PASSWORD) is not None
        hashes = set(db.session.scalars(select(User.password_hash)))
        assert len(hashes) == 1  # hashed once, not forty times


def test_if_empty_is_a_no_op_the_second_time(app, runner):
    first = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        before = (_count(User), _count(Community), _count(Membership))
    second = runner.invoke(args=["demo", "seed", "--if-empty"])
    assert second.exit_code == 0
    assert "not seeded" in second.output
    with app.app_context():
        assert (_count(User), _count(Community), _count(Membership)) == before


def test_seeding_twice_without_if_empty_explains_itself(runner):
    runner.invoke(args=["demo", "seed"])
    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 1
    assert "already in this database" in again.output


def test_email_addresses_are_firstname_dot_lastname():
    assert email_for("Liam O'Connor") == "liam.oconnor@northshire.police.uk"


def test_the_demo_has_curated_links_and_sessions_with_figures_on_the_dashboard(app, client, login):
    from app.demo import seed_demo
    from app.models import CuratedLink, LearningSession, LinkClick, SessionFeedback, SessionRsvp, utcnow

    with app.app_context():
        seed_demo(only_if_empty=False)
        db.session.commit()
        links = db.session.scalars(select(CuratedLink)).unique().all()
        assert len(links) >= 5 and all(link.post.body_source and link.post.objective_id for link in links)
        assert _count(LinkClick) >= 50
        sessions = db.session.scalars(select(LearningSession)).unique().all()
        now = utcnow()
        past = [s for s in sessions if s.ends_at < now]
        assert len(past) >= 2 and len([s for s in sessions if s.starts_at > now]) >= 2
        for session in past:
            attended = _count(
                SessionRsvp, SessionRsvp.session_id == session.id, SessionRsvp.attended.is_(True)
            )
            assert attended >= 3
            assert _count(SessionFeedback, SessionFeedback.session_id == session.id) >= 3
        helen = db.session.scalar(select(User).where(User.email == "helen.marsden@northshire.police.uk"))
    login(helen)
    page = client.get("/insights").data.decode()
    assert "Courier fraud is back" in page and "Curated links by curator" in page
    assert "Spotting scams before our residents fall for them" in page and "Average rating" in page
    assert "Links seen by under" not in page  # every demo link goes to a community big enough to show


def test_the_demo_logins_get_a_weekly_digest_with_something_in_it(app, runner):
    from app.digest.send import send_digests

    runner.invoke(args=["demo", "seed"])
    with app.app_context():
        report = send_digests("weekly", dry_run=True)
        assert report.would_send and not report.failed
        assert all(digest.user.email.endswith("@northshire.police.uk") for digest in report.would_send)
