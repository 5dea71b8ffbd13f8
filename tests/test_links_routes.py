"""Curated link pages: sharing (and bad input), the Curated page, feeds, click-throughs, saves, numbers,
curators and the previews allow-list."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.links import curators
from app.models import CuratedLink, LinkClick, LinkSave, Post, Setting, User, utcnow
from app.posts.replies import react
from tests import factories
from tests.links_helpers import post_id_of, share


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _form(**fields) -> dict:
    return {"url": "https://example.org/report", "why": "Every sergeant should read section 3.", **fields}


def test_the_curated_nav_link_is_on_every_page(client, login, member):
    login(member)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/curated"' in page and ">Curated</a>" in page


def test_members_cannot_open_the_share_form_comms_can(client, login, member, comms):
    login(member)
    assert client.get("/links/new").status_code == 403
    assert client.post("/links/new", data=_form()).status_code == 403
    login(comms)
    page = client.get("/links/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for label in ("Web address", "Why it matters for us", "Title", "Source", "Short summary", "Topics"):
        assert label in html
    assert "data-preview-url" in html and "All staff: everyone sees it" in html


def test_sharing_goes_to_the_thread_and_the_home_feed_shows_the_link_card(app, client, login, comms, member):
    login(comms)
    response = client.post("/links/new", data=_form(title="Neighbourhood voices", topics="#engagement"))
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(select(CuratedLink))
        assert response.headers["Location"] == f"/posts/{link.post_id}"
        link_id = link.id
    login(member)
    home = client.get("/").get_data(as_text=True)
    assert "post--link" in home and "Curated link" in home and "Neighbourhood voices" in home
    assert f'href="/links/{link_id}/go"' in home and "Why it matters for us" in home
    assert "Every sergeant should read section 3." in home and "Fetching a preview" in home
    assert 'href="/topics/engagement"' in home and "Save for later" in home


def test_bad_input_re_shows_the_form_with_messages_and_keeps_what_was_typed(app, client, login, comms):
    login(comms)
    cases = [
        ({"url": "", "why": ""}, ["Paste the address", "Say why this matters"]),
        (_form(url="javascript:alert(1)"), ["Only web addresses starting http"]),
        (_form(why="w" * 5000), ["Keep it under 2,000 characters"]),
        (_form(title="t" * 10_000), ["Keep it under 200 characters"]),
        (_form(topics="not a topic!"), ["Topics are single words"]),
        (_form(audience="communities"), ["Choose at least one community"]),
        (_form(audience="communities", community_ids="banana"), ["Choose an option from the list"]),
        (_form(audience="communities", community_ids="99999999999999"), ["Choose an option from the list"]),
        (_form(audience="communities", community_ids="424242"), ["Choose communities you can post in"]),
        (_form(objective_id="-3"), ["Choose an option from the list"]),
        (_form(objective_id="31337"), ["Choose an objective from the list"]),
    ]
    for data, messages in cases:
        response = client.post("/links/new", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, data
        for message in messages:
            assert message in html, (data, message)
        assert 'class="field__error"' in html  # beside its field
    kept = client.post("/links/new", data=_form(why="", title="Keep me")).get_data(as_text=True)
    assert 'value="Keep me"' in kept and 'value="https://example.org/report"' in kept
    assert _count(app, CuratedLink) == 0 and _count(app, Post) == 0


def test_a_re_share_is_flagged_with_the_earlier_link_and_can_be_made_anyway(app, client, login, comms):
    link_id = share(app, comms, "https://example.org/report/?utm_source=feed")
    login(comms)
    response = client.post("/links/new", data=_form(url="https://EXAMPLE.org/report"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert (
        f'href="/links/{link_id}"' in html and "Already curated" in html and "Share it again anyway" in html
    )
    assert client.post("/links/new", data=_form(allow_duplicate="1")).status_code == 302
    assert _count(app, CuratedLink) == 2
    assert client.get(f"/links/{link_id}").headers["Location"] == f"/posts/{post_id_of(app, link_id)}"


def test_sharing_to_chosen_communities_posts_in_each(app, client, login, comms, member):
    with app.app_context():
        owner = db.session.get(User, comms.id)
        one = factories.make_community(owner, name="Response North").id
        two = factories.make_community(owner, "private", name="Digital team").id
    login(comms)
    response = client.post("/links/new", data=_form(audience="communities", community_ids=[one, two]))
    assert response.status_code == 302
    with app.app_context():
        places = set(db.session.scalars(select(Post.community_id).where(Post.kind == "link")))
    assert places == {one, two}


def test_the_preview_endpoint_queues_and_reports_by_address(app, client, login, comms, member):
    share(app, comms, "https://example.org/known")
    login(member)
    assert client.post("/links/preview", data={"url": "https://example.org/x"}).status_code == 403
    login(comms)
    queued = client.post("/links/preview", data={"url": "https://example.org/known/?utm_medium=x"})
    assert queued.status_code == 200
    body = queued.get_json()
    assert body["preview"]["status"] == "pending"
    assert [e["curator"] for e in body["earlier"]] == ["Casey Comms"]
    status = client.get("/links/preview?url=https://example.org/known").get_json()
    assert status["preview"]["status"] == "pending"
    assert client.get("/links/preview?url=https://example.org/never-asked").get_json()["preview"] is None
    bad = client.post("/links/preview", data={"url": "file:///etc/passwd"})
    assert bad.status_code == 422 and "url" in bad.get_json()["error"]["fields"]
    assert client.get("/links/preview").status_code == 422


def test_click_through_counts_and_redirects_to_the_original(app, client, login, comms, member):
    link_id = share(app, comms, "https://example.org/report?id=7")
    login(member)
    response = client.get(f"/links/{link_id}/go")
    assert response.status_code == 302 and response.headers["Location"] == "https://example.org/report?id=7"
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        click = db.session.scalar(select(LinkClick))
        assert (click.link_id, click.user_id) == (link_id, member.id)
    assert client.get("/links/999999/go").status_code == 404
    assert client.get("/links/99999999999999/go").status_code == 404


def test_an_unsafe_stored_address_is_never_redirected_to(app, client, login, comms, member):
    link_id = share(app, comms)
    with app.app_context():
        db.session.execute(update(CuratedLink).values(url="javascript:alert(1)"))
        db.session.commit()
    login(member)
    assert client.get(f"/links/{link_id}/go").status_code == 404
    assert _count(app, LinkClick) == 0


def test_the_image_route_is_404_until_an_image_is_stored(app, client, login, comms, member):
    link_id = share(app, comms)
    login(member)
    assert client.get(f"/links/{link_id}/image").status_code == 404


def test_save_for_later_and_the_bookmarks_page(app, client, login, comms, member):
    link_id = share(app, comms, title="Read me later")
    login(member)
    empty = client.get("/bookmarks").get_data(as_text=True)
    assert "Nothing saved yet" in empty
    response = client.post(f"/links/{link_id}/save", data={"saved": "1", "next": "/curated"})
    assert response.status_code == 302 and response.headers["Location"] == "/curated"
    page = client.get("/bookmarks").get_data(as_text=True)
    assert "Read me later" in page and "Remove from saved" in page
    fragment = client.post(
        f"/links/{link_id}/save", data={"saved": "0"}, headers={"X-Requested-With": "fetch"}
    ).get_data(as_text=True)
    assert fragment.lstrip().startswith("<article") and "Save for later" in fragment
    assert 'name="next" value=""' in fragment  # never "come back" to the POST-only fragment address
    assert _count(app, LinkSave) == 0
    assert client.post("/links/123456/save", data={"saved": "1"}).status_code == 404


def test_bookmarks_page_a_page_at_a_time(app, client, login, comms, member):
    ids = [share(app, comms, f"https://example.org/{i}") for i in range(25)]
    login(member)
    for link_id in ids:
        client.post(f"/links/{link_id}/save", data={"saved": "1"})
    first = client.get("/bookmarks").get_data(as_text=True)
    assert first.count('class="post post--link') == 20 and "Older saves" in first
    with app.app_context():
        cursor = sorted(db.session.scalars(select(LinkSave.id)))[5]
    older = client.get(f"/bookmarks?cursor={cursor}").get_data(as_text=True)
    assert older.count('class="post post--link') == 5
    assert client.get("/bookmarks?cursor=banana").status_code == 200


def test_the_curated_page_shows_today_and_this_week_by_topic(app, client, login, comms, member):
    share(app, comms, "https://example.org/today", title="Fresh today", topics="#ai")
    old = share(app, comms, "https://example.org/tuesday", title="From Tuesday", topics="#ai, #trust")
    untagged = share(app, comms, "https://example.org/plain", title="No topic")
    gone = share(app, comms, "https://example.org/old", title="Last month")
    with app.app_context():
        for link_id, days in ((old, 3), (untagged, 2), (gone, 30)):
            when = utcnow() - timedelta(days=days)
            db.session.execute(update(CuratedLink).where(CuratedLink.id == link_id).values(created_at=when))
            db.session.execute(
                update(Post).where(Post.id == post_id_of(app, link_id)).values(created_at=when)
            )
        db.session.commit()
    login(member)
    html = client.get("/curated").get_data(as_text=True)
    today_part, week_part = html.split('id="picks-week"')
    assert "Fresh today" in today_part and "From Tuesday" not in today_part
    assert "From Tuesday" in week_part and "No topic" in week_part and "Last month" not in html
    assert week_part.index(">#ai</a></h3>") < week_part.index("From Tuesday") < week_part.index("Other picks")
    assert 'href="/curated?topic=ai"' in html and 'href="/curated?topic=trust"' in html
    filtered = client.get("/curated?topic=trust").get_data(as_text=True)
    assert "From Tuesday" in filtered and "Fresh today" not in filtered and "No topic" not in filtered
    assert client.get("/curated?topic=<script>").status_code == 200
    all_picks = client.get("/curated/all").get_data(as_text=True)
    assert all(title in all_picks for title in ("Fresh today", "From Tuesday", "No topic", "Last month"))
    assert "Fresh today" in client.get("/curated/all?topic=ai").get_data(as_text=True)


def test_a_share_to_several_of_my_communities_shows_once_on_the_curated_page(
    app, client, login, comms, member
):
    with app.app_context():
        owner = db.session.get(User, comms.id)
        ids = [
            factories.make_community(owner, name=n, members=[db.session.get(User, member.id)]).id
            for n in "AB"
        ]
    share(app, comms, title="Once please", community_ids=ids)
    login(member)
    assert client.get("/curated").get_data(as_text=True).count("Once please") == 1


def test_empty_curated_page_tells_people_what_to_do(client, login, member, comms):
    login(member)
    html = client.get("/curated").get_data(as_text=True)
    assert "Nothing picked yet today" in html and "Share a link" not in html
    login(comms)
    assert 'href="/links/new"' in client.get("/curated").get_data(as_text=True)


def _page_queries(app, client, count_queries, path: str) -> int:
    client.get(path)
    with count_queries() as queries:
        assert client.get(path).status_code == 200
    return queries()


@pytest.mark.parametrize("path", ["/", "/curated", "/curated/all", "/bookmarks"])
def test_pages_with_links_run_a_constant_number_of_queries(
    app, client, login, comms, member, count_queries, path
):
    def add(n: int, start: int):
        for i in range(start, start + n):
            link_id = share(app, comms, f"https://example.org/page-{i}", topics=f"#t{i % 3}")
            with app.app_context():
                viewer = db.session.get(User, member.id)
                react(viewer, db.session.get(Post, post_id_of(app, link_id)), "like")
                db.session.add(LinkSave(user_id=member.id, link_id=link_id))
                db.session.commit()
            factories_post(app, comms, i)

    login(member)
    add(2, 0)
    few = _page_queries(app, client, count_queries, path)
    add(15, 2)
    many = _page_queries(app, client, count_queries, path)
    assert few == many, (path, few, many)


def factories_post(app, author, i: int) -> None:
    """A plain post between the links, so feeds mix kinds."""
    from app.posts.services import create_post

    with app.app_context():
        create_post(db.session.get(User, author.id), f"Plain post {i}")
        db.session.commit()


def test_the_numbers_page(app, client, login, comms, member, leader):
    with app.app_context():
        curators.grant_curator(db.session.get(User, comms.id), db.session.get(User, leader.id))
        db.session.commit()
    mine = share(app, comms, title="Comms pick")
    share(app, leader, "https://example.org/leader", title="Leader pick")
    login(member)
    client.get(f"/links/{mine}/go")
    client.get(f"/links/{mine}/go")
    assert client.get("/curated/stats").status_code == 403
    login(comms)
    html = client.get("/curated/stats").get_data(as_text=True)
    assert "Comms pick" in html and "Leader pick" in html and "By curator" in html
    assert "<td>2</td><td>1</td>" in html  # two clicks by one person
    login(leader)
    own = client.get("/curated/stats?days=7").get_data(as_text=True)
    assert "Leader pick" in own and "Comms pick" not in own
    for days in ("all", "banana", "-1", "99999999999999999999"):
        assert client.get(f"/curated/stats?days={days}").status_code == 200


def test_comms_officers_choose_curators_from_a_page(app, client, login, comms, member, leader):
    login(member)
    assert client.get("/curated/curators").status_code == 403
    assert client.post("/curated/curators", data={"person": leader.email}).status_code == 403
    login(comms)
    assert "Nobody besides the comms team yet" in client.get("/curated/curators").get_data(as_text=True)
    bad = client.post("/curated/curators", data={"person": "nobody@example.org"})
    assert bad.status_code == 422 and "no active colleague" in bad.get_data(as_text=True)
    assert client.post("/curated/curators", data={"person": "x" * 10_000}).status_code == 422
    done = client.post("/curated/curators", data={"person": f"@{member.handle}"})
    assert done.status_code == 302
    html = client.get("/curated/curators").get_data(as_text=True)
    assert "Morgan Member" in html and "Made curator by Casey Comms" in html
    login(member)
    assert client.get("/links/new").status_code == 200  # the grant works at once
    assert "made you a curator" in client.get("/notifications").get_data(as_text=True)
    login(comms)
    with app.app_context():
        grant_id = curators.active_grants()[0].id
    assert client.post(f"/curated/curators/{grant_id}/revoke").status_code == 302
    assert "Recently ended" in client.get("/curated/curators").get_data(as_text=True)
    assert client.post(f"/curated/curators/{grant_id}/revoke").status_code == 302  # already ended: a message
    login(member)
    assert client.get("/links/new").status_code == 403


def test_admins_set_the_previews_allow_list(app, client, login, admin, comms):
    login(comms)
    assert client.get("/admin/link-previews").status_code == 403
    login(admin)
    page = client.get("/admin/link-previews").get_data(as_text=True)
    assert "Allowed intranet hosts and networks" in page and "Link previews" in page
    bad = client.post(
        "/admin/link-previews", data={"allowed_hosts": "intranet.local\nnot a host!\n0.0.0.0/0"}
    )
    assert bad.status_code == 422 and "not" in bad.get_data(as_text=True)
    ok = client.post(
        "/admin/link-previews", data={"allowed_hosts": "Intranet.Force.local, *.corp.local\n10.20.0.0/16"}
    )
    assert ok.status_code == 302
    with app.app_context():
        stored = db.session.get(Setting, "link_preview_allowed_hosts").value
    assert stored == "intranet.force.local\n*.corp.local\n10.20.0.0/16"
    assert "10.20.0.0/16" in client.get("/admin/link-previews").get_data(as_text=True)


def test_all_picks_pages_keep_the_topic(app, client, login, comms, member):
    for i in range(22):
        share(app, comms, f"https://example.org/p{i}", title=f"Pick {i}", topics="#data")
    login(member)
    first = client.get("/curated/all?topic=data").get_data(as_text=True)
    assert first.count('class="post post--link') == 20
    older = re.search(r'href="(/curated/all\?[^"]+)">Older picks', first).group(1).replace("&amp;", "&")
    assert "topic=data" in older and "cursor=" in older
    assert client.get(older).get_data(as_text=True).count('class="post post--link') == 2
