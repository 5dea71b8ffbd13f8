"""The demo's curated links and lunch-and-learn sessions (called by app.demo.seed_demo), so the
dashboard's links and sessions sections and each objective's page have figures from the start.

Written through the real services (share_link, schedule_session, respond, mark_attendance,
give_feedback); clicks and saves go in as rows, and past items are backdated afterwards.
"""

from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
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
    Objective,
    Post,
    User,
    utcnow,
)
from app.posts.replies import react

# fmt: off
# (curator, community or None for All staff, days ago, objective, url, title, source, why it matters,
#  how many colleagues clicked, saved, reacted)
LINKS = [
    ("ellie.foster", None, 2, "Public trust and confidence",
     "https://www.college.police.uk/guidance/engagement-and-communication",
     "Engagement and communication: the College of Policing guidance", "College of Policing",
     "The national guidance behind our own social media policy, in plain English. If you run a local "
     "account, the section on **two-way conversation** is the one to read: broadcasting isn't engaging.",
     18, 6, 5),
    ("josh.bailey", None, 9, "Community safety",
     "https://www.actionfraud.police.uk/news/courier-fraud-warning",
     "Courier fraud is back: the scripts criminals use", "Action Fraud",
     "Three Eastport residents lost over £20,000 to this last month. Share the script with the families "
     "you visit: people hang up once they've heard it described.",
     24, 9, 7),
    ("ellie.foster", "Social Media Champions", 16, "Public trust and confidence",
     "https://www.example.org/blog/celebrate-milestones-remember-trust",
     "Celebrate your milestones, but remember community trust is the key", "Policing and social media blog",
     "Another force celebrated 50,000 followers and a local paper answered with a video of its "
     "misconduct cases. Before we post our own celebration, ask how our worst critic would reply.",
     11, 5, 4),
    ("hannah.lewis", "Neighbourhood Policing Network", 23, "Community safety",
     "https://www.example.org/problem-solving/town-centre-asb",
     "What worked: cutting town-centre anti-social behaviour in six weeks", "Problem-solving hub",
     "Same size of town as Eastport, same Friday-night problem. Their partnership with the taxi "
     "marshals is something we could try at the harbour rank.",
     9, 4, 3),
    ("rachel.morgan", None, 30, "Staff wellbeing",
     "https://www.oscarkilo.org.uk/support/trauma-and-shift-work",
     "Trauma, shift work and sleep: the evidence in ten minutes", "Oscar Kilo",
     "After the winter we've had, this is worth ten minutes of anyone's break. Kwame's team can talk "
     "you through any of it, confidentially.",
     15, 8, 6),
    ("josh.bailey", "Digital Transformation", 41, "Digital transformation",
     "https://www.example.gov.uk/blog/council-digital-channels",
     "How one council moved 60% of its calls online, and what residents said", "Local government digital",
     "The Contact Centre is asking the same question about 101. The resident panel findings are the "
     "useful bit: what people wanted was a reply, not a form.",
     7, 3, 2),
]

# (title, host handles, community or None, days from today (negative: past), objective, place,
#  description, going, maybe, can't, attended of going, ratings (1-5) from those who attended)
SESSIONS = [
    ("Your local account: posting with confidence", ["ellie.foster"], "Social Media Champions", -38,
     "Public trust and confidence", "Training room 2, Eastport HQ",
     "Forty-five minutes on running a team account: what to post, what never to post, and how to "
     "answer the angry reply. Bring a post you're proud of and one you're not sure about.",
     8, 2, 1, 7, [5, 4, 5, 4, 4, 5]),
    ("Spotting scams before our residents fall for them", ["ben.adeyemi"], None, -19, "Community safety",
     "Conference room, Kingsmere station",
     "DC Ben Adeyemi on courier fraud, romance scams and the new text-message tricks, with the three "
     "questions to ask a resident who thinks they've been targeted.",
     14, 3, 2, 11, [5, 5, 4, 4, 5, 3, 4, 5]),
    ("After a difficult job: TRiM explained", ["kwame.mensah"], "Wellbeing and Support", -9,
     "Staff wellbeing", "Wellbeing room, Eastport HQ",
     "What a trauma risk management (TRiM) conversation is and isn't, who can ask for one, and how "
     "supervisors can spot the signs after a hard shift. No notes taken, no names recorded.",
     6, 1, 0, 5, [5, 5, 4, 5]),
    ("Writing for the force website and the press office", ["josh.bailey"], None, 6,
     "Public trust and confidence", "Online (Teams) and Training room 2",
     "How a good news story gets from your notebook to the website, the local paper and the radio. "
     "What the press office needs from you, and what we'll never publish without asking.",
     9, 4, 1, 0, []),
    ("Body-worn video: what's changing in the new year", ["andrew.fleming", "marcus.webb"],
     "Digital Transformation", 13, "Digital transformation", "Online (Teams)",
     "The new cameras, the upload docks and the records system move. Questions welcome: we'd rather "
     "hear the awkward ones now than on your first night shift with the kit.",
     7, 3, 0, 0, []),
]
# fmt: on


