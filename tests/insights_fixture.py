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


LINKS_AND_SESSIONS = """Curated links and sessions on top of build() (build_links_and_sessions):
Links (a gem is one share; Alex One and Bea Two are curators, Bea Three too but in Firearms only).
Bea Two joins Wellbeing (now 4 people).
  G1 E-20 Bea Two -> Roads Policing + Wellbeing (10 people), Community safety. Clicks on the Roads
     copy: Bea One x2 (E-19), Alex Three (E-5); on the Wellbeing copy: Cal One (E-10). Saves (Wellbeing
     copy): Cal One, Cal Two (E-10). Bea One likes the Roads copy (E-19).
  G2 E-30 Bea Two -> Wellbeing (4 people), Staff wellbeing. Clicks: Dee Two, Cal Two (E-29). Save: Cal One (E-29).
  G3 E-4  Bea Three -> Firearms (secret; Lee can't read it). Click: Bea Four (E-4).
  G4 E-100 Alex One -> All staff, Community safety (before the range). Clicks: Bea Five (E-95), Dee One (E-3).
  G5 E-15 Bea Two -> Wellbeing, Staff wellbeing ("Shift work and sleep"). Nothing else.
Sessions (Lee Leader schedules; RSVPs, attendance and ratings):
  S1 E-14 All staff, Community safety (announced E-21): going Alex One, Alex Two, Bea One, Cal One;
     maybe Bea Two; can't Dee One; attended Alex One, Bea One, Cal One; ratings 5, 4, 4.
  S2 E-7 Wellbeing, Staff wellbeing (announced E-10): going Cal One, Cal Two; both attended; Cal Two rates 5.
  S3 E-35 Wellbeing, Staff wellbeing (announced E-42): going Dee One; attended.
  S4 in a week's time (real time), All staff, no objective: Alex One going.
"""


