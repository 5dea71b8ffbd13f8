"""Curated link services: who shares, what a share needs, audiences, re-shares, saves, clicks, grants, stats."""

import pytest
from sqlalchemy import func, select

from app.errors import NotFound, PermissionDenied, ValidationError
from app.extensions import db
from app.links import curators, services, stats
from app.links.services import LinkDraft, share_link
from app.links.urls import check_url, normalise
from app.models import (
    AuditEntry,
    CuratedLink,
    LinkClick,
    Membership,
    Notification,
    Objective,
    Post,
    PostTopic,
    Topic,
    User,
    utcnow,
)
from app.permissions.links import can_curate, can_see_link
from app.posts.replies import react
from app.posts.services import delete_post, edit_post
from tests import factories


def _get(user: User) -> User:
    return db.session.get(User, user.id)


def _share(user: User, **fields) -> list[CuratedLink]:
    fields.setdefault("url", "https://www.college.police.uk/article/social-media")
    fields.setdefault("why", "Our neighbourhood teams asked how other forces do this.")
    links = share_link(_get(user), LinkDraft(**fields))
    db.session.commit()
    return links


def _errors(user: User, **fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        _share(user, **fields)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(CuratedLink)) == 0
    return caught.value.fields


@pytest.mark.parametrize(
    "raw, key",
    [
        ("HTTPS://Example.ORG/Report/", "https://example.org/Report"),
        ("https://example.org/report?utm_source=x&utm_Medium=y&id=4#top", "https://example.org/report?id=4"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org", "https://example.org"),
        ("https://example.org/", "https://example.org"),
    ],
)
def test_addresses_are_normalised_for_spotting_re_shares(raw, key):
    assert normalise(raw) == key


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "example.org/page", "ftp://example.org/x", "javascript:alert(1)", "file:///etc/passwd",
     "http://", "https://user:pass@example.org/", "https://example.org:99999/", "https://" + "a" * 2001,
     "data:text/html,<script>alert(1)</script>", "https://exa\x00mple.org/"],
)  # fmt: skip
def test_only_http_and_https_addresses_can_be_shared(raw):
    with pytest.raises(ValidationError) as caught:
        check_url(raw)
    assert set(caught.value.fields) == {"url"}


def test_comms_officers_and_granted_curators_share_members_cannot(ctx, comms, member, admin):
    assert can_curate(_get(comms)) and can_curate(_get(admin)) and not can_curate(_get(member))
    with pytest.raises(PermissionDenied):
        _share(member)
    grant = curators.grant_curator(_get(comms), _get(member))
    db.session.commit()
    assert can_curate(_get(member))
    assert len(_share(member)) == 1
    curators.revoke_curator(_get(comms), grant.id)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        _share(member, allow_duplicate=True)


def test_a_share_is_a_link_post_with_topics_objective_and_why(ctx, comms, all_staff):
    objective = Objective(name="Public trust and confidence")
    db.session.add(objective)
    db.session.commit()
    [link] = _share(
        comms,
        why="Worth ten minutes: **three** ideas for #engagement.",
        title="  Talking   with the public ",
        topics="#SocialMedia, public-trust socialmedia",
        objective_id=objective.id,
    )
    post = link.post
    assert (post.kind, post.community_id, post.objective_id) == ("link", all_staff.id, objective.id)
    assert "<strong>three</strong>" in post.body_html and post.author_id == comms.id
    assert link.title == "Talking with the public" and link.share_id and link.preview.status == "pending"
    names = set(db.session.scalars(select(Topic.name).join(PostTopic).where(PostTopic.post_id == post.id)))
    assert names == {"socialmedia", "public-trust", "engagement"}
    assert post.body_source.endswith("#engagement.\n\n#socialmedia #public-trust")  # topics live in the text


def test_editing_a_link_post_keeps_its_topics(ctx, comms):
    [link] = _share(comms, why="Read this.", topics="#trust")
    edit_post(_get(comms), link.post, link.post.body_source.replace("Read this.", "Read this first."))
    db.session.commit()
    names = set(
        db.session.scalars(select(Topic.name).join(PostTopic).where(PostTopic.post_id == link.post_id))
    )
    assert names == {"trust"}


def test_any_address_makes_an_ascii_key_that_fits_its_index(ctx, comms):
    url = "https://例え.jp/" + "".join(chr(0x4E00 + i * 7) for i in range(1900)) + "?q=é"  # incompressible
    [link] = _share(comms, url=url)
    assert link.url == url and link.url_key.isascii() and len(link.url_key) <= 2000
    assert link.preview.url_key == link.url_key
    other = url.replace("?q=é", "?q=è")  # the same first 2,000 characters once encoded
    assert normalise(other) != link.url_key and len(normalise(other)) == len(link.url_key)


