"""The acceptable-use policy: publishing versions, what changed, acceptance and its export."""

import csv
import io

import pytest
from sqlalchemy import func, select

from app.errors import PermissionDenied, ValidationError
from app.extensions import db
from app.models import AuditEntry, PolicyAcceptance, PolicyClause, PolicyVersion, User
from app.policy import changes, services
from app.policy.suggested import SUGGESTED_CLAUSES
from tests import factories
from tests.moderation_helpers import CLAUSES, publish, published_policy  # noqa: F401


def _drafts(rows):
    return [services.ClauseDraft(*row) for row in rows]


def test_publishing_numbers_versions_and_keeps_old_ones_readable(app, ctx, admin):
    person = db.session.get(User, admin.id)
    first = services.publish(person, _drafts(CLAUSES), "First")
    changed = [CLAUSES[0], ("keep-it-safe", "Keep information safe", "No personal details, ever.", "3")]
    second = services.publish(person, _drafts(changed), "Tighter wording")
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    assert services.current_version().id == second.id
    old = services.get_version(1)
    assert [c.title for c in old.clauses] == [row[1] for row in CLAUSES]  # untouched by version 2
    assert [(c.position, c.key) for c in second.clauses] == [(1, "respect"), (2, "keep-it-safe")]
    assert db.session.get(PolicyAcceptance, (admin.id, second.id)) is not None  # publishing is accepting
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "policy.published")).all()
    assert [e.data["number"] for e in entries] == [1, 2] and entries[1].reason == "Tighter wording"


def test_only_admins_publish(ctx, moderator):
    with pytest.raises(PermissionDenied):
        services.publish(db.session.get(User, moderator.id), _drafts(CLAUSES), "")


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([], "clauses"),
        ([("", "", "Text only", "2")], "title-1"),
        ([("", "Title only", "", "2")], "body-1"),
        ([("", "T" * 121, "Body", "2")], "title-1"),
        ([("", "Title", "B" * 2001, "2")], "body-1"),
        ([("", "Title", "Body", "7")], "severity-1"),
        ([("", "Title", "Body", "high")], "severity-1"),
    ],
)
def test_bad_clauses_are_refused_and_nothing_is_stored(ctx, admin, rows, field):
    with pytest.raises(ValidationError) as exc:
        services.publish(db.session.get(User, admin.id), _drafts(rows), "")
    assert field in exc.value.fields
    assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 0


def test_publishing_the_same_text_again_is_refused(app, ctx, admin):
    person = db.session.get(User, admin.id)
    services.publish(person, _drafts(CLAUSES), "")
    with pytest.raises(ValidationError) as exc:
        services.publish(person, _drafts(CLAUSES), "No change")
    assert "Nothing has changed" in exc.value.fields["clauses"]


def test_new_clauses_get_keys_from_their_titles_and_keys_stay_unique(ctx, admin):
    rows = [("", "Be kind!", "One", "1"), ("", "Be kind", "Two", "1"), ("BAD KEY", "Third", "Three", "2")]
    version = services.publish(db.session.get(User, admin.id), _drafts(rows), "")
    assert [c.key for c in version.clauses] == ["be-kind", "be-kind-2", "third"]


def test_the_diff_lists_added_changed_and_removed_clauses_with_a_word_diff(ctx, admin):
    person = db.session.get(User, admin.id)
    old = services.publish(person, _drafts(CLAUSES), "")
    rows = [
        ("respect", "Treat colleagues with respect", "Disagree with ideas, never with people.", "2"),
        ("be-yourself", "Be yourself", "Post under your own name.", "1"),
        ("", "Protect our systems", "No passwords.", "3"),
    ]
    new = services.publish(person, _drafts(rows), "")
    diff = {c.clause.key: c for c in changes.compare(old, new)}
    assert diff["respect"].kind == "changed"
    assert ("delete", "not") in diff["respect"].words and ("insert", "never with") in diff["respect"].words
    assert diff["be-yourself"].kind == "same"
    assert diff["protect-our-systems"].kind == "added"
    assert diff["keep-it-safe"].kind == "removed"
    assert changes.has_changes(list(diff.values()))


def test_word_diff():
    assert changes.word_diff("a b c", "a x c") == [
        ("equal", "a"),
        ("delete", "b"),
        ("insert", "x"),
        ("equal", "c"),
    ]


def test_accepting_records_who_which_and_when_and_is_idempotent(app, ctx, admin, member):
    services.publish(db.session.get(User, admin.id), _drafts(CLAUSES), "")
    person = db.session.get(User, member.id)
    assert services.needs_acceptance(person)
    row = services.accept(person, 1)
    again = services.accept(person, 1)
    assert row is again and row.accepted_at is not None and row.version.number == 1
    assert not services.needs_acceptance(person)
    with pytest.raises(ValidationError):
        services.accept(person, 2)  # not the version they read


