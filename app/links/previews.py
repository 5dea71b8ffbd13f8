"""Link previews: asked for when an address is pasted or shared, fetched by the job runner.

Nothing here runs in a request but request_preview(), which only queues a row: pages never wait
for another site. The worker claims a row with a conditional UPDATE (so two workers never fetch
the same one), fetches with no transaction open, then stores the result and tells live cards.
Images are downloaded, judged by their bytes and kept under MEDIA_DIR; Rollcall serves them.
"""

import hashlib
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app import events
from app.communities.services import insert_once
from app.db import writing
from app.extensions import db
from app.jobs import task
from app.links.fetch import FetchError, Policy, fetch
from app.links.metadata import PageMeta, decode_html, parse_page, sniff_image
from app.links.settings import current_policy, limit
from app.links.urls import normalise
from app.models import CuratedLink, LinkPreview, Post, utcnow

BATCH = 10
MAX_ATTEMPTS = 3
STALE_CLAIM = timedelta(minutes=5)
RETRY_FAILED_AFTER = timedelta(hours=1)
IMAGE_DIR = "link-previews"
PAGE_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
IMAGE_ACCEPT = "image/png,image/jpeg,image/gif,image/webp;q=0.9"
HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class Outcome:
    """What fetching a preview produced: the page's fields and maybe a sniffed image."""

    final_url: str
    meta: PageMeta
    image: bytes | None = None
    image_type: str | None = None
    image_extension: str | None = None


def request_preview(url: str) -> LinkPreview:
    """The preview for this address, queued if new; a failed one is queued again after a while."""
    key = normalise(url)
    row = db.session.scalar(select(LinkPreview).where(LinkPreview.url_key == key))
    if row is None:
        # ON CONFLICT DO NOTHING: someone may paste the same address at the same moment.
        insert_once(LinkPreview, url=url, url_key=key, status="pending")
        row = db.session.scalar(select(LinkPreview).where(LinkPreview.url_key == key))
    elif row.status == "failed" and (
        row.fetched_at is None or row.fetched_at < utcnow() - RETRY_FAILED_AFTER
    ):
        row.status, row.attempts, row.error = "pending", 0, ""
        db.session.flush()
    return row


def find_preview(url: str) -> LinkPreview | None:
    """The preview row for this address, if one was asked for."""
    return db.session.scalar(select(LinkPreview).where(LinkPreview.url_key == normalise(url)))


def build_preview(url: str, policy: Policy) -> Outcome:
    """Fetch the page and its image safely (no database use); raises FetchError for the page."""
    page = fetch(
        url, policy, accept=PAGE_ACCEPT, max_bytes=int(limit("LINK_PREVIEW_MAX_PAGE_BYTES")), truncate=True
    )
    if page.content_type not in HTML_TYPES:
        raise FetchError("That address isn't a web page, so it has no preview.")
    meta = parse_page(decode_html(page.body, page.charset), page.url)
    outcome = Outcome(final_url=page.url, meta=meta)
    if meta.image:
        try:
            image = fetch(
                meta.image, policy, accept=IMAGE_ACCEPT, max_bytes=int(limit("LINK_PREVIEW_MAX_IMAGE_BYTES"))
            )
        except FetchError as exc:
            current_app.logger.info("preview image %s not fetched: %s", meta.image, exc.message)
            return outcome
        sniffed = sniff_image(image.body)
        if sniffed is not None:
            outcome.image, (outcome.image_type, outcome.image_extension) = image.body, sniffed
    return outcome


def _save_image(outcome: Outcome) -> str | None:
    """Write the image under MEDIA_DIR, named by its hash; returns its path relative to MEDIA_DIR."""
    if outcome.image is None:
        return None
    name = f"{hashlib.sha256(outcome.image).hexdigest()}.{outcome.image_extension}"
    folder = Path(current_app.config["MEDIA_DIR"]) / IMAGE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        partial = folder / f".{name}.{os.getpid()}.part"
        partial.write_bytes(outcome.image)
        os.replace(partial, target)  # readers never see half a file
    return f"{IMAGE_DIR}/{name}"


def image_file(preview: LinkPreview) -> Path | None:
    """The stored image of a ready preview, if it is still on disk."""
    if preview.status != "ready" or not preview.image_path:
        return None
    path = Path(current_app.config["MEDIA_DIR"]) / preview.image_path
    return path if path.is_file() else None


def _queue() -> list[int]:
    """Free claims a dead worker left behind, then the ids waiting to be fetched."""
    stale = (LinkPreview.status == "fetching", LinkPreview.claimed_at < utcnow() - STALE_CLAIM)
    with writing():
        db.session.execute(
            update(LinkPreview)
            .where(*stale, LinkPreview.attempts >= MAX_ATTEMPTS)
            .values(status="failed", error="The preview could not be fetched.")
        )
        db.session.execute(update(LinkPreview).where(*stale).values(status="pending"))
        ids = list(
            db.session.scalars(
                select(LinkPreview.id)
                .where(LinkPreview.status == "pending")
                .order_by(LinkPreview.id)
                .limit(BATCH)
            )
        )
        db.session.commit()
    return ids


def _claim(preview_id: int) -> str | None:
    """Take one pending preview for this worker; returns its address, or None if another took it."""
    with writing():
        claimed = db.session.execute(
            update(LinkPreview)
            .where(LinkPreview.id == preview_id, LinkPreview.status == "pending")
            .values(status="fetching", claimed_at=utcnow(), attempts=LinkPreview.attempts + 1)
        ).rowcount
        url = (
            db.session.scalar(select(LinkPreview.url).where(LinkPreview.id == preview_id))
            if claimed
            else None
        )
        db.session.commit()
    return url


def _store(preview_id: int, outcome: Outcome | None, error: FetchError | None) -> None:
    """Save what the fetch found (or why it failed) and refresh the cards that show it."""
    image_path = _save_image(outcome) if outcome else None
    with writing():
        row = db.session.get(LinkPreview, preview_id)
        row.claimed_at, row.fetched_at = None, utcnow()
        if outcome is not None:
            row.status, row.error, row.final_url = "ready", "", outcome.final_url[:2000]
            row.title, row.description = outcome.meta.title, outcome.meta.description
            row.site_name, row.image_path, row.image_type = (
                outcome.meta.site_name,
                image_path,
                outcome.image_type,
            )
        else:
            retry = not error.permanent and row.attempts < MAX_ATTEMPTS
            row.status, row.error = ("pending" if retry else "failed"), error.message[:200]
        if row.status == "ready":
            posts = db.session.execute(
                select(Post.id, Post.community_id)
                .join(CuratedLink, CuratedLink.post_id == Post.id)
                .where(CuratedLink.preview_id == preview_id, Post.status != "deleted")
            ).all()
            for post_id, community_id in posts:
                events.record("post_updated", community_id=community_id, post_id=post_id, preview=True)
        db.session.commit()


@task("link_previews")
def fetch_pending_previews() -> int:
    """Fetch the link previews waiting in the queue (a few per pass); returns how many were tried."""
    policy = current_policy()
    db.session.commit()  # end the read: nothing holds a transaction while another site answers
    tried = 0
    for preview_id in _queue():
        url = _claim(preview_id)
        if url is None:
            continue
        tried += 1
        try:
            outcome = build_preview(url, policy)
        except FetchError as exc:
            _store(preview_id, None, exc)
        else:
            _store(preview_id, outcome, None)
    return tried
