"""The demo organisation: Northshire Police, an invented UK force, for `flask demo seed`."""

import re

from sqlalchemy import func, select

from app.auth.services import create_user, hash_password
from app.communities.services import all_staff, create_community
from app.demo_content import seed_conversations
from app.demo_curation import seed_curation
from app.digest.preferences import save_preferences
from app.errors import ValidationError
from app.extensions import db
from app.leadership.demo import seed_leadership
from app.models import Community, JoinRequest, Membership, Unit, User
from app.moderation.demo import seed_moderation
from app.notifications.services import notify
from app.proposals.demo import seed_proposals

DEMO_PASSWORD = "rollcall-demo-2026"
DOMAIN = "northshire.police.uk"

# fmt: off
# The data tables stay one record per line or two, easier to read than formatted.
# (unit, parent unit)
UNITS = [
    ("Chief Officer Team", None),
    ("Professional Standards", "Chief Officer Team"),
    ("Local Policing", None),
    ("Response Policing", "Local Policing"),
    ("Neighbourhood Policing", "Local Policing"),
    ("Eastport Neighbourhood Team", "Neighbourhood Policing"),
    ("Kingsmere Neighbourhood Team", "Neighbourhood Policing"),
    ("Crime", None),
    ("CID", "Crime"),
    ("Public Protection", "Crime"),
    ("Corporate Communications", None),
    ("People Services", None),
    ("Contact Centre", None),
    ("Digital Services", None),
]

