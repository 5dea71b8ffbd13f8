"""The demo organisation shows leadership and insights working: objectives, an update to acknowledge,
answered questions and a dashboard with % of establishment."""

from sqlalchemy import select

from app.demo import email_for, seed_demo
from app.extensions import db
from app.models import User


def _person(name: str) -> User:
    return db.session.scalar(select(User).where(User.email == email_for(name)))


def test_the_demo_has_leadership_and_insights(app, client, login):
    with app.app_context():
        seed_demo(only_if_empty=False)
        db.session.commit()
        jordan, helen = _person("Jordan Ellis"), _person("Helen Marsden")
    login(jordan)
    home = client.get("/").data.decode()
    assert "Please read and acknowledge" in home and "Winter resilience" in home
    assert "Posted by Rachel Morgan for Helen Marsden" in home
    ask = client.get("/leadership/ask").data.decode()
    assert "Anonymous colleague" in ask and "three days a week" in ask and "Ryan Walsh" not in ask
    assert "Community safety" in client.get("/objectives").data.decode()
    login(helen)
    dashboard = client.get("/insights").data.decode()
    assert "Members, % of establishment" in dashboard and "Winter resilience" in dashboard
