"""The demo's leadership and insights: objectives, the HR establishment, an update asking for
acknowledgement and Ask leadership questions (called by app.demo.seed_demo)."""

from sqlalchemy import select

from app.extensions import db
from app.insights.rollup import run_rollup
from app.leadership import questions
from app.leadership.updates import acknowledge, publish_update
from app.models import Community, Establishment, Objective, Unit, User
from app.objectives.services import set_community_default
from app.posts.services import create_post

# fmt: off
# (unit, staff type, headcount): more posts than the demo has people, as in any real force
ESTABLISHMENT = [
    ("Chief Officer Team", "sworn", 4), ("Professional Standards", "sworn", 12), ("Local Policing", "sworn", 6),
    ("Response Policing", "sworn", 180), ("Response Policing", "volunteer", 40),
    ("Eastport Neighbourhood Team", "sworn", 24), ("Eastport Neighbourhood Team", "civilian", 10),
    ("Kingsmere Neighbourhood Team", "sworn", 14), ("Kingsmere Neighbourhood Team", "civilian", 6),
    ("Kingsmere Neighbourhood Team", "volunteer", 12), ("CID", "sworn", 60), ("Public Protection", "sworn", 30),
    ("Public Protection", "civilian", 15), ("Crime", "civilian", 8), ("Corporate Communications", "civilian", 7),
    ("People Services", "civilian", 35), ("Contact Centre", "civilian", 110), ("Contact Centre", "sworn", 8),
    ("Digital Services", "civilian", 40), ("Digital Services", "contractor", 6),
]
# fmt: on


def seed_leadership(people: dict[str, User], communities: dict[str, Community]) -> None:
    """Community defaults for the objectives (app.demo_content made them), the establishment, one update
    (acknowledged by a few), questions, and a first roll-up."""
    admin = people["andrew.fleming"]
    objectives = {o.name: o for o in db.session.scalars(select(Objective))}
    set_community_default(
        people["rebecca.shaw"],
        communities["Neighbourhood Policing Network"],
        str(objectives["Community safety"].id),
    )
    set_community_default(
        people["kwame.mensah"], communities["Wellbeing and Support"], str(objectives["Staff wellbeing"].id)
    )
    units = dict(db.session.execute(select(Unit.name, Unit.id)).all())
    db.session.add_all(
        Establishment(unit_id=units[u], staff_type=s, headcount=h, imported_by_id=admin.id)
        for u, s, h in ESTABLISHMENT
    )
    create_post(
        people["hannah.lewis"],
        "Our street safety walk in Eastport Old Town had 40 residents along. Thank you @ryan.walsh!",
        communities["Neighbourhood Policing Network"],
    )
    update = publish_update(
        people["rachel.morgan"],
        leader_id=people["helen.marsden"].id,
        title="Winter resilience: what I'm asking of all of us",
        body=(
            "Demand always rises from December. Three asks:\n\n"
            "1. **Take your rest days.** Tired officers make the mistakes we all regret.\n"
            "2. Check the new surge rota for your team before 1 December.\n"
            "3. Look out for each other; the wellbeing team is there for you.\n\n"
            "Please press Acknowledge so I know this reached you."
        ),
        objective=objectives["Staff wellbeing"].id,
        ack_required=True,
    )
    for key in ("gareth.hughes", "claire.bennett", "mark.taylor", "kwame.mensah"):
        acknowledge(people[key], update)
    counter = questions.ask(
        people["ryan.walsh"],
        people["helen.marsden"].id,
        "Will the Eastport front counter stay open next year?",
        True,
    )
    questions.answer(
        people["helen.marsden"],
        counter,
        "Yes: three days a week, with video calls to the Contact Centre the rest of the time. I'll review it in June.",
    )
    questions.set_vote(people["grace.kaur"], counter, True)
    questions.ask(
        people["callum.reid"], people["david.okoro"].id, "When does the new call-back system go live?"
    )
    db.session.flush()
    run_rollup(force=True)
