"""Profiles, editing one's own profile, and the staff directory (filters, keyset pages, query counts)."""

import pytest
from sqlalchemy import select

from app.errors import NotFound, ValidationError
from app.extensions import db
from app.models import Event, User, utcnow
from app.people import services
from tests.factories import make_community, make_unit, make_user


def _fresh(user: User) -> User:
    return db.session.get(User, user.id)


def _names(rows) -> list[str]:
    return [u.name for u in rows]


# --- services: profile -------------------------------------------------------------------------


def test_update_profile_saves_every_field_and_records_an_event(ctx, member):
    unit = make_unit("Response North")
    user = _fresh(member)
    services.update_profile(
        user,
        name="  Sam   Patel ",
        job_title="Response sergeant",
        unit_id=str(unit.id),
        staff_type="sworn",
        bio="Line one.\nLine two.",
    )
    db.session.commit()
    user = _fresh(member)
    assert (user.name, user.job_title, user.unit_id, user.staff_type) == (
        "Sam Patel",
        "Response sergeant",
        unit.id,
        "sworn",
    )
    assert user.bio == "Line one.\nLine two."
    assert db.session.scalar(select(Event.name).where(Event.name == "user_updated")) == "user_updated"


def test_update_profile_blank_unit_clears_it(ctx, member):
    unit = make_unit()
    user = _fresh(member)
    services.update_profile(user, name=user.name, unit_id=unit.id, staff_type="civilian")
    services.update_profile(user, name=user.name, unit_id="", staff_type="civilian")
    assert user.unit is None


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": ""}, "name", "Enter your name."),
        ({"name": "x" * 121}, "name", "at most 120"),
        ({"job_title": "x" * 121}, "job_title", "at most 120"),
        ({"bio": "x" * 1001}, "bio", "at most 1,000"),
        ({"unit_id": "999999"}, "unit_id", "Choose a unit"),
        ({"unit_id": "abc"}, "unit_id", "Choose a unit"),
        ({"unit_id": "99999999999999999999999"}, "unit_id", "Choose a unit"),
        ({"unit_id": True}, "unit_id", "Choose a unit"),
        ({"staff_type": "wizard"}, "staff_type", "Choose a staff type"),
    ],
)
def test_update_profile_rejects_bad_input_and_changes_nothing(ctx, member, changes, field, message):
    user = _fresh(member)
    fields = {"name": "New Name", "job_title": "Analyst", "unit_id": "", "staff_type": "sworn", "bio": "Hi"}
    with pytest.raises(ValidationError) as exc:
        services.update_profile(user, **(fields | changes))
    assert message in exc.value.fields[field]
    assert (user.name, user.job_title, user.staff_type) == (member.name, "", "civilian")


def test_update_profile_reports_every_bad_field_at_once(ctx, member):
    with pytest.raises(ValidationError) as exc:
        services.update_profile(
            _fresh(member), name="", job_title="x" * 121, unit_id="nope", staff_type="", bio="x" * 1001
        )
    assert set(exc.value.fields) == {"name", "job_title", "unit_id", "staff_type", "bio"}


def test_get_person_unknown_or_unconfirmed_is_not_found(ctx):
    pending = make_user(name="Not Yet", confirmed=False)
    for user_id in (pending.id, 999999, 10**30):
        with pytest.raises(NotFound):
            services.get_person(user_id)


# --- services: directory and keyset pages -----------------------------------------------------


def test_directory_lists_active_confirmed_people_by_name(ctx):
    make_user(name="Zoe Adams")
    make_user(name="Amir Khan")
    gone = make_user(name="Bea Left")
    gone.deactivated_at = utcnow()
    make_user(name="Carl Unconfirmed", confirmed=False)
    db.session.commit()
    assert _names(db.session.scalars(services.directory())) == ["Amir Khan", "Zoe Adams"]


def test_directory_filters_by_text_unit_tree_and_staff_type(ctx):
    ops = make_unit("Operations")
    north = make_unit("Response North", parent=ops)
    hq = make_unit("Headquarters")
    make_user(name="Priya Shah", job_title="Response Sergeant", unit=north, staff_type="sworn")
    make_user(name="Tom Reed", job_title="Intelligence analyst", unit=ops, staff_type="civilian")
    make_user(name="Ann Lee", job_title="Payroll officer", unit=hq, staff_type="civilian")
    assert _names(db.session.scalars(services.directory(q="SERGEANT"))) == ["Priya Shah"]
    assert _names(db.session.scalars(services.directory(q="reed"))) == ["Tom Reed"]
    assert _names(db.session.scalars(services.directory(unit_id=str(ops.id)))) == ["Priya Shah", "Tom Reed"]
    assert _names(db.session.scalars(services.directory(unit_id=north.id))) == ["Priya Shah"]
    assert _names(db.session.scalars(services.directory(staff_type="civilian"))) == ["Ann Lee", "Tom Reed"]
    assert _names(
        db.session.scalars(services.directory(q="officer", staff_type="civilian", unit_id=hq.id))
    ) == ["Ann Lee"]


