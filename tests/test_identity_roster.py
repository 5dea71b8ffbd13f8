"""`flask users sync --from FILE.csv`: reading the HR roster strictly, the dry run, deactivating leavers
through the admin path, updating units and job titles, keeping admins, and the safety limit."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.identity.roster import RosterError, read_roster
from app.models import AuditEntry, Event, Unit, User
from tests import factories

HEADER = "email,name,unit,staff type,job title,status\n"


@pytest.fixture
def roster(tmp_path):
    """Write a roster CSV (header added unless given) and return its path."""

    def _write(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> str:
        path = tmp_path / "roster.csv"
        path.write_text(header + "".join(line + "\n" for line in lines), encoding=encoding)
        return str(path)

    return _write


@pytest.fixture
def staff(app):
    """Four active people (one admin) and the Response unit; returns their emails by role."""
    with app.app_context():
        factories.make_unit("Response")
        people = {
            "admin": factories.make_user(name="Ada Admin", role="admin", email="ada@example.police.uk"),
            "stays": factories.make_user(name="Sam Stays", email="sam@example.police.uk"),
            "absent": factories.make_user(name="Alex Absent", email="alex@example.police.uk"),
            "left": factories.make_user(name="Lee Left", email="lee@example.police.uk"),
        }
        db.session.commit()
        return {role: user.email for role, user in people.items()}


def _sync(runner, path: str, *options: str):
    return runner.invoke(args=["users", "sync", "--from", path, *options])


def _person(app, email: str) -> User:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge(user)
        return user


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- reading the file ----------------------------------------------------------------------------


def test_headers_are_read_in_the_ways_hr_spells_them(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "\ufeffEmail Address,Full Name,Department,Employee-Type,Job Title,Employment Status\n"
        "  Sam@Example.Police.UK ,Sam Stays,Response,Sworn,PC,Active\n"
        "\n"
        "lee@example.police.uk,Lee Left,,,,Leaver\n",
        encoding="utf-8",
    )
    entries, warnings = read_roster(path)
    assert warnings == []
    assert [(e.email, e.unit, e.staff_type, e.job_title, e.left) for e in entries] == [
        ("sam@example.police.uk", "Response", "sworn", "PC", False),
        ("lee@example.police.uk", "", "", "", True),
    ]


def test_a_roster_that_would_make_the_sync_guess_is_refused_whole(roster):
    path = roster(
        "sam@example.police.uk,Sam,,,,",
        "not-an-email,Someone,,,,",
        "sam@example.police.uk,Sam again,,,,",
        "kim@example.police.uk,Kim,,,,on holiday",
    )
    with pytest.raises(RosterError) as raised:
        read_roster(path)
    assert raised.value.problems == [
        "line 3: 'not-an-email' isn't an email address",
        "line 4: sam@example.police.uk is also on line 2",
        "line 5: unknown status 'on holiday' for kim@example.police.uk (use active or left)",
    ]


def test_no_email_column_or_no_file_is_a_clear_error(tmp_path, roster):
    with pytest.raises(RosterError, match="has no email column"):
        read_roster(roster("x,y", header="name,unit\n"))
    with pytest.raises(RosterError, match="Can't read"):
        read_roster(tmp_path / "missing.csv")
    binary = tmp_path / "roster.xlsx"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00garbage")
    with pytest.raises(RosterError, match="Can't read"):
        read_roster(binary)


def test_an_unknown_staff_type_is_a_warning_not_a_change(roster):
    entries, warnings = read_roster(roster("sam@example.police.uk,Sam,,astronaut,,"))
    assert entries[0].staff_type == ""
    assert warnings == ["line 2: unknown staff type 'astronaut' for sam@example.police.uk, left as it is"]


# --- the command -----------------------------------------------------------------------------------


def test_a_dry_run_prints_what_would_change_and_changes_nothing(app, runner, roster, staff):
    path = roster(
        f"{staff['stays']},Sam Stays,Response,sworn,Sergeant,active",
        f"{staff['left']},Lee Left,,,,left",
    )
    result = _sync(runner, path, "--dry-run", "--max-percent", "60")
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing has been changed." in result.output
    assert "Would deactivate: 2" in result.output
    assert f"{staff['absent']} (Not on the HR roster)" in result.output
    assert f"{staff['left']} (Marked as left on the HR roster)" in result.output
    assert f"{staff['stays']}: unit → Response; job title → Sergeant; staff type → sworn" in result.output
    assert (
        f"Admins not on the roster, kept (use --include-admins to include them): 1\n  - {staff['admin']}"
        in (result.output)
    )
    assert not _person(app, staff["absent"]).is_deactivated and _actions(app) == []


def test_the_sync_deactivates_leavers_through_the_admin_path_and_updates_the_rest(app, runner, roster, staff):
    path = roster(
        f"{staff['stays']},Sam Stays,response,sworn,Sergeant,",
        f"{staff['left']},Lee Left,,,,left",
        "new.starter@example.police.uk,New Starter,Response,,,",
        "kim@example.police.uk,Kim,Made-up Unit,,,",
    )
    versions = {role: _person(app, email).session_version for role, email in staff.items()}
    result = _sync(runner, path, "--max-percent", "60")
    assert result.exit_code == 0, result.output
    assert "Deactivated: 2" in result.output and "Updated: 1" in result.output
    assert "On the roster without an account (they get one when they first sign in, or by invitation): 2" in (
        result.output
    )
    assert "add them in Admin → Units): Made-up Unit" in result.output
    for role in ("absent", "left"):
        gone = _person(app, staff[role])
        assert gone.is_deactivated and gone.session_version == versions[role] + 1
    stays = _person(app, staff["stays"])
    assert (stays.job_title, stays.staff_type, stays.is_deactivated) == ("Sergeant", "sworn", False)
    admin = _person(app, staff["admin"])
    assert not admin.is_deactivated and admin.session_version == versions["admin"]
    with app.app_context():
        assert db.session.get(User, stays.id).unit.name == "Response"
        assert db.session.scalar(select(func.count()).select_from(Unit)) == 1  # nothing invented
        ended = db.session.scalars(select(Event.user_id).where(Event.name == "user_deactivated")).all()
        assert sorted(ended) == sorted([_person(app, staff["absent"]).id, _person(app, staff["left"]).id])
        entries = {
            e.target_id: e
            for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "user.deactivated"))
        }
        assert entries[_person(app, staff["absent"]).id].reason == "Not on the HR roster"
        assert entries[_person(app, staff["left"]).id].reason == "Marked as left on the HR roster"
        assert all(e.actor_id is None and e.data["source"] == "roster" for e in entries.values())
        run = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "roster.synced"))
        assert run.reason == "command line: roster.csv" and run.data["unknown_units"] == ["Made-up Unit"]
        assert (run.data["deactivated"], run.data["updated"], run.data["admins_kept"]) == (2, 1, 1)
        assert run.data["not_found"] == 2


def test_running_it_again_changes_nothing(app, runner, roster, staff):
    path = roster(f"{staff['stays']},Sam,,,,", f"{staff['left']},Lee,,,,")
    assert _sync(runner, path, "--force").exit_code == 0
    again = _sync(runner, path)
    assert again.exit_code == 0 and "Deactivated: 0" in again.output and "Updated: 0" in again.output
    assert _actions(app).count("user.deactivated") == 1


def test_too_many_deactivations_are_refused_unless_forced(app, runner, roster, staff):
    path = roster(f"{staff['stays']},Sam,,,,")  # 2 of 4 accounts would go: 50%
    refused = _sync(runner, path)
    assert refused.exit_code == 1
    assert "would deactivate 2 of 4 active accounts (50%), more than the limit of 10%" in refused.output
    assert "Nothing changed." in refused.output and _actions(app) == []
    assert _sync(runner, path, "--max-percent", "50").exit_code == 0
    assert _person(app, staff["absent"]).is_deactivated


def test_an_empty_roster_is_refused_by_the_limit(app, runner, roster, staff):
    result = _sync(runner, roster())
    assert result.exit_code == 1 and "would deactivate 3 of 4" in result.output
    assert not _person(app, staff["stays"]).is_deactivated


def test_a_bad_roster_changes_nothing(app, runner, roster, staff):
    result = _sync(runner, roster("nonsense,,,,,"))
    assert result.exit_code == 1 and "The roster was not used, nothing changed" in result.output
    assert "line 2: 'nonsense' isn't an email address" in result.output
    assert _actions(app) == []


def test_admins_are_included_on_request_but_the_last_admin_stays(app, runner, roster, staff):
    with app.app_context():
        factories.make_user(name="Other Admin", role="admin", email="other.admin@example.police.uk")
    path = roster(f"{staff['stays']},Sam,,,,", f"{staff['absent']},Alex,,,,", f"{staff['left']},Lee,,,,")
    result = _sync(runner, path, "--include-admins", "--force")
    assert result.exit_code == 0, result.output
    # Both admins are off the roster: deactivating them all would leave nobody to manage Rollcall.
    assert "Kept every admin" in result.output
    assert not _person(app, staff["admin"]).is_deactivated
    path = roster(
        f"{staff['stays']},Sam,,,,", f"{staff['absent']},Alex,,,,", f"{staff['left']},Lee,,,,", staff["admin"]
    )
    assert _sync(runner, path, "--include-admins", "--force").exit_code == 0
    assert _person(app, "other.admin@example.police.uk").is_deactivated
    assert not _person(app, staff["admin"]).is_deactivated


def test_people_deactivated_here_but_on_the_roster_are_reported_not_reactivated(app, runner, roster, staff):
    from app.admin.services import deactivate

    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == staff["admin"]))
        deactivate(actor, db.session.scalar(select(User).where(User.email == staff["absent"])))
        db.session.commit()
    path = roster(*(f"{staff[r]},x,,,," for r in ("stays", "absent", "left")))
    result = _sync(runner, path)
    assert "On the roster but deactivated here (reactivate them in Admin → People if they are back): 1" in (
        result.output
    )
    assert _person(app, staff["absent"]).is_deactivated