# (name, job title, unit, staff type, global role, first-person bio)
PEOPLE = [
    ("Helen Marsden", "Chief Constable", "Chief Officer Team", "sworn", "leader",
     "Joined as a PC in Eastport in 1998. I read every reply here, even when I can't answer them all."),
    ("David Okoro", "Deputy Chief Constable", "Chief Officer Team", "sworn", "leader",
     "Lead for our people strategy and professional standards. Tell me what gets in the way of the job."),
    ("Tom Whitaker", "Inspector, Staff Officer to the Chief Constable", "Chief Officer Team", "sworn", "member",
     "If you want something in front of the Chief, I'm the fastest route. Coffee helps."),
    ("Priya Nair", "Sergeant, Professional Standards", "Professional Standards", "sworn", "moderator",
     "I look after the acceptable use policy. If I hold a post I'll always tell you why and how to fix it."),
    ("Gareth Hughes", "Chief Superintendent, Local Policing", "Local Policing", "sworn", "member",
     "Commander for Local Policing. Proud of every team that turns out at 3am when nobody else will."),
    ("Simon Reeves", "Superintendent, Neighbourhood Policing", "Neighbourhood Policing", "sworn", "member",
     "Neighbourhood policing is how people decide whether to trust us. Show me what works on your patch."),
    ("Claire Bennett", "Inspector, Response", "Response Policing", "sworn", "member",
     "Response inspector on B relief. Ask me about shift patterns, not about the canteen."),
    ("Mark Taylor", "Sergeant, Response", "Response Policing", "sworn", "member",
     "Twenty years on response and still learning. Peer supporter for the relief."),
    ("Jordan Ellis", "Police Constable, Response", "Response Policing", "sworn", "member",
     "Response PC on B relief, two years in. Usually found double-crewed on the Eastport car."),
    ("Aisha Rahman", "Police Constable, Response", "Response Policing", "sworn", "member",
     "Tutor constable. If you're new to the relief, say hello before your first night shift."),
    ("Liam O'Connor", "Police Constable, Response", "Response Policing", "sworn", "member",
     "Advanced driver and reluctant social media user. My mum follows the force page more than I do."),
    ("Sophie Turner", "Special Constable", "Response Policing", "volunteer", "member",
     "Special constable on Friday nights; veterinary nurse the rest of the week."),
    ("Rebecca Shaw", "Inspector, Eastport Neighbourhood Team", "Eastport Neighbourhood Team", "sworn", "member",
     "Neighbourhood inspector for Eastport. Our PACT meetings are open to everyone: come and see one."),
    ("Dan Price", "Sergeant, Eastport Neighbourhood Team", "Eastport Neighbourhood Team", "sworn", "member",
     "I run the Eastport town centre team. Problem-solving plans beat press releases."),
    ("Hannah Lewis", "Police Constable, Eastport Neighbourhood Team", "Eastport Neighbourhood Team", "sworn",
     "member", "I run the Eastport neighbourhood Facebook page, 6,000 followers and counting."),
    ("Ryan Walsh", "PCSO, Eastport Neighbourhood Team", "Eastport Neighbourhood Team", "civilian", "member",
     "PCSO for the harbour and the Old Town. If a shop owner has a problem, I've probably heard about it."),
    ("Emma Clarke", "Sergeant, Kingsmere Neighbourhood Team", "Kingsmere Neighbourhood Team", "sworn", "member",
     "Rural sergeant covering Kingsmere and eleven villages. Farm watch, speed watch, every kind of watch."),
    ("Owen Davies", "Police Constable, Rural and Wildlife Crime", "Kingsmere Neighbourhood Team", "sworn",
     "member", "Rural crime officer. Quad bike thefts and hare coursing keep me busy; tips welcome."),
    ("Grace Kaur", "PCSO, Kingsmere Neighbourhood Team", "Kingsmere Neighbourhood Team", "civilian", "member",
     "PCSO in Kingsmere. I post our weekly 'what we did' update and answer the questions it brings in."),
    ("Peter Hollis", "Special Sergeant", "Kingsmere Neighbourhood Team", "volunteer", "member",
     "Special sergeant, nine years. Day job in logistics, which helps more than you'd think."),
    ("Nadia Hussain", "Detective Chief Inspector, CID", "CID", "sworn", "member",
     "Head of CID. I want every victim to hear from us before they have to chase us."),
    ("Martin Cole", "Detective Inspector, CID", "CID", "sworn", "member",
     "Detective inspector in the major crime team. Ask me about disclosure before you need to."),
    ("Lucy Fraser", "Detective Sergeant, CID", "CID", "sworn", "member",
     "DS in CID, previously response. I still miss blue lights on a Saturday night."),
    ("Ben Adeyemi", "Detective Constable, CID", "CID", "sworn", "member",
     "DC, fraud and cyber-enabled crime. I'll happily run a lunch-and-learn on scams."),
    ("Chloe Martin", "Detective Constable, CID", "CID", "sworn", "member",
     "DC on the investigation team. Rugby on Sundays, paperwork the rest of the week."),
    ("Joanne Pearce", "Detective Sergeant, Public Protection", "Public Protection", "sworn", "member",
     "Domestic abuse lead in Public Protection. Our partners are the best thing about this job."),
    ("Samira Patel", "Investigator, Public Protection", "Public Protection", "civilian", "member",
     "Police staff investigator on the online child protection team."),
    ("Alan Brooks", "Intelligence Analyst", "Crime", "civilian", "member",
     "Analyst. Give me a spreadsheet and a question and I'll give you a chart and three more questions."),
    ("Rachel Morgan", "Head of Corporate Communications", "Corporate Communications", "civilian", "comms",
     "Head of Comms. Our best stories come from you: tell us what your team did this week."),
    ("Josh Bailey", "Communications Officer", "Corporate Communications", "civilian", "comms",
     "Press office and the weekly digest. If it's good news, I want to hear it before the local paper does."),
    ("Ellie Foster", "Digital Engagement Officer", "Corporate Communications", "civilian", "comms",
     "I train and support our local social media accounts. No question is too small, honestly."),
    ("Sarah Whitfield", "HR Business Partner", "People Services", "civilian", "member",
     "HR business partner for Local Policing. Flexible working, promotions, the lot."),
    ("Kwame Mensah", "Wellbeing Lead", "People Services", "civilian", "member",
     "Wellbeing lead and TRiM coordinator. It's fine not to be fine; talk to us."),
    ("Laura Jenkins", "Learning and Development Adviser", "People Services", "civilian", "member",
     "I book the training rooms and the trainers. Tell me what you wish someone had taught you."),
    ("Michelle Rowe", "Contact Centre Manager", "Contact Centre", "civilian", "member",
     "I manage the team who answer 999 and 101 around the clock. Proud of every one of them."),
    ("Imran Malik", "Inspector, Force Incident Manager", "Contact Centre", "sworn", "member",
     "Force incident manager. When it all goes wrong at once, I'm the one deciding who goes first."),
    ("Callum Reid", "Call Handler", "Contact Centre", "civilian", "member",
     "Call handler on the 101 and 999 lines. Yes, people really do ring about their lost cat."),
    ("Bethany Moss", "Call Handler", "Contact Centre", "civilian", "member",
     "Call handler, four years. Ask me about the new call-back system."),
    ("Andrew Fleming", "Digital Services Manager", "Digital Services", "civilian", "admin",
     "I run Digital Services and look after Rollcall. Found a bug? Tell me here."),
    ("Zoe Campbell", "Service Desk Analyst", "Digital Services", "civilian", "member",
     "Service desk. Have you tried turning it off and on again? Seriously, though, call us."),
    ("Marcus Webb", "Cloud Migration Engineer (contractor)", "Digital Services", "contractor", "member",
     "Contractor with Digital Services until March, moving the records system to the cloud."),
]