def build_links_and_sessions(built: dict) -> dict:
    """Add the curated links and sessions above, roll up again, and return their ids."""
    from app.learning.feedback import give_feedback
    from app.learning.rsvps import mark_attendance, respond
    from app.learning.services import SessionInput, schedule_session
    from app.links.services import LinkDraft, share_link
    from app.models import (
        Community,
        CuratedLink,
        CuratorGrant,
        LearningSession,
        LinkClick,
        LinkSave,
        Membership,
        Objective,
        utcnow,
    )
    from app.posts.replies import react

    p = {name: db.session.get(User, uid) for name, uid in built["people"].items()}
    c = {key: db.session.get(Community, cid) for key, cid in built["communities"].items()}
    o = {key: db.session.get(Objective, oid) for key, oid in built["objectives"].items()}
    from app.communities.services import all_staff

    everyone = all_staff()
    db.session.add_all(CuratorGrant(user_id=p[n].id) for n in ("Alex One", "Bea Two", "Bea Three"))
    db.session.add(Membership(community_id=c["wellbeing"].id, user_id=p["Bea Two"].id, role="member"))
    db.session.flush()

    def share(curator, title, communities, objective, days_ago):
        draft = LinkDraft(
            url=f"https://www.example.org/{title.lower().replace(' ', '-')}",
            why=f"Worth ten minutes: {title}.",
            title=title,
            community_ids=[x.id for x in communities],
            objective_id=objective.id if objective else None,
        )
        links = share_link(p[curator], draft)
        for one in links:
            _backdate(Post, "created_at", at(E - timedelta(days=days_ago)), id=one.post_id)
            _backdate(CuratedLink, "created_at", at(E - timedelta(days=days_ago)), id=one.id)
        return links

    g1 = share("Bea Two", "Stop and search explained", [c["roads"], c["wellbeing"]], o["safety"], 20)
    g2 = share("Bea Two", "A guide to TRiM", [c["wellbeing"]], o["wellbeing"], 30)
    g3 = share("Bea Three", "Range safety rules", [c["firearms"]], None, 4)
    g4 = share("Alex One", "Neighbourhood priorities survey", [everyone], o["safety"], 100)
    g5 = share("Bea Two", "Shift work and sleep", [c["wellbeing"]], o["wellbeing"], 15)
    roads_g1 = next(x for x in g1 if x.post.community_id == c["roads"].id)
    wb_g1 = next(x for x in g1 if x.post.community_id == c["wellbeing"].id)
    clicks = [
        (roads_g1, "Bea One", 19),
        (roads_g1, "Bea One", 19),
        (wb_g1, "Cal One", 10),
        (roads_g1, "Alex Three", 5),
        (g2[0], "Dee Two", 29),
        (g2[0], "Cal Two", 29),
        (g3[0], "Bea Four", 4),
        (g4[0], "Bea Five", 95),
        (g4[0], "Dee One", 3),
    ]
    db.session.add_all(
        LinkClick(link_id=link.id, user_id=p[who].id, created_at=at(E - timedelta(days=d), 14))
        for link, who, d in clicks
    )
    saves = [(wb_g1, "Cal One", 10), (wb_g1, "Cal Two", 10), (g2[0], "Cal One", 29)]
    db.session.add_all(
        LinkSave(link_id=link.id, user_id=p[who].id, created_at=at(E - timedelta(days=d), 15))
        for link, who, d in saves
    )
    react(p["Bea One"], roads_g1.post, "like")
    _backdate(Reaction, "created_at", at(E - timedelta(days=19), 16), post_id=roads_g1.post_id)

    soon = utcnow().replace(microsecond=0) + timedelta(days=7)

    def schedule(title, community, objective):
        return schedule_session(
            p["Lee Leader"],
            SessionInput(
                title=title,
                description=f"{title}: bring your lunch.",
                starts_at=soon,
                ends_at=soon + timedelta(hours=1),
                place="Training room 2",
                community_id=community.id,
                objective_id=objective.id if objective else None,
            ),
        )

    s1 = schedule("Social media for neighbourhood teams", everyone, o["safety"])
    s2 = schedule("Walk and talk", c["wellbeing"], o["wellbeing"])
    s3 = schedule("Sleep and shift work", c["wellbeing"], o["wellbeing"])
    s4 = schedule("Writing for the force website", everyone, None)
    replies = {
        s1: {
            "going": ["Alex One", "Alex Two", "Bea One", "Cal One"],
            "maybe": ["Bea Two"],
            "cant": ["Dee One"],
        },
        s2: {"going": ["Cal One", "Cal Two"]},
        s3: {"going": ["Dee One"]},
        s4: {"going": ["Alex One"]},
    }
    for session, answers in replies.items():
        for answer, names in answers.items():
            for name in names:
                respond(p[name], session, answer)
    for session, held, announced in ((s1, 14, 21), (s2, 7, 10), (s3, 35, 42)):
        start = at(E - timedelta(days=held), 12)
        _backdate(LearningSession, "starts_at", start, id=session.id)
        _backdate(LearningSession, "ends_at", start + timedelta(hours=1), id=session.id)
        _backdate(Post, "created_at", at(E - timedelta(days=announced), 8), id=session.post_id)
    db.session.commit()
    for session in (s1, s2, s3):
        db.session.refresh(session)
    mark_attendance(p["Lee Leader"], s1, {p[n].id for n in ("Alex One", "Bea One", "Cal One")})
    mark_attendance(p["Lee Leader"], s2, {p["Cal One"].id, p["Cal Two"].id})
    mark_attendance(p["Lee Leader"], s3, {p["Dee One"].id})
    for session, name, rating in (
        (s1, "Alex One", 5),
        (s1, "Bea One", 4),
        (s1, "Cal One", 4),
        (s2, "Cal Two", 5),
    ):
        give_feedback(p[name], session, rating, "")
    db.session.commit()
    rollup_range(START - timedelta(days=60), E)
    db.session.commit()
    return {
        "links": {
            "g1": roads_g1.id,
            "g1_wellbeing": wb_g1.id,
            "g2": g2[0].id,
            "g3": g3[0].id,
            "g4": g4[0].id,
            "g5": g5[0].id,
        },
        "sessions": {"s1": s1.id, "s2": s2.id, "s3": s3.id, "s4": s4.id},
    }