def test_factories_make_people_who_accepted_the_current_policy(app, ctx, admin):
    services.publish(db.session.get(User, admin.id), _drafts(CLAUSES), "")
    db.session.commit()
    assert not services.needs_acceptance(factories.make_user())
    assert services.needs_acceptance(factories.make_user(accept_policy=False))


def test_policy_page_shows_the_current_version_and_old_versions_stay_readable(
    app, client, login, admin, member
):
    publish(app, admin)
    publish(app, admin, [CLAUSES[0]], summary="Shorter")
    login(member)
    page = client.get("/policy").get_data(as_text=True)
    assert (
        "Version 2" in page
        and "Treat colleagues with respect" in page
        and "Keep information safe" not in page
    )
    old = client.get("/policy/versions/1").get_data(as_text=True)
    assert "Keep information safe" in old and "earlier version" in old
    new = client.get("/policy/versions/2").get_data(as_text=True)
    assert "What changed from version 1" in new and "Removed" in new and "Shorter" in new
    for bad in ("/policy/versions/9", "/policy/versions/0", "/policy/versions/99999999999999"):
        assert client.get(bad).status_code == 404


def test_policy_page_before_anything_is_published(client, login, member, admin):
    login(member)
    assert "No policy has been published yet" in client.get("/policy").get_data(as_text=True)


def test_manage_page_starts_from_the_suggested_policy_then_publishes(app, client, login, admin):
    login(admin)
    page = client.get("/policy/manage").get_data(as_text=True)
    assert SUGGESTED_CLAUSES[0][1] in page and "Publish version 1" in page
    form = {
        "summary": "Our first policy",
        "title-1": "Be kind",
        "body-1": "Be kind to colleagues.",
        "severity-1": "2",
    }
    form |= {"title-2": "", "body-2": "", "severity-2": "2"}  # blank rows are left out
    response = client.post("/policy/manage", data=form)
    assert response.status_code == 302
    with app.app_context():
        [clause] = services.current_version().clauses
        assert (clause.key, clause.title) == ("be-kind", "Be kind")


def test_manage_page_adds_a_row_without_publishing_and_keeps_what_was_typed(app, client, login, admin):
    login(admin)
    response = client.post("/policy/manage", data={"action": "add_row", "title-1": "Kept", "body-1": "Typed"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'value="Kept"' in page and 'name="title-4"' in page
    with app.app_context():
        assert services.current_version() is None


def test_manage_page_shows_errors_beside_fields(app, client, login, admin):
    login(admin)
    response = client.post(
        "/policy/manage", data={"title-1": "Only a title", "body-1": "", "severity-1": "9"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Write what clause 1 asks of people." in page and 'value="Only a title"' in page


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_manage_and_export_are_for_admins_only(app, client, login, role):
    login(factories_user(app, role))
    assert client.get("/policy/manage").status_code == 403
    assert client.post("/policy/acceptances.csv").status_code == 403


def factories_user(app, role: str) -> User:
    with app.app_context():
        user = factories.make_user(role=role)
        db.session.expunge(user)
        return user


def test_acceptances_export_as_csv_and_the_export_is_audited(app, client, login, admin, member):
    with app.app_context():
        db.session.get(User, member.id).name = "=HYPERLINK(evil)"
        db.session.commit()
    publish(app, admin)
    login(admin)
    response = client.post("/policy/acceptances.csv", data={"version": "1"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="policy-acceptances-v1.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["name", "email", "version", "accepted_at"]
    names = {row[0] for row in rows[1:]}
    assert "'=HYPERLINK(evil)" in names and admin.name in names  # formulas are defused
    assert all(row[2] == "1" for row in rows[1:])
    with app.app_context():
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "policy.acceptances_exported"))
    assert client.post("/policy/acceptances.csv", data={"version": "42"}).status_code == 404
    assert client.post("/policy/acceptances.csv", data={"version": "x"}).status_code == 200  # every version


def test_a_clause_row_count_limit(ctx, admin):
    rows = [("", f"Clause {n}", "Text", "1") for n in range(services.MAX_CLAUSES + 1)]
    with pytest.raises(ValidationError) as exc:
        services.publish(db.session.get(User, admin.id), _drafts(rows), "")
    assert "at most" in exc.value.fields["clauses"]
    assert db.session.scalar(select(func.count()).select_from(PolicyClause)) == 0