# name, visibility, creator, {person: community role} (the creator keeps owner unless listed), description
COMMUNITIES = [
    ("Neighbourhood Policing Network", "public", "rebecca.shaw",
     {"dan.price": "admin", "emma.clarke": "admin", "hannah.lewis": "member", "ryan.walsh": "member",
      "owen.davies": "member", "grace.kaur": "member", "peter.hollis": "member", "simon.reeves": "member",
      "ellie.foster": "member"},
     "For neighbourhood teams across Eastport and Kingsmere, and anyone who works with them. Share what "
     "works on your patch: problem-solving plans, PACT priorities, the community meeting that drew a crowd."),
    ("Social Media Champions", "public", "ellie.foster",
     {"josh.bailey": "admin", "hannah.lewis": "member", "owen.davies": "member", "grace.kaur": "member",
      "callum.reid": "member", "priya.nair": "member", "helen.marsden": "member"},
     "For officers and staff who run a local account or want to. Training dates, the policy in plain "
     "English, and a safe place to ask 'should I post this?' before you post it."),
    ("Wellbeing and Support", "public", "kwame.mensah",
     {"sarah.whitfield": "admin", "mark.taylor": "member", "bethany.moss": "member", "aisha.rahman": "member",
      "michelle.rowe": "member", "david.okoro": "member", "jordan.ellis": "member"},
     "Peer supporters, TRiM practitioners and anyone who wants to look after themselves and their "
     "colleagues. Signposting, quiet advice and the odd dog photo. Urgent? Call the helpline first."),
    ("Digital Transformation", "public", "andrew.fleming",
     {"zoe.campbell": "admin", "marcus.webb": "member", "tom.whitaker": "member", "imran.malik": "member",
      "ben.adeyemi": "member", "rachel.morgan": "member", "jordan.ellis": "member"},
     "Body-worn video, mobile data, the records system move and Rollcall itself. Tell us what slows you "
     "down; we'd rather hear it here than in a survey."),
    ("Comms Team", "private", "rachel.morgan",
     {"josh.bailey": "admin", "ellie.foster": "member"},
     "Corporate Communications' own space: the weekly digest, lunch-and-learn dates, media lines in draft "
     "and the grid for the month ahead. Ask to join if you run a local account and want to help."),
    ("Sergeants' Forum", "private", "andrew.fleming",
     {"mark.taylor": "owner", "emma.clarke": "admin", "dan.price": "member", "lucy.fraser": "member",
      "joanne.pearce": "member", "priya.nair": "member", "andrew.fleming": None},
     "For sergeants and acting sergeants across the force: rotas, rest days, tricky supervision calls "
     "and what you wish you'd known before you got the stripes."),
    ("Senior Leadership Team", "private", "helen.marsden",
     {"tom.whitaker": "admin", "david.okoro": "member", "gareth.hughes": "member", "simon.reeves": "member",
      "nadia.hussain": "member", "rachel.morgan": "member", "sarah.whitfield": "member",
      "michelle.rowe": "member", "andrew.fleming": "member"},
     "Chief officers and heads of department. We discuss here, then explain decisions to everyone in "
     "All staff; nothing decided here stays a secret for long."),
    ("Operation Harbour", "secret", "david.okoro",
     {"martin.cole": "owner", "david.okoro": "member", "lucy.fraser": "admin", "ben.adeyemi": "member",
      "chloe.martin": "member", "alan.brooks": "member", "nadia.hussain": "member",
      "joanne.pearce": "member", "rachel.morgan": "member"},
     "Investigation team for Operation Harbour (exploitation linked to Eastport docks). Need to know only: "
     "don't mention the operation name anywhere else on Rollcall. Briefings, actions and holding lines."),
]

# The logins printed after seeding: (person, what to try as them)
LOGINS = [
    ("andrew.fleming", "admin"),
    ("ellie.foster", "comms"),
    ("helen.marsden", "leader"),
    ("priya.nair", "moderator"),
    ("jordan.ellis", "member"),
]
# fmt: on