def test_the_communitys_objective_is_used_when_none_is_chosen(ctx, comms):
    objective = Objective(name="Digital first")
    db.session.add(objective)
    db.session.flush()
    community = factories.make_community(_get(comms), name="Digital champions")
    community.default_objective_id = objective.id
    db.session.commit()
    [link] = _share(comms, community_ids=[community.id])
    assert link.post.objective_id == objective.id


def test_what_a_share_needs(ctx, comms):
    assert "why" in _errors(comms, why="   ")
    assert "why" in _errors(comms, why="x" * 2001)
    assert "url" in _errors(comms, url="ftp://example.org/")
    assert "title" in _errors(comms, title="t" * 201)
    assert "source" in _errors(comms, source="s" * 121)
    assert "summary" in _errors(comms, summary="s" * 601)
    assert "topics" in _errors(comms, topics="#ok, not-ok!")
    assert "topics" in _errors(comms, topics="a b c d e f")
    assert "topics" in _errors(comms, topics=["fine", 7])
    assert "objective_id" in _errors(comms, objective_id=999999)
    many = _errors(comms, url="nope", why="", title="t" * 300)
    assert {"url", "why", "title"} <= set(many)  # every problem at once, not one at a time


def test_an_archived_objective_cannot_be_chosen(ctx, comms):
    objective = Objective(name="Old plan", archived_at=utcnow())
    db.session.add(objective)
    db.session.commit()
    assert "objective_id" in _errors(comms, objective_id=objective.id)


def test_several_communities_get_one_post_each_with_one_share_id(ctx, comms, member, all_staff):
    public = factories.make_community(_get(comms), name="Neighbourhood policing")
    private = factories.make_community(_get(comms), "private", name="Digital team", members=[_get(member)])
    links = _share(comms, community_ids=[public.id, private.id])
    assert [link.post.community_id for link in links] == [public.id, private.id]
    assert len({link.share_id for link in links}) == 1 and len({link.post_id for link in links}) == 2
    assert links[0].preview_id == links[1].preview_id


def test_audiences_must_be_communities_the_curator_can_post_in(ctx, comms, member, leader, all_staff):
    secret = factories.make_community(_get(leader), "secret", name="Operation Kestrel")
    archived = factories.make_community(_get(comms), name="Old project")
    archived.archived_at = utcnow()
    public = factories.make_community(_get(member), name="Open to all")
    db.session.commit()
    message = "Choose communities you can post in."
    assert _errors(comms, community_ids=[secret.id]) == {"community_ids": message}  # never says it exists
    assert _errors(comms, community_ids=[archived.id]) == {"community_ids": message}
    assert _errors(comms, community_ids=[123456]) == {"community_ids": message}
    assert "All staff" in _errors(comms, community_ids=[all_staff.id, public.id])["community_ids"]
    assert "at most" in _errors(comms, community_ids=list(range(1, 12)))["community_ids"]
    assert len(_share(comms, community_ids=[public.id, public.id])) == 1  # a repeat counts once


def test_a_re_share_is_spotted_and_can_still_be_made_deliberately(ctx, comms, leader):
    [first] = _share(comms, url="https://example.org/guide/?utm_source=mail")
    with pytest.raises(services.DuplicateLink) as caught:
        _share(comms, url="HTTPS://EXAMPLE.org/guide#intro")
    db.session.rollback()
    assert (
        caught.value.earlier.id == first.id
        and "Casey Comms already shared this" in caught.value.fields["url"]
    )
    [second] = _share(comms, url="https://example.org/guide", allow_duplicate=True)
    assert second.share_id != first.share_id
    assert [link.id for link in services.duplicates(_get(leader), "https://example.org/guide/")] == [
        second.id,
        first.id,
    ]


def test_an_earlier_share_nobody_may_see_is_not_revealed(ctx, comms, member):
    secret = factories.make_community(_get(comms), "secret", name="Operation Kestrel", members=[_get(member)])
    _share(comms, url="https://example.org/secret-briefing", community_ids=[secret.id])
    outsider = factories.make_user(name="Ivy Outsider")
    curators.grant_curator(_get(comms), outsider)
    db.session.commit()
    assert services.duplicates(outsider, "https://example.org/secret-briefing") == []
    assert len(_share(outsider, url="https://example.org/secret-briefing")) == 1  # no DuplicateLink


