"""The demo organisation's conversations: objectives, posts, replies, reactions and follows.

Written through the real services (so mentions notify, topics link and events are recorded), then
back-dated over the last three weeks so the feeds read like a working force's intranet.
"""

from datetime import timedelta

from app.extensions import db
from app.feeds.follows import get_topic, set_following_person, set_following_topic
from app.models import Community, Objective, Post, User, utcnow
from app.objectives.services import create_objective
from app.posts.replies import create_reply, react
from app.posts.services import create_post

# fmt: off
# (name, owner (a leader), description, targets the milestone rule checks)
OBJECTIVES = [
    ("Community safety", "helen.marsden",
     "Fewer victims, faster help: neighbourhood problem-solving, response times and repeat-victim care.",
     {"items": 25}),
    ("Public trust and confidence", "helen.marsden",
     "People in Northshire believe we are fair, honest and on their side, and tell us when we are not.",
     {"people_reached": 40}),
    ("Staff wellbeing", "david.okoro",
     "Officers and staff who are looked after, listened to and able to do their best work.", {}),
    ("Digital transformation", "david.okoro",
     "Tools that save time on the street and in the office: mobile data, body-worn video, the records move.",
     {}),
]

# (community or None for All staff, author, days ago, objective or None, body,
#  [(reply author, hours after, body)], {reactor: kind})
CONVERSATIONS = [
    (None, "helen.marsden", 20, "Public trust and confidence",
     "Welcome to Rollcall. This is our place to talk across shifts, stations and departments, sworn and "
     "civilian alike. I'll be here every week, and I'll answer the questions you put to me. Tell us what "
     "your team did this week: our best stories come from you. #rollcall",
     [("jordan.ellis", 2, "Good to have somewhere that isn't the canteen noticeboard."),
      ("michelle.rowe", 5, "The contact centre team are on board. We'll post the 101 call-back figures here.")],
     {"david.okoro": "like", "rachel.morgan": "celebrate", "jordan.ellis": "like", "kwame.mensah": "support",
      "mark.taylor": "like", "hannah.lewis": "celebrate"}),
    (None, "rachel.morgan", 18, "Public trust and confidence",
     "Lunch-and-learn next Thursday, 12:30 in the Eastport training room and on Teams: **social media for "
     "neighbourhood teams**. What works, what gets you in trouble, and how to answer a complaint in public "
     "without making it worse. Bring your sandwiches and your questions. #socialmedia #lunchandlearn",
     [("hannah.lewis", 1, "Can we cover what to do when a post goes viral for the wrong reasons?"),
      ("rachel.morgan", 3, "@hannah.lewis yes, that's the second half. We'll use a real example (anonymised)."),
      ("owen.davies", 26, "Rural teams too? Half our engagement is farmers on Facebook.")],
     {"hannah.lewis": "like", "ellie.foster": "celebrate", "grace.kaur": "like", "owen.davies": "like"}),
    ("Neighbourhood Policing Network", "rebecca.shaw", 16, "Community safety",
     "Eastport harbour: three weeks of the problem-solving plan on the late-night shop thefts. Reports down "
     "from 14 to 4. What made the difference was the shop owners' WhatsApp group and Ryan walking the "
     "route at closing time, not the extra patrols. #problemsolving #eastport",
     [("dan.price", 2, "The CCTV upgrade at the Old Town end helped too, credit to the council's team."),
      ("simon.reeves", 6, "This is exactly what I want to show the PCC next month. Can I use the figures?"),
      ("rebecca.shaw", 7, "@simon.reeves of course. I'll send you the plan on a page.")],
     {"simon.reeves": "insightful", "ryan.walsh": "celebrate", "emma.clarke": "like", "gareth.hughes": "like"}),
    ("Neighbourhood Policing Network", "emma.clarke", 12, "Community safety",
     "Kingsmere speed watch is back in four villages from Monday. Volunteers have had their refresher and "
     "the kit is calibrated. If you're on the rural car, please say hello: they notice when we turn up. "
     "#speedwatch #kingsmere",
     [("peter.hollis", 4, "I'll be out with the Little Haddon group on Saturday morning."),
      ("owen.davies", 9, "And keep an eye out for quad bikes on the bridleway while you're there.")],
     {"peter.hollis": "like", "grace.kaur": "support", "owen.davies": "like"}),
    ("Social Media Champions", "ellie.foster", 15, "Public trust and confidence",
     "Before you post: the two-question check.\n\n1. Could this identify a victim, witness or suspect?\n"
     "2. How would it read next to the worst thing ever said about us?\n\nIf either answer worries you, "
     "ask here first. Nobody will tell you off for asking. #socialmedia",
     [("grace.kaur", 3, "The second question is a good one. We nearly posted a 'celebrating our response "
       "times' graphic the week of that complaint story."),
      ("priya.nair", 5, "Most problems we see are honest mistakes. Asking first is always the right call.")],
     {"grace.kaur": "insightful", "hannah.lewis": "like", "callum.reid": "like", "priya.nair": "support",
      "helen.marsden": "insightful"}),
    ("Social Media Champions", "hannah.lewis", 6, "Public trust and confidence",
     "Eastport's Facebook page passed 6,000 followers this week. The post that did best was not an arrest: "
     "it was Ryan returning a lost dog to a 90-year-old in the Old Town. People want to see who we are. "
     "#socialmedia #eastport",
     [("ellie.foster", 1, "Brilliant. Can we turn this into a short how-to for the other teams?"),
      ("josh.bailey", 2, "Putting it in this week's digest.")],
     {"ellie.foster": "celebrate", "josh.bailey": "celebrate", "ryan.walsh": "like", "rebecca.shaw": "celebrate",
      "rachel.morgan": "like", "helen.marsden": "celebrate"}),
    ("Wellbeing and Support", "kwame.mensah", 14, "Staff wellbeing",
     "TRiM reminder: if you attended the Marsh Lane collision last weekend, you'll get a call from a "
     "practitioner this week. It's not a test and it's not on your record. It's fine not to be fine. "
     "#wellbeing #trim",
     [("mark.taylor", 3, "Speaking as someone who was sceptical: it helped. Take the call."),
      ("aisha.rahman", 8, "Thank you for chasing this so quickly.")],
     {"mark.taylor": "support", "aisha.rahman": "support", "bethany.moss": "support", "david.okoro": "support"}),
    ("Wellbeing and Support", "sarah.whitfield", 9, "Staff wellbeing",
     "Flexible working requests: the new form is live and the average decision time is down to 11 days. "
     "If yours has been waiting longer, message me and I'll chase it. #flexibleworking",
     [("jordan.ellis", 5, "Does this cover shift swaps for childcare, or is that still the duty sergeant?"),
      ("sarah.whitfield", 6, "@jordan.ellis swaps stay with your sergeant; pattern changes come through the form.")],
     {"jordan.ellis": "like", "bethany.moss": "like", "claire.bennett": "insightful"}),
    ("Digital Transformation", "andrew.fleming", 13, "Digital transformation",
     "Records system move, week 6: CID and Public Protection are on the new system. Response moves on the "
     "14th. The single biggest complaint so far is the search screen, and Marcus has a fix in test. Keep "
     "telling us what slows you down. #records #digital",
     [("ben.adeyemi", 2, "The search fix is much better. Partial postcodes work now."),
      ("marcus.webb", 4, "Thanks Ben. The fix goes live on Tuesday night."),
      ("imran.malik", 20, "Can the incident managers get a training slot before the 14th?")],
     {"zoe.campbell": "like", "tom.whitaker": "insightful", "ben.adeyemi": "like", "imran.malik": "like"}),
    ("Digital Transformation", "zoe.campbell", 4, "Digital transformation",
     "Body-worn video docks at Eastport are fixed. If a camera still shows amber after an hour, swap it and "
     "log a ticket with the camera number, not your collar number. Saves us a day. #bodyworn",
     [("liam.oconnor", 1, "Cheers Zoe. Three of ours were amber all last week.")],
     {"liam.oconnor": "like", "claire.bennett": "like"}),
    ("Comms Team", "josh.bailey", 5, "Public trust and confidence",
     "Draft media line for the harbour thefts story, for comment before 3pm: \"Officers have worked with "
     "harbour businesses to cut reported thefts by more than two thirds since October.\" Too strong? "
     "#medialines",
     [("rachel.morgan", 1, "Accurate, but say 'shop owners' and thank them. It was their idea."),
      ("ellie.foster", 2, "And let's check with Rebecca before it goes anywhere public.")],
     {"rachel.morgan": "like", "ellie.foster": "insightful"}),
    ("Sergeants' Forum", "mark.taylor", 8, "Staff wellbeing",
     "How are people handling rest day cancellations for the festival weekend? I've got two on B relief "
     "who've had three cancelled this quarter. I'd like to raise it properly, with numbers. #restdays",
     [("emma.clarke", 3, "Same in Kingsmere. I'm logging each one with the reason."),
      ("lucy.fraser", 5, "CID's figures are worse. Happy to pool them for the Chief Super.")],
     {"emma.clarke": "support", "lucy.fraser": "support", "dan.price": "like"}),
    ("Senior Leadership Team", "david.okoro", 10, "Staff wellbeing",
     "Rest day cancellations are coming up in every forum. I want a proposal for the festival weekend that "
     "protects anyone with three or more this quarter. Draft to me by Friday, please.",
     [("gareth.hughes", 4, "On it. I'll take the numbers from the sergeants' forum.")],
     {"helen.marsden": "like", "gareth.hughes": "like"}),
    ("Operation Harbour", "martin.cole", 3, None,
     "Briefing moved to 07:30 tomorrow, CID conference room. Holding line for any press queries stays as "
     "agreed with Rachel. Nothing on any other channel, please.",
     [("lucy.fraser", 1, "Actions for the docks visit are on the board.")],
     {"lucy.fraser": "like", "ben.adeyemi": "like"}),
    (None, "michelle.rowe", 7, "Community safety",
     "101 call-back is live. Since Monday, 1,240 callers chose a call-back instead of waiting on hold; "
     "the average wait for those who stayed fell from 14 minutes to 6. Thank you to everyone who tested "
     "it. @bethany.moss and @callum.reid, you were brilliant. #101 #contactcentre",
     [("callum.reid", 1, "The best bit is nobody shouting at us after 20 minutes on hold."),
      ("helen.marsden", 3, "This is what the public notice. Thank you, all of you.")],
     {"helen.marsden": "celebrate", "callum.reid": "celebrate", "bethany.moss": "celebrate",
      "imran.malik": "like", "andrew.fleming": "celebrate", "jordan.ellis": "like"}),
    (None, "laura.jenkins", 2, "Staff wellbeing",
     "Training wish list: what do you wish someone had taught you in your first year? I'm building next "
     "year's programme and I'd rather hear it from you than guess. #training",
     [("aisha.rahman", 1, "Writing a good statement, properly, with real examples."),
      ("liam.oconnor", 2, "How to say no to a job politely when you've got four already."),
      ("callum.reid", 3, "How the rest of the force works. Half of us have never seen a custody suite.")],
     {"aisha.rahman": "like", "kwame.mensah": "insightful", "michelle.rowe": "like"}),
    (None, "jordan.ellis", 1, None,
     "Shout-out to B relief for last night: three concern-for-welfare calls, a collision on the bypass and "
     "still time to get the new starter a brew. @aisha.rahman ran the tutoring like it was nothing. #brelief",
     [("aisha.rahman", 1, "Team effort. The new starter did really well.")],
     {"aisha.rahman": "celebrate", "mark.taylor": "celebrate", "claire.bennett": "like", "liam.oconnor": "like"}),
]