def email_for(name: str) -> str:
    """firstname.lastname@northshire.police.uk, letters only (Liam O'Connor -> liam.oconnor)."""
    parts = [re.sub(r"[^a-z]", "", part) for part in name.lower().split()]
    return f"{'.'.join(parts)}@{DOMAIN}"


def _units() -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for name, parent in UNITS:
        unit = db.session.scalar(select(Unit).where(Unit.name == name))
        if unit is None:
            unit = Unit(name=name, parent=units.get(parent) if parent else None)
            db.session.add(unit)
        units[name] = unit
    db.session.flush()
    return units


def _people(units: dict[str, Unit]) -> dict[str, User]:
    # One scrypt hash shared by every demo account: hashing 40 passwords would take seconds.
    shared_hash = hash_password(DEMO_PASSWORD)
    people: dict[str, User] = {}
    for name, title, unit, staff_type, role, bio in PEOPLE:
        user = create_user(
            email_for(name), name, None, role=role, unit=units[unit], job_title=title, staff_type=staff_type
        )
        user.password_hash, user.bio = shared_hash, bio
        people[user.email.partition("@")[0]] = user
    db.session.flush()
    return people


def _community(spec: tuple, people: dict[str, User]) -> Community:
    name, visibility, creator, roles, description = spec
    community = create_community(people[creator], name, description, visibility)
    for key, role in roles.items():
        row = db.session.get(Membership, (community.id, people[key].id))
        if role is None:  # set up on someone's behalf: the creator steps out
            db.session.delete(row)
        elif row is None:
            db.session.add(Membership(community_id=community.id, user_id=people[key].id, role=role))
        else:
            row.role = role
    db.session.flush()
    return community


def _tell(user: User, kind: str, actor: User, community: Community, **data) -> None:
    notify(
        user,
        kind,
        actor=actor,
        community=community,
        community_name=community.name,
        community_slug=community.slug,
        **data,
    )


def _activity(people: dict[str, User], communities: dict[str, Community]) -> None:
    """A pending request to join, an open invitation and role changes, with their notifications."""
    comms_team, hannah = communities["Comms Team"], people["hannah.lewis"]
    message = (
        "I run the Eastport neighbourhood Facebook page and would love to help with the summer campaign."
    )
    db.session.add(
        JoinRequest(
            community_id=comms_team.id,
            user_id=hannah.id,
            kind="request",
            created_by_id=hannah.id,
            message=message,
        )
    )
    for key in ("rachel.morgan", "josh.bailey"):
        _tell(people[key], "join_requested", hannah, comms_team)

    champions, ellie, jordan = (
        communities["Social Media Champions"],
        people["ellie.foster"],
        people["jordan.ellis"],
    )
    message = "Liam says you're the one who writes the relief's shout-outs. Come and join us!"
    db.session.add(
        JoinRequest(
            community_id=champions.id,
            user_id=jordan.id,
            kind="invite",
            created_by_id=ellie.id,
            message=message,
        )
    )
    _tell(jordan, "community_invited", ellie, champions)

    _tell(
        people["dan.price"],
        "community_role_changed",
        people["rebecca.shaw"],
        communities["Neighbourhood Policing Network"],
        role="admin",
    )
    _tell(
        people["martin.cole"],
        "community_role_changed",
        people["david.okoro"],
        communities["Operation Harbour"],
        role="owner",
    )
    db.session.flush()


def seed_demo(only_if_empty: bool) -> dict | None:
    """Build Northshire Police (people, communities, conversations); None if skipped as not empty."""
    if only_if_empty and db.session.scalar(select(func.count()).select_from(User)):
        return None
    emails = [email_for(person[0]) for person in PEOPLE]
    if db.session.scalar(select(func.count()).select_from(User).where(User.email.in_(emails))):
        raise ValidationError({"demo": "The demo organisation is already in this database."})
    people = _people(_units())
    communities = {spec[0]: _community(spec, people) for spec in COMMUNITIES}
    _activity(people, communities)
    seed_conversations(people, communities, all_staff())
    seed_moderation(people, all_staff())
    seed_proposals(people, communities)
    seed_curation(people, communities)
    seed_leadership(people, communities)
    for (
        key,
        _,
    ) in LOGINS:  # the demo logins get the weekly digest, so `flask digest send` has something to send
        save_preferences(people[key], "weekly", [])
    return {
        "password": DEMO_PASSWORD,
        "logins": [(people[key].email, label) for key, label in LOGINS],
    }
