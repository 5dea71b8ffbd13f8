"""The nightly roster sync: once a day, after ROSTER_SYNC_HOUR (UTC), reconcile accounts with ROSTER_FILE."""

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app import audit
from app.db import writing
from app.extensions import db
from app.identity.roster import RosterError, apply_sync, over_limit, plan_sync, read_roster
from app.jobs import task
from app.models import Setting, utcnow

# The UTC date of the last nightly run (app/site_settings.py); claimed before the run starts.
SYNCED_ON = "roster_synced_on"


def claim_today(today: str, key: str = SYNCED_ON) -> bool:
    """Mark today's run of a daily job as taken, atomically: with several job runners only one gets
    True (commits). `key` is the setting holding the date of the job's last run."""
    if db.session.get(Setting, key) is None:
        db.session.add(Setting(key=key, value=today))
        try:
            db.session.commit()
        except IntegrityError:  # another runner inserted it first
            db.session.rollback()
            return False
        return True
    claimed = db.session.execute(
        update(Setting).where(Setting.key == key, Setting.value != today).values(value=today)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _refuse(path: str, reason: str) -> int:
    """Record why tonight's sync changed nothing (audit log, and the job's log for whoever watches it)."""
    db.session.rollback()
    audit.record(None, "roster.refused", reason=reason, roster=path, trigger="nightly")
    db.session.commit()
    current_app.logger.error("Roster sync refused: %s", reason)
    return 0


@task("roster_sync")
def roster_sync() -> int | None:
    """Deactivate leavers and update units and job titles from ROSTER_FILE, at most once a day.

    Safe to run on every tick: it does nothing without ROSTER_FILE, before the hour, or once today's
    run is claimed; and a sync repeated on the same roster changes nothing. Returns how many people
    were deactivated.
    """
    config = current_app.config
    path, now = config["ROSTER_FILE"], utcnow()
    if not path or now.hour < config["ROSTER_SYNC_HOUR"]:
        return None
    with writing():
        if not claim_today(now.date().isoformat()):
            return None
        try:
            entries, warnings = read_roster(path)
        except RosterError as exc:
            return _refuse(path, str(exc))
        plan = plan_sync(entries)
        refusal = over_limit(plan, config["ROSTER_MAX_DEACTIVATE_PERCENT"])
        if refusal:
            return _refuse(path, refusal)
        for warning in warnings + plan.warnings:
            current_app.logger.warning("Roster sync: %s", warning)
        counts = apply_sync(plan, path, "nightly")
        db.session.commit()
    return counts["deactivated"]
