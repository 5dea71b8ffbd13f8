"""A link posted to a private or secret community is seen only by its readers: pages, bookmarks, the
click-through, the image, the numbers and the API. The intruder tries every door."""

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.links import curators
from app.models import CuratedLink, LinkClick, LinkPreview, LinkSave, Membership, User
from tests import factories
from tests.api_helpers import api_factory  # noqa: F401
from tests.links_helpers import PNG, post_id_of, preview_site_fixture, share, site_fixture  # noqa: F401

SECRET_WORDS = ("Nightjar", "Firearms unit", "Covert tactics", "Range day", "nightjar-brief", "range-day")


@pytest.fixture
def world(app, comms, member, intruder, leader):
    """Links in a secret, a private and a public place; the intruder saved the private one, then left."""
    with app.app_context():
        owner = db.session.get(User, comms.id)
        insiders = [db.session.get(User, member.id)]
        secret = factories.make_community(owner, "secret", name="Operation Nightjar", members=insiders).id
        private = factories.make_community(
            owner, "private", name="Firearms unit", members=[*insiders, db.session.get(User, intruder.id)]
        ).id
    secret_link = share(
        app,
        comms,
        "https://example.org/nightjar-brief",
        title="Covert tactics",
        topics="#ops",
        community_ids=[secret],
    )
    private_link = share(
        app, comms, "https://example.org/range-day", title="Range day", topics="#ops", community_ids=[private]
    )
    public_link = share(app, comms, "https://example.org/open", title="Open to all", topics="#ops")
    with app.app_context():
        db.session.add(LinkSave(user_id=intruder.id, link_id=private_link))
        db.session.delete(db.session.get(Membership, (private, intruder.id)))
        # A stored preview image, so a refusal below is about permission, not a missing file.
        folder = Path(app.config["MEDIA_DIR"]) / "link-previews"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "secret.png").write_bytes(PNG)
        for link_id in (secret_link, private_link, public_link):
            preview = db.session.get(CuratedLink, link_id).preview
            preview.status, preview.image_path, preview.image_type = (
                "ready",
                "link-previews/secret.png",
                "image/png",
            )
        curators.grant_curator(db.session.get(User, comms.id), db.session.get(User, intruder.id))
        db.session.commit()
    return {"secret": secret_link, "private": private_link, "public": public_link}


def _leaks(response) -> list[str]:
    text = response.get_data(as_text=True)
    return [word for word in SECRET_WORDS if word in text]


def test_members_see_everything_they_belong_to(app, client, login, member, world):
    login(member)
    page = client.get("/curated").get_data(as_text=True)
    assert "Covert tactics" in page and "Range day" in page and "Open to all" in page
    for link_id in world.values():
        with client.get(f"/links/{link_id}/image") as image:
            assert image.status_code == 200
        assert client.get(f"/links/{link_id}/go").status_code == 302


