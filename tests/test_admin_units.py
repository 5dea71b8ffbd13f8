"""Admin units: creating, renaming, moving without cycles, deleting only when empty, counts without N+1."""

import pytest
from sqlalchemy import select

from app.admin import units as unit_services
from app.errors import ValidationError
from app.extensions import db
from app.models import Unit, User, utcnow
from tests.factories import make_unit, make_user


def _fresh(user: User) -> User:
    return db.session.get(User, user.id)


@pytest.fixture
def unit_id(app) -> int:
    """A committed unit."""
    with app.app_context():
        unit = make_unit("Roads Policing")
        db.session.commit()
        return unit.id


# --- units -------------------------------------------------------------------------------------


def test_create_rename_and_move_units(ctx, admin):
    actor = _fresh(admin)
    ops = unit_services.create_unit(actor, "Operations")
    roads = unit_services.create_unit(actor, "  Roads   policing ", str(ops.id))
    assert (roads.name, roads.parent_id) == ("Roads policing", ops.id)
    unit_services.update_unit(actor, roads, "Roads Policing Unit", "")
    assert (roads.name, roads.parent_id) == ("Roads Policing Unit", None)


@pytest.mark.parametrize(
    "name, parent, field, message",
    [
        ("", "", "name", "Give the unit a name."),
        ("x" * 121, "", "name", "at most 120"),
        ("operations", "", "name", "already exists"),
        ("Dogs", "424242", "parent_id", "Choose a unit"),
        ("Dogs", "abc", "parent_id", "Choose a unit"),
    ],
)
def test_unit_validation(ctx, admin, name, parent, field, message):
    unit_services.create_unit(_fresh(admin), "Operations")
    with pytest.raises(ValidationError) as exc:
        unit_services.create_unit(_fresh(admin), name, parent)
    assert message in exc.value.fields[field]


def test_a_unit_cannot_be_its_own_ancestor(ctx, admin):
    actor = _fresh(admin)
    top = unit_services.create_unit(actor, "Operations")
    middle = unit_services.create_unit(actor, "Response", top.id)
    bottom = unit_services.create_unit(actor, "Response North", middle.id)
    for parent in (top, middle, bottom):
        with pytest.raises(ValidationError) as exc:
            unit_services.update_unit(actor, top, "Operations", parent.id)
        assert "parent_id" in exc.value.fields
    assert top.parent_id is None
    unit_services.update_unit(actor, top, "Operations", None)
    unit_services.update_unit(actor, bottom, "Response North", top.id)  # moving down the tree is fine
    assert bottom.parent_id == top.id


def test_delete_unit_rules(ctx, admin):
    actor = _fresh(admin)
    busy = unit_services.create_unit(actor, "Busy")
    parent = unit_services.create_unit(actor, "Parent")
    unit_services.create_unit(actor, "Child", parent.id)
    quiet = unit_services.create_unit(actor, "Quiet")
    make_user(unit=busy)
    leaver = make_user(unit=quiet)
    leaver.deactivated_at = utcnow()
    db.session.commit()
    with pytest.raises(ValidationError) as exc:
        unit_services.delete_unit(actor, busy)
    assert "1 person is still in Busy" in exc.value.fields["unit"]
    with pytest.raises(ValidationError) as exc:
        unit_services.delete_unit(actor, parent)
    assert "sub-units" in exc.value.fields["unit"]
    unit_services.delete_unit(actor, quiet)
    db.session.commit()
    assert db.session.get(Unit, quiet.id) is None
    db.session.expire_all()
    assert _fresh(leaver).unit_id is None


def test_units_page_counts_people_without_n_plus_one(app, client, login, admin, count_queries):
    login(admin)
    counts = []
    for n in (2, 12):
        with app.app_context():
            for _ in range(n):
                unit = make_unit(parent=make_unit())
                make_user(unit=unit)
                gone = make_user(unit=unit)
                gone.deactivated_at = utcnow()
            db.session.commit()
        with count_queries() as queries:
            page = client.get("/admin/units").get_data(as_text=True)
        counts.append(queries())
    assert counts[0] == counts[1]
    assert "(+1 former)" in page


def test_unit_routes(app, client, login, admin, unit_id):
    login(admin)
    assert client.post("/admin/units", data={"name": "Dogs", "parent_id": str(unit_id)}).status_code == 302
    bad = client.post("/admin/units", data={"name": "", "parent_id": "abc"})
    assert bad.status_code == 422 and "Give the unit a name." in bad.get_data(as_text=True)
    with app.app_context():
        dogs = db.session.scalar(select(Unit).where(Unit.name == "Dogs"))
        assert dogs.parent_id == unit_id
        dogs_id = dogs.id
    edit = client.get(f"/admin/units/{unit_id}").get_data(as_text=True)
    assert f'<option value="{dogs_id}"' not in edit  # its own sub-unit isn't offered as a parent
    cycle = client.post(f"/admin/units/{unit_id}", data={"name": "Roads Policing", "parent_id": str(dogs_id)})
    assert cycle.status_code == 422 and "can&#39;t also be above it" in cycle.get_data(as_text=True)
    assert (
        client.post(f"/admin/units/{dogs_id}", data={"name": "Dog Section", "parent_id": ""}).status_code
        == 302
    )
    with app.app_context():
        make_user(unit=db.session.get(Unit, dogs_id))
    refused = client.post(f"/admin/units/{dogs_id}/delete")
    assert refused.status_code == 422 and "still in Dog Section" in refused.get_data(as_text=True)
    assert client.post(f"/admin/units/{unit_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Unit, unit_id) is None and db.session.get(Unit, dogs_id).name == "Dog Section"
    for path in ("/admin/units/999999", "/admin/units/abc", "/admin/units/999999/delete"):
        assert client.post(path, data={"name": "X"}).status_code == 404
