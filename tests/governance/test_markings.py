"""Protective-marking labels: chosen in the composer from the admins' list, refused otherwise, shown
on the card and in the API; no list, no choice."""

from sqlalchemy import select

from app.extensions import db
from app.models import Post
from app.site_settings import set_setting
from tests.api_helpers import api_factory  # noqa: F401
from tests.governance.helpers import make_post


def test_the_composer_offers_the_markings_and_the_card_shows_the_one_chosen(app, client, login, member):
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert '<option value="OFFICIAL-SENSITIVE"' in page and "Protective marking" in page
    assert (
        client.post("/posts", data={"body": "Briefing notes", "marking": "OFFICIAL-SENSITIVE"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(Post.marking)) == "OFFICIAL-SENSITIVE"
    assert 'class="tag tag--marking"' in client.get("/").get_data(as_text=True)


def test_a_marking_not_on_the_list_is_refused_beside_the_field(app, client, login, member):
    login(member)
    response = client.post("/posts", data={"body": "x", "marking": "TOP SECRET"})
    assert response.status_code == 422 and "Choose a protective marking from the list" in response.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(Post)) is None


def test_the_api_takes_and_returns_the_marking(app, api, member):
    client = api(member)
    created = client.post("/posts", json={"body": "Plan", "marking": "OFFICIAL"})
    assert created.status_code == 201 and created.get_json()["marking"] == "OFFICIAL"
    assert client.post("/posts", json={"body": "Plan", "marking": "SECRET"}).status_code == 422
    assert client.post("/posts", json={"body": "Plan", "marking": 3}).status_code == 422
    assert client.get(f"/posts/{created.get_json()['id']}").get_json()["marking"] == "OFFICIAL"


def test_without_a_list_there_is_no_choice(app, client, login, member):
    with app.app_context():
        set_setting("protective_markings", "")
        db.session.commit()
    login(member)
    assert "Protective marking" not in client.get("/").get_data(as_text=True)
    make_post(app, member, "Unmarked")