def _audience(people: dict[str, User], community: Community | None) -> list[User]:
    """Everyone who may read it (the demo shares only to All staff and public communities), by name."""
    assert community is None or community.visibility == "public"
    return sorted(people.values(), key=lambda p: p.name)


def _links(people, communities, objectives, now) -> None:
    db.session.add(CuratorGrant(user_id=people["hannah.lewis"].id, granted_by_id=people["ellie.foster"].id))
    db.session.flush()
    for n, (curator, place, days, objective, url, title, source, why, clicks, saves, likes) in enumerate(
        LINKS
    ):
        community = communities[place] if place else None
        draft = LinkDraft(
            url=url,
            why=why,
            title=title,
            source=source,
            community_ids=[community.id] if community else [],
            objective_id=objectives[objective].id,
        )
        [link] = share_link(people[curator], draft)
        when = now - timedelta(days=days, hours=3)
        db.session.execute(update(Post).where(Post.id == link.post_id).values(created_at=when))
        db.session.execute(update(CuratedLink).where(CuratedLink.id == link.id).values(created_at=when))
        readers = [p for p in _audience(people, community) if p.id != people[curator].id]
        # A different slice of colleagues for each link, clicking over the days after it was shared.
        start = (n * 7) % len(readers)
        chosen = (readers[start:] + readers[:start])[: max(clicks, saves, likes)]
        for i, person in enumerate(chosen[:clicks]):
            at = when + timedelta(hours=1 + (i * 5) % (days * 24 or 1))
            db.session.add(LinkClick(link_id=link.id, user_id=person.id, created_at=min(at, now)))
        for i, person in enumerate(chosen[:saves]):
            db.session.add(
                LinkSave(link_id=link.id, user_id=person.id, created_at=when + timedelta(hours=2 + i))
            )
        for person in chosen[:likes]:
            react(person, link.post, "insightful" if n % 2 else "like")
    db.session.flush()


def _sessions(people, communities, objectives, now) -> None:
    organiser = people["ellie.foster"]
    for (
        title,
        hosts,
        place,
        days,
        objective,
        where,
        description,
        going,
        maybe,
        cant,
        came,
        ratings,
    ) in SESSIONS:
        community = communities[place] if place else None
        starts = (now + timedelta(days=abs(days))).replace(hour=12, minute=30, second=0, microsecond=0)
        session = schedule_session(
            organiser,
            SessionInput(
                title=title,
                description=description,
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                place=where,
                capacity=20,
                community_id=community.id if community else None,
                host_ids=[people[h].id for h in hosts],
                objective_id=objectives[objective].id,
            ),
        )
        hosting = {people[h].id for h in hosts} | {organiser.id}
        readers = [p for p in _audience(people, community) if p.id not in hosting]
        offset = (len(title) * 3) % len(readers)
        readers = readers[offset:] + readers[:offset]
        answers = ["going"] * going + ["maybe"] * maybe + ["cant"] * cant
        for person, answer in zip(readers, answers, strict=False):
            respond(person, session, answer)
        if days > 0:
            continue
        starts = (now - timedelta(days=-days)).replace(hour=12, minute=30, second=0, microsecond=0)
        db.session.execute(
            update(LearningSession)
            .where(LearningSession.id == session.id)
            .values(starts_at=starts, ends_at=starts + timedelta(hours=1))
        )
        db.session.execute(
            update(Post).where(Post.id == session.post_id).values(created_at=starts - timedelta(days=14))
        )
        db.session.flush()
        db.session.refresh(session)
        attended = readers[:came]
        mark_attendance(organiser, session, {p.id for p in attended})
        for person, rating in zip(attended, ratings, strict=False):
            give_feedback(person, session, rating, "")
    db.session.flush()


def seed_curation(people: dict[str, User], communities: dict[str, Community]) -> None:
    """Curated links with why they matter, and past and upcoming lunch-and-learns, for the demo force."""
    objectives = {o.name: o for o in db.session.scalars(select(Objective))}
    now = utcnow()
    _links(people, communities, objectives, now)
    _sessions(people, communities, objectives, now)
