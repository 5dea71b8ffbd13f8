"""Leavers' access ends at once: deactivation revokes API tokens (so a returner's old tokens stay dead),
the roster sync cuts live sockets, and the nightly roster job runs once a day and refuses bad rosters."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.admin.services import deactivate, reactivate
from app.api.tokens import create_token, token_for
from app.extensions import db
from app.identity import roster_job
from app.jobs import TASKS
from app.models import ApiToken, AuditEntry, User
from tests import factories
from tests.realtime_helpers import sign_in


def _token(app, user) -> str:
    with app.app_context():
        _row, plaintext = create_token(db.session.get(User, user.id), "Rota script", "write")
        db.session.commit()
        return plaintext


def test_deactivating_revokes_api_tokens_for_good(app, admin, member):
    plaintext = _token(app, member)
    with app.app_context():
        deactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
        assert db.session.scalar(select(ApiToken.revoked_at)) is not None
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user.deactivated"))
        assert entry.data == {"tokens_revoked": 1} and entry.actor_id == admin.id
        reactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
        assert token_for(plaintext) is None  # back at work, but the old token stays dead


def test_the_api_refuses_a_leavers_token(app, client, admin, member):
    plaintext = _token(app, member)
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    with app.app_context():
        deactivate(db.session.get(User, admin.id), db.session.get(User, member.id))
        db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_the_roster_sync_cuts_sockets_and_sessions_at_once(app, runner, sockets, tmp_path, admin, member):
    browser = sign_in(app, member)
    page_socket = sockets.connect(browser)
    script_socket = sockets.connect(auth={"token": _token(app, member)})
    assert page_socket.is_connected() and script_socket.is_connected()
    roster = tmp_path / "roster.csv"
    roster.write_text(f"email\n{admin.email}\n")
    result = runner.invoke(args=["users", "sync", "--from", str(roster), "--force"])
    assert result.exit_code == 0, result.output
    assert not page_socket.is_connected() and not script_socket.is_connected()
    assert browser.get("/").status_code == 302  # the session is over too


# --- the nightly job -------------------------------------------------------------------------------


@pytest.fixture
def nightly(app, tmp_path, monkeypatch):
    """ROSTER_FILE set, and a clock the test moves; returns (roster path, set_now)."""
    path = tmp_path / "roster.csv"
    monkeypatch.setitem(app.config, "ROSTER_FILE", str(path))
    clock = {"now": datetime(2026, 12, 1, 3, 0, tzinfo=UTC)}
    monkeypatch.setattr(roster_job, "utcnow", lambda: clock["now"])

    def set_now(*args) -> None:
        clock["now"] = datetime(*args, tzinfo=UTC)

    return path, set_now


def _run(app):
    with app.app_context():
        return TASKS["roster_sync"]()


def _people(app, count: int) -> list[str]:
    with app.app_context():
        return [factories.make_user(email=f"p{n}@example.police.uk").email for n in range(count)]


def test_the_task_is_registered_and_idle_without_a_roster(app):
    assert "roster_sync" in TASKS
    assert app.config["ROSTER_FILE"] == "" and _run(app) is None


def test_it_runs_once_a_day_after_the_hour(app, nightly):
    path, set_now = nightly
    emails = _people(app, 11)
    path.write_text("email,status\n" + "".join(f"{e},\n" for e in emails[:10]) + f"{emails[10]},left\n")
    set_now(2026, 12, 1, 1, 59)
    assert _run(app) is None  # before ROSTER_SYNC_HOUR (2 UTC)
    set_now(2026, 12, 1, 2, 0)
    assert _run(app) == 1
    assert _run(app) is None  # once today
    set_now(2026, 12, 2, 2, 30)
    assert _run(app) == 0  # tomorrow: runs again, and the same roster changes nothing
    with app.app_context():
        runs = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "roster.synced")).all()
        assert [r.reason for r in runs] == ["nightly: roster.csv"] * 2
        assert runs[0].data["deactivated"] == 1 and runs[1].data["deactivated"] == 0


def test_a_roster_over_the_limit_is_refused_and_audited(app, nightly):
    path, _set_now = nightly
    emails = _people(app, 4)
    path.write_text(f"email\n{emails[0]}\n")
    assert _run(app) == 0
    with app.app_context():
        assert not any(u.is_deactivated for u in db.session.scalars(select(User)))
        refused = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.refused"))
        assert "would deactivate 3 of 4 active accounts" in refused.reason
        assert refused.data == {"roster": str(path), "trigger": "nightly"}
    assert _run(app) is None  # not retried every few seconds: tomorrow, or by hand with --force


def test_a_missing_roster_is_refused_and_audited(app, nightly):
    _people(app, 2)  # ROSTER_FILE names a file that isn't there
    assert _run(app) == 0
    with app.app_context():
        refused = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.refused"))
        assert refused.reason.startswith("Can't read")
        assert not any(u.is_deactivated for u in db.session.scalars(select(User)))


def test_two_runners_claim_the_day_once(app):
    with app.app_context():
        assert roster_job.claim_today("2026-12-01") is True
        assert roster_job.claim_today("2026-12-01") is False
        assert roster_job.claim_today("2026-12-02") is True