# (person, topics they follow, people they follow)
FOLLOWS = [
    ("jordan.ellis", ["wellbeing", "training"], ["aisha.rahman", "helen.marsden"]),
    ("hannah.lewis", ["socialmedia"], ["ellie.foster"]),
    ("helen.marsden", ["problemsolving"], ["rebecca.shaw"]),
    ("ellie.foster", ["socialmedia", "eastport"], []),
]
# fmt: on


def _objectives(people: dict[str, User]) -> dict[str, Objective]:
    admin = people["andrew.fleming"]
    return {
        name: create_objective(
            admin,
            {
                "name": name,
                "owner_id": str(people[owner].id),
                "description": description,
                **{f"target_{metric}": str(value) for metric, value in targets.items()},
            },
        )
        for name, owner, description, targets in OBJECTIVES
    }


def _backdate(post: Post, days_ago: float, replies: list, start) -> None:
    post.created_at = start - timedelta(days=days_ago)
    for reply, hours in replies:
        reply.created_at = post.created_at + timedelta(hours=hours)


def seed_conversations(
    people: dict[str, User], communities: dict[str, Community], all_staff: Community
) -> int:
    """Objectives, posts, replies, reactions and follows for the demo force; returns how many posts."""
    objectives = _objectives(people)
    start = utcnow()
    for place, author, days_ago, objective, body, thread, reactions in CONVERSATIONS:
        post = create_post(people[author], body, communities[place] if place else all_staff)
        post.objective_id = objectives[objective].id if objective else None
        replies = [(create_reply(people[who], post, text), hours) for who, hours, text in thread]
        for who, kind in reactions.items():
            react(people[who], post, kind)
        _backdate(post, days_ago, replies, start)
    for person, topics, followed in FOLLOWS:
        for topic in topics:
            set_following_topic(people[person], get_topic(topic), True)
        for other in followed:
            set_following_person(people[person], people[other], True)
    db.session.flush()
    return len(CONVERSATIONS)