def test_saving_is_idempotent_and_follows_visibility(ctx, comms, member):
    private = factories.make_community(_get(comms), "private", name="Digital team", members=[_get(member)])
    [link] = _share(comms, community_ids=[private.id])
    viewer = _get(member)
    assert services.set_saved(viewer, link, True) and services.set_saved(viewer, link, True)
    db.session.commit()
    assert services.is_saved(viewer, link)
    assert not services.set_saved(viewer, link, False) and not services.set_saved(viewer, link, False)
    db.session.commit()
    assert not services.is_saved(viewer, link)
    db.session.delete(db.session.get(Membership, (private.id, member.id)))
    db.session.commit()
    with pytest.raises(NotFound):
        services.set_saved(_get(member), link, True)


def test_a_removed_post_takes_its_link_with_it(ctx, comms, member):
    [link] = _share(comms)
    assert can_see_link(_get(member), link)
    delete_post(_get(comms), link.post)
    db.session.commit()
    assert not can_see_link(_get(member), link) and not can_see_link(_get(comms), link)
    with pytest.raises(NotFound):
        services.get_link(_get(member), link.id)


def test_click_throughs_record_who_and_when(ctx, comms, member):
    [link] = _share(comms)
    before = utcnow()
    assert services.click_through(_get(member), link) == link.url
    services.click_through(_get(member), link)
    db.session.commit()
    clicks = db.session.scalars(select(LinkClick)).all()
    assert [(c.link_id, c.user_id) for c in clicks] == [(link.id, member.id)] * 2
    assert all(c.created_at >= before for c in clicks)


def test_stats_per_link_and_per_curator(ctx, comms, member, leader, admin):
    curators.grant_curator(_get(comms), _get(leader))
    db.session.commit()
    [mine] = _share(comms, url="https://example.org/a")
    [theirs] = _share(leader, url="https://example.org/b")
    for person in (member, member, admin):
        services.click_through(_get(person), mine)
    services.click_through(_get(member), theirs)
    db.session.commit()  # clicks are written on their own connection, as in a GET request
    services.set_saved(_get(member), mine, True)
    services.set_saved(_get(admin), mine, True)
    react(_get(member), mine.post, "insightful")
    db.session.commit()
    by_link = {row.link.id: row for row in stats.link_stats(_get(comms))}
    assert (by_link[mine.id].clicks, by_link[mine.id].clickers, by_link[mine.id].saves) == (3, 2, 2)
    assert by_link[mine.id].reactions == 1 and by_link[theirs.id].clicks == 1
    by_curator = {row.curator.id: row for row in stats.curator_stats(_get(comms))}
    assert (by_curator[comms.id].links, by_curator[comms.id].clicks, by_curator[comms.id].clickers) == (
        1,
        3,
        2,
    )
    assert (by_curator[leader.id].saves, by_curator[leader.id].reactions) == (0, 0)
    # A curator without the comms role sees only their own links.
    assert [row.link.id for row in stats.link_stats(_get(leader))] == [theirs.id]
    assert stats.one_link_stats(_get(leader), theirs).clicks == 1
    with pytest.raises(PermissionDenied):
        stats.one_link_stats(_get(leader), mine)
    with pytest.raises(PermissionDenied):
        stats.link_stats(_get(member))


def test_granting_and_revoking_curators(ctx, comms, member, leader):
    with pytest.raises(PermissionDenied):
        curators.grant_curator(_get(member), _get(leader))
    assert curators.find_person(f"  {member.email.upper()} ").id == member.id
    assert curators.find_person(f"@{member.handle}").id == member.id
    for bad in ("", "nobody@example.org", "x" * 300):
        with pytest.raises(ValidationError):
            curators.find_person(bad)
    grant = curators.grant_curator(_get(comms), _get(member))
    db.session.commit()
    with pytest.raises(ValidationError):
        curators.grant_curator(_get(comms), _get(member))
    with pytest.raises(ValidationError):
        curators.grant_curator(_get(comms), _get(comms))  # comms officers curate by role already
    assert [g.user_id for g in curators.active_grants()] == [member.id]
    curators.revoke_curator(_get(comms), grant.id)
    db.session.commit()
    with pytest.raises(NotFound):
        curators.revoke_curator(_get(comms), grant.id)
    assert curators.active_grants() == [] and [g.id for g in curators.revoked_grants()] == [grant.id]
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == member.id).order_by(Notification.id)
    ).all()
    assert [(n.kind, n.data["granted"]) for n in notes] == [("curator_grant", True), ("curator_grant", False)]
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["curation.curator_granted", "curation.curator_revoked"]
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
