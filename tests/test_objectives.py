"""Objectives: the admins' catalogue, the picker in the composer (choice, community default, none),
community defaults, and the objective page listing everything tagged with it, with its figures."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Community, Objective, ObjectiveTarget, Post, User
from app.objectives import services
from app.posts.services import create_post
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401


def objective(app, admin, leader, name="Community safety", **extra) -> int:
    with app.app_context():
        row = services.create_objective(
            db.session.get(User, admin.id), {"name": name, "owner_id": str(leader.id), **extra}
        )
        db.session.commit()
        return row.id


def test_admins_keep_the_catalogue(app, client, login, admin, leader):
    login(admin)
    assert b"No objectives yet" in client.get("/admin/objectives").data
    response = client.post(
        "/admin/objectives",
        data={
            "name": "Public trust and confidence",
            "description": "People trust us to keep them safe.",
            "owner_id": leader.id,
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "target_people_reached": "500",
            "target_items": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Objective))
        assert (row.name, row.owner_id, str(row.starts_on), str(row.ends_on)) == (
            "Public trust and confidence",
            leader.id,
            "2026-04-01",
            "2027-03-31",
        )
        assert services.targets_of(row) == {"people_reached": 500}
        assert db.session.scalar(select(AuditEntry.action)) == "objective.created"
        objective_id = row.id
    edit = client.post(
        f"/admin/objectives/{objective_id}",
        data={
            "name": "Public trust",
            "owner_id": leader.id,
            "target_items": "20",
            "target_people_reached": "",
        },
    )
    assert edit.status_code == 302
    with app.app_context():
        row = db.session.get(Objective, objective_id)
        assert row.name == "Public trust" and services.targets_of(row) == {"items": 20}
    assert client.post(f"/admin/objectives/{objective_id}/archive", data={"archived": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(Objective, objective_id).archived_at is not None
        assert services.active_objectives() == []
    client.post(f"/admin/objectives/{objective_id}/archive", data={"archived": "0"})
    with app.app_context():
        assert [o.id for o in services.active_objectives()] == [objective_id]


@pytest.mark.parametrize(
    "data,field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Community safety"}, "name"),  # taken (any case)
        ({"name": "New", "owner_id": ""}, "owner_id"),
        ({"name": "New", "owner_id": "MEMBER"}, "owner_id"),
        ({"name": "New", "owner_id": "abc"}, "owner_id"),
        ({"name": "New", "starts_on": "31/12/2026"}, "starts_on"),
        ({"name": "New", "starts_on": "2027-01-02", "ends_on": "2027-01-01"}, "ends_on"),
        ({"name": "New", "ends_on": "3000-01-01"}, "ends_on"),
        ({"name": "New", "target_items": "0"}, "target_items"),
        ({"name": "New", "target_items": "9" * 40}, "target_items"),
        ({"name": "New", "description": "x" * 2001}, "description"),
    ],
)
def test_bad_objectives_are_explained_and_nothing_is_stored(
    app, client, login, admin, leader, member, data, field
):
    objective(app, admin, leader, "community SAFETY")
    login(admin)
    data = {"owner_id": str(leader.id), **data}
    data = {k: str(member.id) if v == "MEMBER" else v for k, v in data.items()}
    response = client.post("/admin/objectives", data=data)
    assert response.status_code == 422 and f'id="f-{field}-error"'.encode() in response.data
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Objective)) == 1


@pytest.mark.parametrize("who", ["member", "leader", "comms", "moderator"])
def test_only_admins_reach_the_catalogue(request, client, login, admin, leader, app, who):
    objective_id = objective(app, admin, leader)
    login(request.getfixturevalue(who))
    assert client.get("/admin/objectives").status_code == 403
    assert client.post("/admin/objectives", data={"name": "X"}).status_code == 403
    assert client.post(f"/admin/objectives/{objective_id}/archive", data={"archived": "1"}).status_code == 403


def test_the_composer_offers_objectives_and_posts_serve_the_choice(app, client, login, admin, leader, member):
    safety = objective(app, admin, leader)
    wellbeing = objective(app, admin, leader, "Staff wellbeing")
    login(member)
    home = client.get("/").data.decode()
    assert "Serves the objective" in home and "Staff wellbeing" in home
    client.post("/posts", data={"body": "Neighbourhood watch meeting", "objective_id": str(safety)})
    client.post("/posts", data={"body": "No objective here", "objective_id": "none"})
    with app.app_context():
        tagged = dict(db.session.execute(select(Post.body_source, Post.objective_id)).all())
    assert tagged == {"Neighbourhood watch meeting": safety, "No objective here": None}
    for bad in ("999999", "abc", str(2**40)):
        response = client.post("/posts", data={"body": "Bad objective", "objective_id": bad})
        assert response.status_code == 422 and b"Bad objective" in response.data
    with app.app_context():
        services.set_archived(db.session.get(User, admin.id), db.session.get(Objective, wellbeing), True)
        db.session.commit()
    assert client.post("/posts", data={"body": "Archived", "objective_id": str(wellbeing)}).status_code == 422
    assert "Staff wellbeing" not in client.get("/").data.decode()


def test_the_community_default_applies_unless_the_author_chooses(
    app, client, login, admin, leader, comms, member
):
    safety = objective(app, admin, leader)
    wellbeing = objective(app, admin, leader, "Staff wellbeing")
    with app.app_context():
        community = factories.make_community(
            db.session.get(User, comms.id), "public", "Roads", [db.session.get(User, member.id)]
        )
        slug, community_id = community.slug, community.id
    login(member)
    assert (
        client.post(
            f"/communities/{slug}/default-objective", data={"default_objective_id": str(safety)}
        ).status_code
        == 403
    )
    login(comms)
    assert b"Default objective" in client.get(f"/communities/{slug}/settings").data
    assert (
        client.post(
            f"/communities/{slug}/default-objective", data={"default_objective_id": "999"}
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Community, community_id).default_objective_id is None
    client.post(f"/communities/{slug}/default-objective", data={"default_objective_id": str(safety)})
    login(member)
    client.post("/posts", data={"body": "Default", "community_id": community_id, "objective_id": ""})
    client.post(
        "/posts", data={"body": "Chosen", "community_id": community_id, "objective_id": str(wellbeing)}
    )
    client.post("/posts", data={"body": "None", "community_id": community_id, "objective_id": "none"})
    client.post("/posts", data={"body": "All staff"})
    with app.app_context():
        tagged = dict(db.session.execute(select(Post.body_source, Post.objective_id)).all())
        assert tagged == {"Default": safety, "Chosen": wellbeing, "None": None, "All staff": None}
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "community.default_objective_set")
        )
        assert entry.data == {"objective_id": safety}


def test_the_api_takes_an_objective_too(app, api, admin, leader, member):
    safety = objective(app, admin, leader)
    client = api(member)
    assert client.post("/posts", json={"body": "tagged", "objective_id": safety}).status_code == 201
    assert client.post("/posts", json={"body": "bad", "objective_id": "x"}).status_code == 422
    assert client.post("/posts", json={"body": "bad", "objective_id": 99999}).status_code == 422
    items = client.get("/objectives").get_json()["items"]
    assert [(o["name"], o["items"]) for o in items] == [("Community safety", 1)]
    assert [p["body"] for p in client.get(f"/objectives/{safety}/posts").get_json()["items"]] == ["tagged"]
    assert client.get("/objectives/999/posts").status_code == 404


def test_the_objective_page_lists_every_kind_tagged_that_i_may_read(
    app, client, login, admin, leader, comms, member, intruder
):
    from app.leadership.updates import publish_update

    safety = objective(app, admin, leader, target_items="10")
    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, comms.id), "secret", "Op Kestrel", [db.session.get(User, member.id)]
        )
        create_post(db.session.get(User, member.id), "Open post on safety", None, safety)
        create_post(db.session.get(User, member.id), "Kestrel briefing", secret, safety)
        publish_update(
            db.session.get(User, leader.id), title="Safety update", body="From the chief", objective=safety
        )
        create_post(db.session.get(User, member.id), "Untagged", None, None)
        db.session.commit()
    login(intruder)
    page = client.get(f"/objectives/{safety}").data.decode()
    assert "Open post on safety" in page and "Safety update" in page
    assert "Kestrel" not in page and "Untagged" not in page
    assert "Items tagged" in page and "10 items tagged" in page
    login(member)
    assert "Kestrel briefing" in client.get(f"/objectives/{safety}").data.decode()
    listing = client.get("/objectives").data.decode()
    assert "Community safety" in listing and "Owned by" in listing
    assert client.get("/objectives/999999").status_code == 404
    card = client.get("/").data.decode()
    assert 'class="tag tag--objective"' in card


def test_archived_objectives_keep_their_page(app, client, login, admin, leader, member):
    safety = objective(app, admin, leader)
    with app.app_context():
        services.set_archived(db.session.get(User, admin.id), db.session.get(Objective, safety), True)
        db.session.commit()
    login(member)
    assert b"This objective is archived" in client.get(f"/objectives/{safety}").data


def test_deleting_an_objective_target_row_cascades(app, admin, leader):
    safety = objective(app, admin, leader, target_items="3", target_engagement="4")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ObjectiveTarget)) == 2
        db.session.delete(db.session.get(Objective, safety))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ObjectiveTarget)) == 0