def test_the_intruder_sees_no_private_link_on_any_page(app, client, login, intruder, world):
    login(intruder)
    for path in ("/", "/curated", "/curated/all", "/curated?topic=ops", "/bookmarks", "/topics/ops",
                 "/curated/stats", "/links/new", "/notifications"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert _leaks(response) == [], path
    assert "Open to all" in client.get("/curated").get_data(as_text=True)
    assert "Nothing saved yet" in client.get("/bookmarks").get_data(as_text=True)  # the old save is hidden


@pytest.mark.parametrize("which", ["secret", "private"])
def test_every_door_to_a_private_link_is_a_404_for_the_intruder(app, client, login, intruder, world, which):
    link_id = world[which]
    login(intruder)
    for method, path in [
        ("GET", f"/links/{link_id}"),
        ("GET", f"/links/{link_id}/go"),
        ("GET", f"/links/{link_id}/image"),
        ("POST", f"/links/{link_id}/save"),
        ("GET", f"/posts/{post_id_of(app, link_id)}"),
        ("GET", f"/posts/{post_id_of(app, link_id)}/card"),
    ]:
        response = client.open(path, method=method, data={"saved": "1"})
        assert response.status_code == 404, (method, path)
        assert _leaks(response) == [], path
    with app.app_context():
        assert db.session.scalar(select(LinkClick.id)) is None


def test_the_preview_endpoint_never_names_an_earlier_private_share(app, client, login, intruder, world):
    login(intruder)  # a curator now, but not a reader of the secret community
    for url in ("https://example.org/nightjar-brief", "https://example.org/range-day"):
        body = client.post("/links/preview", data={"url": url}).get_json()
        assert body["earlier"] == []
    earlier = client.post("/links/preview", data={"url": "https://example.org/open"}).get_json()["earlier"]
    assert [e["title"] for e in earlier] == ["Open to all"]
    response = client.post(
        "/links/new", data={"url": "https://example.org/nightjar-brief", "why": "Mine too"}
    )
    assert response.status_code == 302  # no "already curated": that would reveal the secret share


def test_a_comms_officer_outside_the_community_gets_no_numbers_for_its_links(app, client, login, api, world):
    outsider = factories_comms(app)
    login(outsider)
    page = client.get("/curated/stats")
    assert page.status_code == 200 and "Open to all" in page.get_data(as_text=True)
    assert _leaks(page) == []
    client_api = api(outsider)
    assert client_api.get(f"/links/{world['secret']}/stats").status_code == 404
    assert client_api.get(f"/links/{world['public']}/stats").status_code == 200


def factories_comms(app) -> User:
    """A second comms officer who belongs to no private community."""
    with app.app_context():
        user = factories.make_user(name="Olu Outsider", role="comms")
        db.session.expunge(user)
        return user


def test_the_api_hides_private_links_from_the_intruder(app, api, intruder, world):
    client = api(intruder)
    for path in ("/links", "/links?topic=ops", "/links/saved", f"/links?curator_id={world['secret']}", "/events",
                 "/feeds/home", "/topics/ops/posts"):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert _leaks(response) == [], path
    assert [item["title"] for item in client.get("/links").get_json()["items"]] == ["Open to all"]
    assert client.get("/links/saved").get_json()["items"] == []
    for which in ("secret", "private"):
        link_id = world[which]
        assert client.get(f"/links/{link_id}").status_code == 404
        assert client.put(f"/links/{link_id}/save").status_code == 404
        assert client.delete(f"/links/{link_id}/save").status_code == 404
        assert client.get(f"/links/{link_id}/stats").status_code == 404
    with app.app_context():
        share_id = db.session.get(CuratedLink, world["secret"]).share_id
        assert db.session.get(LinkPreview, db.session.get(CuratedLink, world["secret"]).preview_id)
    assert client.get(f"/links?share_id={share_id}").get_json()["items"] == []


def test_live_updates_of_a_secret_link_reach_only_its_readers(app, comms, member, intruder, site, admin):
    """Sharing and the preview arriving push ids to the community's readers only (Socket.IO)."""
    from app.links.previews import fetch_pending_previews
    from app.links.settings import update_allowlist
    from tests.realtime_helpers import SocketPool, received, sign_in

    with app.app_context():
        secret = factories.make_community(
            db.session.get(User, comms.id),
            "secret",
            name="Operation Nightjar",
            members=[db.session.get(User, member.id)],
        ).id
        update_allowlist(db.session.get(User, admin.id), "127.0.0.1")
        db.session.commit()
    pool = SocketPool(app)
    try:
        insider, outsider = pool.connect(sign_in(app, member)), pool.connect(sign_in(app, intruder))
        link_id = share(app, comms, site.url("/page"), community_ids=[secret])
        with app.app_context():
            assert fetch_pending_previews() == 1
        seen = [(p["_event"], p.get("post_id")) for p in received(insider)]
        post_id = post_id_of(app, link_id)
        assert ("post_created", post_id) in seen and ("link_created", post_id) in seen
        assert ("post_updated", post_id) in seen  # the card refreshes itself when the preview lands
        assert received(outsider) == []
    finally:
        pool.close_all()
