"""A small organisation with hand-placed activity, for checking every dashboard figure by hand.

E (the dashboard's end date) is Wednesday 18 November 2026; the range is the 84 days to E.
People (active 16; X has left):
  Response (sworn):        Lee Leader (the viewer), Alex One .. Alex Five   -> 6
  Control Room (civilian): Bea One .. Bea Five                              -> 5
  Training:                Cal One, Cal Two (sworn), Cal Three (volunteer)  -> 3
  Custody (contractor):    Dee One, Dee Two                                 -> 2
Communities: All staff (16), Roads Policing (public, 6: Bea Two owner, Bea One, Bea Three, Bea Four,
Alex Three, Lee), Wellbeing (public, 3: Dee One owner, Cal One, Cal Two), Firearms (secret, 5: Bea Three
owner, Bea Four, Bea Five, Alex Four, Alex Five; Lee is not in it).
Establishment: Response sworn 10, Control Room civilian 10, Training sworn 4 and volunteer 2,
Custody contractor 4 (30 in all).
Activity:
  E-40 Bea Two posts P1 in Roads Policing (tagged Community safety by the community default);
       Alex Three replies R1 to P1; Dee One posts P2 in Wellbeing.
  E-10 Alex Three sees P1.
  E-5  Bea Three posts P3 in Firearms.
  E-2  10:00 Lee publishes update U (post P4) to everyone, acknowledgement asked, Community safety;
       Cal One sees P4; 12:00 Alex One acknowledges (2 h).
  E-1  10:00 Bea One acknowledges (24 h).
  E    09:00 Alex One posts P5 in All staff (Community safety); Alex Two replies R2; Bea One reacts;
       Cal One sees P5.
"""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update

from app.extensions import db
from app.insights.rollup import rollup_range
from app.insights.views import record_views
from app.leadership.updates import acknowledge, publish_update
from app.models import Establishment, Post, PostView, Reaction, Reply, Update, UpdateReceipt, User
from app.objectives.services import create_objective, set_community_default
from app.posts.replies import create_reply, react
from app.posts.services import create_post
from tests import factories