def test_directory_treats_wildcards_as_text(ctx):
    make_user(name="Plain Name")
    assert list(db.session.scalars(services.directory(q="%"))) == []
    assert list(db.session.scalars(services.directory(q="_"))) == []


@pytest.mark.parametrize(
    "filters, field",
    [
        ({"q": "x" * 101}, "q"),
        ({"unit_id": "abc"}, "unit_id"),
        ({"unit_id": "424242"}, "unit_id"),
        ({"staff_type": "wizard"}, "staff_type"),
    ],
)
def test_directory_rejects_bad_filters(ctx, filters, field):
    with pytest.raises(ValidationError) as exc:
        services.directory(**filters)
    assert field in exc.value.fields


def test_keyset_pages_cover_everyone_once_in_order_with_tied_names(ctx):
    for name in ["Dan", "Ann", "Cat", "Ann", "Bob", "Ann", "Eve"]:
        make_user(name=name)
    seen, cursor = [], None
    while True:
        rows, cursor = services.people_page(services.directory(), cursor, limit=2)
        seen.extend((u.name, u.id) for u in rows)
        if cursor is None:
            break
    assert [name for name, _ in seen] == ["Ann", "Ann", "Ann", "Bob", "Cat", "Dan", "Eve"]
    assert len({uid for _, uid in seen}) == 7
    assert seen == sorted(seen)


def test_last_full_page_has_no_next_cursor(ctx):
    for _ in range(4):
        make_user()
    rows, cursor = services.people_page(services.directory(), limit=4)
    assert len(rows) == 4 and cursor is None


@pytest.mark.parametrize("cursor", ["!!!", "bm90IGpzb24", "WzEsMl0", "WyJhIiwgLTFd", "e30"])
def test_broken_cursor_is_a_validation_error(ctx, cursor):
    with pytest.raises(ValidationError) as exc:
        services.people_page(services.directory(), cursor)
    assert "cursor" in exc.value.fields


def test_profile_communities_never_show_a_secret_one_to_outsiders(ctx, member, intruder, admin):
    owner = make_user(name="Olive Owner", role="leader")
    public = make_community(owner, "public", "Cycling club", members=[member])
    private = make_community(owner, "private", "Firearms unit", members=[member])
    secret = make_community(owner, "secret", "Operation Nightjar", members=[member])
    person = _fresh(member)
    seen_by_outsider = {c.id for c in services.profile_communities(_fresh(intruder), person)}
    assert {public.id, private.id} <= seen_by_outsider and secret.id not in seen_by_outsider
    assert secret.id in {c.id for c in services.profile_communities(_fresh(owner), person)}
    assert secret.id in {c.id for c in services.profile_communities(_fresh(admin), person)}


# --- routes: profile ---------------------------------------------------------------------------


def test_profile_shows_the_person(app, client, login, member):
    with app.app_context():
        ops = make_unit("Operations")
        north = make_unit("Response North", parent=ops)
        person = make_user(
            name="Priya Shah", role="comms", job_title="Digital comms lead", unit=north, staff_type="sworn"
        )
        person.bio = "Ask me about the force's social media."
        db.session.commit()
        person_id = person.id
    login(member)
    page = client.get(f"/people/{person_id}").get_data(as_text=True)
    for text in (
        "Priya Shah",
        "Digital comms lead",
        "Response North",
        "Operations",
        "Sworn",
        "Comms officer",
        "social media",
        "Member since",
        "All staff",
    ):
        assert text in page
    assert 'class="avatar avatar--lg' in page
    assert "Former member" not in page


def test_profile_of_a_member_has_no_role_badge(client, login, member, intruder):
    login(intruder)
    page = client.get(f"/people/{member.id}").get_data(as_text=True)
    assert "tag--role" not in page


def test_profile_hides_secret_communities_from_outsiders(app, client, login, member, intruder):
    with app.app_context():
        make_community(make_user(role="leader"), "secret", "Operation Nightjar", members=[_fresh(member)])
    login(intruder)
    assert "Operation Nightjar" not in client.get(f"/people/{member.id}").get_data(as_text=True)
    login(member)
    assert "Operation Nightjar" in client.get(f"/people/{member.id}").get_data(as_text=True)


