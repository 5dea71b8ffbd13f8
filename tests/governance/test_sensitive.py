"""The sensitive-content warning on posts, replies and curated links: in the services, the HTML forms
(a warning beside the text, a second submit with the box ticked, the text kept), the API (422
sensitive_content listing matches; confirm_sensitive true), confirmations recorded, and the admin page."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, CuratedLink, Post, Reply, SensitiveConfirmation, User
from app.posts.screening import NeedsConfirmation
from app.posts.services import create_post, edit_post
from tests.api_helpers import api_factory  # noqa: F401
from tests.governance.helpers import make_post, read_html
from tests.links_helpers import share

PHONE = "Ring the witness on 07700 900123 about CR/12345/26"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_post_with_a_match_is_refused_until_confirmed_and_the_confirmation_is_recorded(ctx, member):
    author = db.session.get(User, member.id)
    try:
        create_post(author, PHONE)
    except NeedsConfirmation as exc:
        found = {(f.pattern, f.text, f.field) for f in exc.findings}
        assert found == {("uk_phone", "07700 900123", "body"), ("crime_reference", "CR/12345/26", "body")}
        assert exc.code == "sensitive_content" and "body" in exc.fields
    else:
        raise AssertionError("a phone number and a crime reference went through without a warning")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
    post = create_post(author, PHONE, confirm_sensitive=True)
    db.session.commit()
    rows = db.session.scalars(select(SensitiveConfirmation).order_by(SensitiveConfirmation.pattern)).all()
    assert [(r.user_id, r.item_type, r.item_id, r.pattern, r.matches) for r in rows] == [
        (member.id, "post", post.id, "crime_reference", 1),
        (member.id, "post", post.id, "uk_phone", 1),
    ]


def test_ordinary_text_needs_no_confirmation_and_records_nothing(app, member):
    make_post(app, member, "Great open day at the station, thanks everyone!")
    assert _count(app, SensitiveConfirmation) == 0


def test_replies_and_edits_are_checked_too(app, member):
    post_id = make_post(app, member, "Who has the rota?")
    with app.app_context():
        from app.posts.replies import create_reply, edit_reply

        author, post = db.session.get(User, member.id), db.session.get(Post, post_id)
        try:
            create_reply(author, post, "Email me at kim.reid@gmail.com")
            raise AssertionError("no warning for a personal email address")
        except NeedsConfirmation as exc:
            assert exc.findings[0].pattern == "personal_email"
        db.session.rollback()
        reply = create_reply(author, db.session.get(Post, post_id), "I have it")
        db.session.commit()
        try:
            edit_reply(author, reply, "It's with AB 12 34 56 C")
            raise AssertionError("no warning on an edit")
        except NeedsConfirmation:
            db.session.rollback()
        assert db.session.get(Reply, reply.id).body_source == "I have it"
        try:
            edit_post(author, db.session.get(Post, post_id), "Who has the rota? It's OFFICIAL-SENSITIVE")
            raise AssertionError("no warning on a post edit")
        except NeedsConfirmation:
            db.session.rollback()
        edit_post(author, db.session.get(Post, post_id), "Rota for NX19 KLM's driver", confirm_sensitive=True)
        db.session.commit()
        kinds = db.session.execute(
            select(SensitiveConfirmation.item_type, SensitiveConfirmation.pattern)
        ).all()
        assert kinds == [("post", "vehicle_registration")]


def test_a_curated_link_checks_its_why_title_and_summary(app, comms):
    import pytest

    from app.links.services import LinkDraft, share_link

    with app.app_context():
        draft = LinkDraft(
            url="https://example.org/x", why="Useful", summary="Call 0161 496 0000", title="SECRET plan"
        )
        with pytest.raises(NeedsConfirmation) as caught:
            share_link(db.session.get(User, comms.id), draft)
        assert {(f.field, f.pattern) for f in caught.value.findings} == {
            ("summary", "uk_phone"),
            ("title", "protective_marking"),
        }
    link_id = share(app, comms, why="Useful", summary="Call 0161 496 0000", confirm_sensitive=True)
    with app.app_context():
        link = db.session.get(CuratedLink, link_id)
        row = db.session.scalar(select(SensitiveConfirmation))
        assert (row.item_type, row.item_id, row.pattern) == ("post", link.post_id, "uk_phone")


def test_the_composer_shows_the_warning_beside_the_text_and_keeps_it(app, client, login, member):
    login(member)
    response = client.post("/posts", data={"body": PHONE})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    parsed = read_html(page)
    assert PHONE in parsed.text  # the text is kept in the textarea
    assert "Check this before you publish: it may contain sensitive information" in parsed.text
    assert "“07700 900123”" in page and "“CR/12345/26”" in page
    assert (
        'name="confirm_sensitive"' in page
        and 'aria-describedby="composer-hint composer-error composer-count composer-sensitive"' in page
    )
    assert _count(app, Post) == 0
    response = client.post("/posts", data={"body": PHONE, "confirm_sensitive": "1"})
    assert response.status_code == 302
    assert _count(app, Post) == 1 and _count(app, SensitiveConfirmation) == 2


def test_the_feed_composer_gets_its_form_back_to_put_in_place(app, client, login, member):
    login(member)
    response = client.post("/posts", data={"body": PHONE}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"]["code"] == "sensitive_content"
    assert {m["pattern"] for m in body["error"]["matches"]} == {"uk_phone", "crime_reference"}
    assert (
        body["html"].lstrip().startswith('<form class="card composer"')
        and "composer-sensitive" in body["html"]
    )


def test_the_reply_form_and_the_edit_page_warn_too(app, client, login, member):
    post_id = make_post(app, member, "Who has the rota?")
    login(member)
    response = client.post(f"/posts/{post_id}/replies", data={"body": "Call 07700 900123"})
    assert response.status_code == 422 and "reply-sensitive" in response.get_data(as_text=True)
    fragment = client.post(
        f"/posts/{post_id}/replies", data={"body": "Call 07700 900123"}, headers={"X-Requested-With": "fetch"}
    )
    assert fragment.status_code == 422 and 'class="reply-form"' in fragment.get_json()["html"]
    ok = client.post(
        f"/posts/{post_id}/replies", data={"body": "Call 07700 900123", "confirm_sensitive": "1"}
    )
    assert ok.status_code == 302
    edit = client.post(f"/posts/{post_id}/edit", data={"body": "Rota: NX19 KLM"})
    assert edit.status_code == 422 and "edit-sensitive" in edit.get_data(as_text=True)
    assert (
        client.post(
            f"/posts/{post_id}/edit", data={"body": "Rota: NX19 KLM", "confirm_sensitive": "1"}
        ).status_code
        == 302
    )


def test_the_link_form_warns_and_keeps_every_field(app, client, login, comms):
    login(comms)
    form = {
        "url": "https://example.org/a",
        "why": "Read it: mail sam@gmail.com",
        "audience": "all",
        "title": "A report",
    }
    response = client.post("/links/new", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "an email address outside the organisation" in page.lower() or "An email address outside" in page
    assert 'value="A report"' in page and "Read it: mail sam@gmail.com" in page
    assert client.post("/links/new", data={**form, "confirm_sensitive": "1"}).status_code == 302


def test_the_api_answers_422_sensitive_content_then_accepts_a_confirmation(app, api, member):
    client = api(member)
    refused = client.post("/posts", json={"body": PHONE})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "sensitive_content" and error["fields"]["body"]
    assert {(m["pattern"], m["text"], m["field"]) for m in error["matches"]} == {
        ("uk_phone", "07700 900123", "body"),
        ("crime_reference", "CR/12345/26", "body"),
    }
    assert client.post("/posts", json={"body": PHONE, "confirm_sensitive": "yes"}).status_code == 422
    created = client.post("/posts", json={"body": PHONE, "confirm_sensitive": True})
    assert created.status_code == 201
    post_id = created.get_json()["id"]
    assert client.post(f"/posts/{post_id}/replies", json={"body": "AB 12 34 56 C"}).status_code == 422
    assert (
        client.post(
            f"/posts/{post_id}/replies", json={"body": "AB 12 34 56 C", "confirm_sensitive": True}
        ).status_code
        == 201
    )
    assert (
        client.patch(f"/posts/{post_id}", json={"body": "now SECRET"}).get_json()["error"]["code"]
        == "sensitive_content"
    )
    link = client.post("/links", json={"url": "https://example.org/z", "why": "x@gmail.com"})
    assert link.status_code in (403, 422)  # members can't curate; a curator would get sensitive_content


def test_admins_choose_the_patterns_formats_phrases_and_domains(app, client, login, admin, member):
    login(admin)
    page = client.get("/admin/sensitive")
    assert page.status_code == 200 and "Crime and incident reference formats" in page.get_data(as_text=True)
    bad = client.post(
        "/admin/sensitive",
        data={
            "enabled": ["uk_phone"],
            "reference_formats": "CR/##",
            "email_domains": "not a domain",
            "markings": "Official",
        },
    )
    assert bad.status_code == 422
    text = " ".join(read_html(bad.get_data(as_text=True)).text)
    assert "needs at least three #" in text and "isn't a domain" in text
    saved = client.post(
        "/admin/sensitive",
        data={
            "enabled": ["crime_reference", "phrase", "personal_email"],
            "reference_formats": "INC-####",
            "phrases": "Operation Nightjar",
            "email_domains": "northshire.police.uk",
            "markings": "OFFICIAL\nOFFICIAL-SENSITIVE",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        author = db.session.get(User, member.id)
        create_post(author, "Call 07700 900123 about CR/12345/26")  # phone off; old format gone
        try:
            create_post(author, "INC-1234 and operation nightjar")
            raise AssertionError("the new format and phrase weren't used")
        except NeedsConfirmation as exc:
            assert {f.pattern for f in exc.findings} == {"crime_reference", "phrase"}
        db.session.rollback()
        entry = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "settings.sensitive_patterns_updated")
        )
        assert "sensitive_disabled" in entry.data["changed"]


def test_confirmations_are_listed_for_admins_only(app, client, login, admin, member):
    make_post(app, member, PHONE, confirm_sensitive=True)
    login(member)
    assert client.get("/admin/sensitive").status_code == 403
    login(admin)
    page = client.get("/admin/sensitive").get_data(as_text=True)
    assert "Morgan Member" in page and "A phone number" in page


def test_a_community_pages_composer_comes_back_for_the_same_community(app, client, login, member, comms):
    from tests.api_helpers import community

    place = community(app, comms, "public", name="Roads policing", members=(member,))
    login(member)
    response = client.post(
        "/posts",
        data={"body": "Stopped AB12 CDE", "community_id": str(place), "fixed_community": "1"},
        headers={"X-Requested-With": "fetch"},
    )
    html = response.get_json()["html"]
    assert (
        f'name="community_id" value="{place}"' in html
        and "Posting in <strong>Roads policing</strong>" in html
    )