E = date(2026, 11, 18)
START = E - timedelta(days=83)


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on a day (UTC)."""
    return datetime.combine(day, time(hour, minute), UTC)


def _backdate(model, key, when: datetime, **where) -> None:
    db.session.execute(
        update(model).where(*(getattr(model, k) == v for k, v in where.items())).values({key: when})
    )


def build() -> dict:
    """Create the organisation and its activity, roll up the range, and return the people and ids."""
    units = {name: factories.make_unit(name) for name in ("Response", "Control Room", "Training", "Custody")}
    people: dict[str, User] = {}

    def person(name, unit, staff_type, role="member"):
        people[name] = factories.make_user(name=name, role=role, unit=units[unit], staff_type=staff_type)

    person("Lee Leader", "Response", "sworn", role="leader")
    for n in ("One", "Two", "Three", "Four", "Five"):
        person(f"Alex {n}", "Response", "sworn")
        person(f"Bea {n}", "Control Room", "civilian")
    person("Cal One", "Training", "sworn")
    person("Cal Two", "Training", "sworn")
    person("Cal Three", "Training", "volunteer")
    person("Dee One", "Custody", "contractor")
    person("Dee Two", "Custody", "contractor")
    person("Xander Left", "Response", "sworn")
    # The admin sets things up, then leaves (so the figures are the sixteen people above).
    admin = factories.make_user(name="Ada Admin", role="admin")
    p = people
    roads = factories.make_community(
        p["Bea Two"],
        "public",
        "Roads Policing",
        [p[n] for n in ("Bea One", "Bea Three", "Bea Four", "Alex Three", "Lee Leader")],
    )
    wellbeing = factories.make_community(p["Dee One"], "public", "Wellbeing", [p["Cal One"], p["Cal Two"]])
    firearms = factories.make_community(
        admin,
        "secret",
        "Firearms",
        [p[n] for n in ("Bea Three", "Bea Four", "Bea Five", "Alex Four", "Alex Five")],
    )
    safety = create_objective(admin, {"name": "Community safety", "owner_id": str(p["Lee Leader"].id)})
    wellbeing_objective = create_objective(
        admin, {"name": "Staff wellbeing", "owner_id": str(p["Lee Leader"].id)}
    )
    set_community_default(p["Bea Two"], roads, str(safety.id))
    db.session.add_all(
        Establishment(unit_id=units[u].id, staff_type=s, headcount=h)
        for u, s, h in (
            ("Response", "sworn", 10),
            ("Control Room", "civilian", 10),
            ("Training", "sworn", 4),
            ("Training", "volunteer", 2),
            ("Custody", "contractor", 4),
        )
    )
    db.session.commit()

    p1 = create_post(p["Bea Two"], "Speed checks on the A38 this week", roads)
    r1 = create_reply(p["Alex Three"], p1, "I can help on Thursday")
    p2 = create_post(p["Dee One"], "Walking group at lunch", wellbeing)
    p3 = create_post(p["Bea Three"], "Range day moved", firearms)
    u = publish_update(
        p["Lee Leader"],
        title="Our plan for winter",
        body="Here is the plan.",
        objective=safety.id,
        everyone=True,
        ack_required=True,
    )
    p4 = u.post
    record_views(p["Cal One"], [p4.id])
    acknowledge(p["Alex One"], u)
    acknowledge(p["Bea One"], u)
    p5 = create_post(p["Alex One"], "Thank you for the food bank donations", None, safety.id)
    r2 = create_reply(p["Alex Two"], p5, "Well done all")
    react(p["Bea One"], p5, "celebrate")
    record_views(p["Cal One"], [p5.id])
    record_views(p["Alex Three"], [p1.id])
    db.session.commit()

    moments = {
        p1.id: at(E - timedelta(days=40)),
        p2.id: at(E - timedelta(days=40), 11),
        p3.id: at(E - timedelta(days=5)),
        p4.id: at(E - timedelta(days=2), 10),
        p5.id: at(E),
    }
    for post_id, when in moments.items():
        _backdate(Post, "created_at", when, id=post_id)
    _backdate(Reply, "created_at", at(E - timedelta(days=40), 12), id=r1.id)
    _backdate(Reply, "created_at", at(E, 10), id=r2.id)
    _backdate(Reaction, "created_at", at(E, 11), post_id=p5.id)
    _backdate(Update, "created_at", at(E - timedelta(days=2), 10), id=u.id)
    _backdate(
        UpdateReceipt,
        "acknowledged_at",
        at(E - timedelta(days=2), 12),
        update_id=u.id,
        user_id=p["Alex One"].id,
    )
    _backdate(
        UpdateReceipt,
        "acknowledged_at",
        at(E - timedelta(days=1), 10),
        update_id=u.id,
        user_id=p["Bea One"].id,
    )
    for viewer, post_id, day in (
        (p["Cal One"], p4.id, E - timedelta(days=2)),
        (p["Cal One"], p5.id, E),
        (p["Alex Three"], p1.id, E - timedelta(days=10)),
    ):
        _backdate(PostView, "day", day, user_id=viewer.id, post_id=post_id)
    for leaver in (admin, p["Xander Left"]):
        leaver.deactivated_at = at(E - timedelta(days=90))
    db.session.commit()
    rollup_range(START - timedelta(days=60), E)
    db.session.commit()
    return {
        "people": {name: user.id for name, user in people.items()},
        "viewer_id": people["Lee Leader"].id,
        "admin_id": admin.id,
        "units": {name: unit.id for name, unit in units.items()},
        "communities": {"roads": roads.id, "wellbeing": wellbeing.id, "firearms": firearms.id},
        "objectives": {"safety": safety.id, "wellbeing": wellbeing_objective.id},
        "posts": [p1.id, p2.id, p3.id, p4.id, p5.id],
        "update_id": u.id,
    }
