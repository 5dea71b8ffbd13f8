"""Link previews in the job runner: queued by pages, fetched by `jobs tick`, images stored and served."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from app import jobs
from app.extensions import db
from app.links import previews
from app.links.settings import update_allowlist
from app.models import CuratedLink, Event, LinkPreview, User, utcnow
from tests.links_helpers import PNG, post_id_of, preview_site_fixture, share, site_fixture  # noqa: F401


@pytest.fixture
def allow_loopback(app, admin):
    """Admins allow-list 127.0.0.1 so the loopback test site counts as an intranet host."""
    with app.app_context():
        update_allowlist(db.session.get(User, admin.id), "127.0.0.1")
        db.session.commit()


@pytest.fixture
def quick(app, monkeypatch):
    """Short deadlines so slow-server cases finish fast."""
    monkeypatch.setitem(app.config, "LINK_PREVIEW_TIMEOUT", 0.5)


def _preview(app, link_id: int) -> LinkPreview:
    with app.app_context():
        row = db.session.get(CuratedLink, link_id).preview
        db.session.expunge(row)
        return row


def _run(app) -> int:
    with app.app_context():
        return previews.fetch_pending_previews()


def test_the_preview_task_is_registered_with_the_job_runner():
    assert jobs.TASKS["link_previews"] is previews.fetch_pending_previews


def test_sharing_queues_a_preview_and_the_job_fills_it_with_an_image(
    app, client, login, comms, member, site, allow_loopback
):
    link_id = share(app, comms, site.url("/page?utm_source=newsletter"))
    assert _preview(app, link_id).status == "pending"
    assert site.requests == []  # the page that shared it never waited for the site
    assert _run(app) == 1
    preview = _preview(app, link_id)
    assert preview.status == "ready" and preview.title == "Policing & social media: what works"
    assert preview.site_name == "College of Policing" and preview.image_type == "image/png"
    stored = Path(app.config["MEDIA_DIR"]) / preview.image_path
    assert stored.read_bytes() == PNG and stored.suffix == ".png"
    assert [path for path, _host in site.requests] == ["/page?utm_source=newsletter", "/img/photo.png"]
    with app.app_context():
        names = [
            (e.name, e.data.get("post_id")) for e in db.session.scalars(select(Event).order_by(Event.id))
        ]
    assert ("post_updated", post_id_of(app, link_id)) in names  # live cards refresh themselves
    login(member)
    card = client.get(f"/posts/{post_id_of(app, link_id)}/card").get_data(as_text=True)
    assert "Policing &amp; social media: what works" in card and f"/links/{link_id}/image" in card
    with client.get(f"/links/{link_id}/image") as image:  # closing it closes the file it streams
        assert image.status_code == 200 and image.data == PNG and image.mimetype == "image/png"
        assert (
            image.headers["X-Content-Type-Options"] == "nosniff"
            and "private" in image.headers["Cache-Control"]
        )
    assert _run(app) == 0  # nothing left to do


def test_without_the_allow_list_loopback_is_refused_and_never_contacted(app, comms, site):
    link_id = share(app, comms, site.url("/page"))
    assert _run(app) == 1
    preview = _preview(app, link_id)
    assert preview.status == "failed" and "private or internal" in preview.error
    assert site.requests == []


def test_a_fake_or_huge_image_is_dropped_but_the_preview_kept(app, comms, site, allow_loopback, monkeypatch):
    monkeypatch.setitem(app.config, "LINK_PREVIEW_MAX_IMAGE_BYTES", 1024 * 1024)
    fake = share(app, comms, site.url("/page-with-image?/img/fake.png"))
    huge = share(app, comms, site.url("/page-with-image?/img/huge.png"))
    private = share(app, comms, site.url("/page-with-image?http://10.9.8.7/logo.png"))
    assert _run(app) == 3
    for link_id in (fake, huge, private):
        preview = _preview(app, link_id)
        assert preview.status == "ready" and preview.title and preview.image_path is None


def test_temporary_failures_are_retried_then_given_up(app, comms, site, allow_loopback, quick):
    link_id = share(app, comms, site.url("/slow"))
    for attempt in range(1, previews.MAX_ATTEMPTS + 1):
        assert _run(app) == 1
        preview = _preview(app, link_id)
        assert preview.attempts == attempt and "too long" in preview.error
        assert preview.status == ("failed" if attempt == previews.MAX_ATTEMPTS else "pending")
    assert _run(app) == 0


def test_a_permanent_failure_is_not_retried_but_asked_again_later(app, comms, site, allow_loopback):
    link_id = share(app, comms, site.url("/text"))
    assert _run(app) == 1
    preview = _preview(app, link_id)
    assert preview.status == "failed" and "isn't a web page" in preview.error and preview.attempts == 1
    with app.app_context():
        assert previews.request_preview(site.url("/text")).status == "failed"  # too soon to try again
        db.session.execute(
            update(LinkPreview).values(
                fetched_at=utcnow() - previews.RETRY_FAILED_AFTER - timedelta(minutes=1)
            )
        )
        assert previews.request_preview(site.url("/text/")).status == "pending"  # same page, normalised
        db.session.commit()


def test_one_preview_per_page_and_a_claim_is_taken_once(app, comms, site):
    with app.app_context():
        first = previews.request_preview("https://Example.org/a/?utm_campaign=x")
        again = previews.request_preview("https://example.org/a")
        assert first.id == again.id
        db.session.commit()
        assert previews._claim(first.id) == "https://Example.org/a/?utm_campaign=x"
        assert previews._claim(first.id) is None  # a second worker gets nothing


def test_claims_left_by_a_dead_worker_are_freed(app, comms):
    with app.app_context():
        row = previews.request_preview("https://example.org/stale")
        db.session.commit()
        previews._claim(row.id)
        db.session.execute(update(LinkPreview).values(claimed_at=utcnow() - timedelta(minutes=10)))
        db.session.commit()
        assert previews._queue() == [row.id]
        db.session.execute(
            update(LinkPreview).values(
                status="fetching", attempts=3, claimed_at=utcnow() - timedelta(hours=1)
            )
        )
        db.session.commit()
        assert previews._queue() == []
        assert db.session.get(LinkPreview, row.id).status == "failed"


def test_jobs_tick_runs_the_preview_task(app, runner, comms, site, allow_loopback):
    link_id = share(app, comms, site.url("/plain"))
    result = runner.invoke(args=["jobs", "tick"])
    assert result.exit_code == 0, result.output
    assert "link_previews: 1" in result.output
    assert _preview(app, link_id).title == "Plain & simple"
