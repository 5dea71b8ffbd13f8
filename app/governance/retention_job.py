"""The retention run: nightly (job task "retention"), or from the admin page; every run is audited."""

from flask import current_app

from app import audit
from app.db import writing
from app.extensions import db
from app.governance import clock
from app.governance.holds import active_holds
from app.governance.registry import RETENTION
from app.governance.retention import apply_batch, count_due, due, rules
from app.identity.roster_job import claim_today
from app.jobs import task
from app.models import User

RAN_ON = "retention_ran_on"  # app/site_settings.py: the UTC date of the last nightly run


def run_retention(actor: User | None = None, trigger: str = "nightly") -> dict[str, dict[str, int]]:
    """Apply every rule in batches, committing each, then audit the run's counts per kind.

    Holds are read once at the start: a hold placed during a run applies from the next batch of the
    next run, while one lifted mid-run keeps protecting until the run ends (never the unsafe way).
    """
    config = current_app.config
    size, limit = config["RETENTION_BATCH_SIZE"], config["RETENTION_MAX_PER_RUN"]
    now, holds, stored = clock.now(), active_holds(), rules()
    results: dict[str, dict[str, int]] = {}
    try:
        for key, kind in RETENTION.items():
            rule = stored.get(key)
            item = due(kind, rule, now, holds) if rule else None
            if item is None:
                continue
            done, kept = 0, count_due(item)[1]
            while done < limit:
                changed = apply_batch(item, min(size, limit - done))
                db.session.commit()
                if not changed:
                    break
                done += changed
            results[key] = {rule.action: done, "kept_by_hold": kept}
    finally:
        db.session.rollback()  # a failing batch leaves nothing half-done; what was committed is audited
        audit.record(
            actor, "retention.ran", "retention", None, trigger=trigger, at=now.isoformat(), counts=results
        )
        db.session.commit()
    return results


@task("retention")
def nightly_retention() -> int | None:
    """Apply the retention rules once a day, on the first pass at or after RETENTION_HOUR (UTC).

    Returns how many records were removed or anonymised (None when it wasn't time to run).
    """
    now = clock.now()
    if now.hour < current_app.config["RETENTION_HOUR"]:
        return None
    with writing():
        if not claim_today(now.date().isoformat(), RAN_ON):
            return None
        results = run_retention()
    return sum(count for counts in results.values() for key, count in counts.items() if key != "kept_by_hold")