def test_former_members_profile_stays_reachable_and_says_so(app, client, login, member, intruder):
    with app.app_context():
        _fresh(member).deactivated_at = utcnow()
        db.session.commit()
    login(intruder)
    response = client.get(f"/people/{member.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Former member" in page and "no longer works here" in page
    assert member.email not in page


@pytest.mark.parametrize(
    "path", ["/people/999999", "/people/99999999999999999999999", "/people/abc", "/people/-1"]
)
def test_unknown_profile_is_404(client, login, member, path):
    login(member)
    assert client.get(path).status_code == 404


def test_anonymous_is_sent_to_login(client, member):
    for path in ("/people", f"/people/{member.id}", "/profile/edit"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- routes: edit profile ----------------------------------------------------------------------


def test_edit_profile_form_is_prefilled(app, client, login, member):
    with app.app_context():
        make_unit("Custody")
        db.session.commit()
    login(member)
    page = client.get("/profile/edit").get_data(as_text=True)
    assert f'value="{member.name}"' in page and "Custody" in page and "1,000 characters" in page
    assert "<script>" not in page and "style=" not in page and "onclick" not in page


def test_edit_profile_saves_and_redirects(app, client, login, member):
    with app.app_context():
        unit_id = make_unit("Custody").id
        db.session.commit()
    login(member)
    response = client.post(
        "/profile/edit",
        data={
            "name": "Morgan Jones",
            "job_title": "Detention officer",
            "unit_id": str(unit_id),
            "staff_type": "civilian",
            "bio": "Nights, mostly.",
        },
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/people/{member.id}")
    with app.app_context():
        user = _fresh(member)
        assert (user.name, user.job_title, user.unit_id, user.bio) == (
            "Morgan Jones",
            "Detention officer",
            unit_id,
            "Nights, mostly.",
        )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Enter your name."),
        ({"name": "x" * 121}, "Use at most 120 characters."),
        ({"job_title": "x" * 121}, "Use at most 120 characters."),
        ({"bio": "x" * 1001}, "Use at most 1,000 characters"),
        ({"unit_id": "424242"}, "Choose a unit from the list."),
        ({"unit_id": "twelve"}, "Choose a unit from the list."),
        ({"staff_type": "wizard"}, "Choose a staff type from the list."),
    ],
)
def test_edit_profile_bad_input_shows_errors_keeps_input_saves_nothing(
    app, client, login, member, changes, message
):
    login(member)
    data = {
        "name": "Kept Name",
        "job_title": "Kept title",
        "unit_id": "",
        "staff_type": "sworn",
        "bio": "Kept bio",
    } | changes
    response = client.post("/profile/edit", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'")
    assert "Kept title" in page or "job_title" in changes
    assert 'aria-invalid="true"' in page
    with app.app_context():
        user = _fresh(member)
        assert (user.name, user.job_title, user.bio) == (member.name, "", "")


# --- routes: directory -------------------------------------------------------------------------


def test_directory_page_has_filters_and_a_live_results_region(app, client, login, member):
    with app.app_context():
        make_user(name="Priya Shah", job_title="Response sergeant")
    login(member)
    page = client.get("/people").get_data(as_text=True)
    assert 'id="results"' in page and 'aria-live="polite"' in page and 'data-live-filter="#results"' in page
    assert "Priya Shah" in page and "Response sergeant" in page
    for label in ('for="f-q"', 'for="f-unit_id"', 'for="f-staff_type"'):
        assert label in page


def test_fetch_gets_only_the_results(app, client, login, member):
    with app.app_context():
        make_user(name="Priya Shah", job_title="Response sergeant")
        make_user(name="Tom Reed")
    login(member)
    response = client.get("/people?q=priya", headers={"X-Requested-With": "fetch"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Priya Shah" in page and "Tom Reed" not in page
    assert "<html" not in page and 'id="results"' not in page


def test_directory_empty_result_says_what_to_try(client, login, member):
    login(member)
    page = client.get("/people?q=nobody-at-all", headers={"X-Requested-With": "fetch"}).get_data(as_text=True)
    assert "Nobody matches" in page and "Clear the filters" in page


def test_directory_more_people_link_continues_where_the_page_ended(app, client, login, member):
    with app.app_context():
        for n in range(services.PAGE_SIZE + 3):
            make_user(name=f"Officer {n:03d}", job_title="Constable")
    login(member)
    first = client.get("/people?q=officer").get_data(as_text=True)
    assert (
        "More people" in first and "Officer 000" in first and f"Officer {services.PAGE_SIZE:03d}" not in first
    )
    link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    assert "cursor=" in link and "q=officer" in link
    second = client.get(link).get_data(as_text=True)
    assert f"Officer {services.PAGE_SIZE:03d}" in second and "Officer 000" not in second
    assert "More people" not in second


@pytest.mark.parametrize(
    "query, message",
    [
        ("staff_type=wizard", "Choose a staff type"),
        ("unit_id=abc", "Choose a unit"),
        ("q=" + "x" * 101, "at most 100"),
        ("cursor=%21%21%21", "page link is broken"),
    ],
)
def test_directory_bad_filters_are_422_with_a_message(client, login, member, query, message):
    login(member)
    response = client.get(f"/people?{query}")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def _directory_queries(app, client, count_queries, n: int, fetch: bool) -> int:
    with app.app_context():
        for i in range(n):  # each in their own unit and parent unit, so an N+1 would show
            make_user(name=f"Staff {i:03d}", unit=make_unit(parent=make_unit()), job_title="Analyst")
    headers = {"X-Requested-With": "fetch"} if fetch else {}
    with count_queries() as queries:
        response = client.get("/people", headers=headers)
    assert response.status_code == 200 and "Staff 000" in response.get_data(as_text=True)
    return queries()


@pytest.mark.parametrize("fetch", [False, True])
def test_directory_costs_the_same_queries_for_5_or_30_people(
    app, client, login, member, count_queries, fetch
):
    login(member)
    few = _directory_queries(app, client, count_queries, 5, fetch)
    many = _directory_queries(app, client, count_queries, 25, fetch)  # 30 people in all
    assert few == many
