"""The demo force's proposals: one at every stage, written through the real services, with buy-in."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Community, Objective, Post, Proposal, ProposalChannel, User, utcnow
from app.proposals import buyin, stages, suggestions
from app.proposals.channels import seed_default_channels
from app.proposals.services import ProposalInput, create_proposal

# fmt: off
# (proposer, channel, community or None for All staff, source post (author, first words) or None,
#  objective, days ago, draft, alt text, why, at its worst, our record, sensitive,
#  endorsers, [(stage, by, extra)])
PROPOSALS = [
    ("callum.reid", "x", None, ("michelle.rowe", "101 call-back is live"), "Community safety", 6,
     "Calling 101? You can now ask for a call-back instead of waiting on hold. 1,240 people chose it in its "
     "first week, and the wait for everyone else fell from 14 minutes to 6. "
     "https://www.northshire.police.uk/contact/101-call-back",
     "", "Waiting on hold is the complaint we hear most. This tells people there's a better way, with real "
     "numbers from our own contact centre.",
     "\u201cSix minutes is still too long.\u201d Some will say so; the figures show it's getting better.",
     "The 2025 inspection criticised our 101 answer times. This is the answer to that, so it helps if we say so.",
     False, ["helen.marsden", "michelle.rowe", "bethany.moss", "imran.malik", "jordan.ellis", "rachel.morgan"],
     [("review", "rachel.morgan", {}), ("approved", "rachel.morgan", {})]),
    ("hannah.lewis", "facebook", None, None, "Public trust and confidence", 4,
     "Eastport PACT is on Tuesday 9 December, 7pm at the Old Town library. Last time 60 of you came and told us "
     "about the harbour car park lights: they're fixed. Come and tell us what's next. Everyone welcome, tea "
     "provided.",
     "", "PACT meetings are how people decide whether to trust us, and this one shows we acted on what we heard.",
     "If the lights fail again before Tuesday, \u201cfixed\u201d will look like spin.",
     "Nothing we know of. Dan checked the lights on Sunday night.",
     False, ["dan.price", "ryan.walsh", "simon.reeves", "rebecca.shaw"],
     [("review", "ellie.foster", {})]),
    ("rachel.morgan", "press-release", "Senior Leadership Team", None, "Public trust and confidence", 3,
     "Harbour thefts down by two thirds as shop owners and officers work together\n\nReported thefts from "
     "Eastport harbour businesses have fallen by more than two thirds since October, after shop owners and the "
     "Eastport neighbourhood team agreed a plan together. Inspector Rebecca Shaw said: \u201cThis was the shop "
     "owners' idea. We listened, and it worked.\u201d",
     "", "A good-news story the harbour businesses want told, and it credits them rather than us.",
     "Could read as claiming credit for a problem we were slow to act on last summer.",
     "A complaint about how a harbour theft report was handled is still with Professional Standards, and a "
     "journalist asked about it in October. We should expect the question.",
     True, ["gareth.hughes", "simon.reeves"],
     [("review", "rachel.morgan", {})]),
    ("jordan.ellis", "instagram", None, ("jordan.ellis", "Shout-out to B relief"), "Staff wellbeing", 1,
     "Night shift on B relief: three welfare checks, a collision on the bypass and still time to make the new "
     "starter a brew. This is who answers when you call. #NorthshirePolice #NightShift",
     "PC Aisha Rahman and a new constable share a cup of tea in the Eastport parade room at 3am, both in "
     "uniform, laughing.",
     "Shows the people behind the uniform, doing an ordinary night well.",
     "\u201cTea breaks while crime goes up\u201d: someone will say it.",
     "Nothing we know of.",
     False, ["aisha.rahman", "mark.taylor", "claire.bennett"], []),
    ("owen.davies", "x", None, None, "Community safety", 14,
     "Quad bike in Kingsmere? Mark it, photograph it, lock it. Free marking at Kingsmere station every Saturday "
     "in December, 10am to noon. Stolen quads are how rural crime pays. https://www.northshire.police.uk/rural",
     "", "Quad thefts are up across the villages and marking makes them hard to sell on.",
     "Could sound like we're telling victims it's their fault.",
     "Nothing we know of.",
     False, ["emma.clarke", "grace.kaur", "peter.hollis", "helen.marsden"],
     [("review", "ellie.foster", {}), ("approved", "ellie.foster", {}),
      ("published", "ellie.foster", {"public_url": "https://x.com/NorthshirePolice/status/1864000000000000001"})]),
    ("liam.oconnor", "x", None, None, "Public trust and confidence", 9,
     "10,000 followers! \U0001F389 Thank you Northshire for helping us keep your streets safe. Here's to the "
     "next 10,000! \U0001F499",
     "", "A milestone worth marking, and a thank you to the people who follow us.",
     "I can't see one.",
     "Nothing I know of.",
     False, ["sophie.turner"],
     [("declined", "ellie.foster", {"reason": "Not this week: the misconduct hearing is in the paper, and a "
       "self-congratulating post beside it is how Baltimore's 50,000-followers video became a parody. Let's thank "
       "the harbour shop owners for something specific instead."})]),
]
# fmt: on


def _source(people: dict[str, User], spec: tuple | None) -> Post | None:
    if spec is None:
        return None
    author, start = spec
    return db.session.scalar(
        select(Post).where(Post.author_id == people[author].id, Post.body_source.startswith(start))
    )


def seed_proposals(people: dict[str, User], communities: dict[str, Community]) -> int:
    """The demo proposals, moved through their stages with endorsements; returns how many."""
    seed_default_channels()
    channels = {c.slug: c for c in db.session.scalars(select(ProposalChannel))}
    objectives = {o.name: o for o in db.session.scalars(select(Objective))}
    now = utcnow()
    for spec in PROPOSALS:
        (
            proposer,
            channel,
            place,
            source,
            objective,
            days_ago,
            draft,
            alt,
            why,
            worst,
            record,
            sensitive,
            endorsers,
            moves,
        ) = spec
        fields = ProposalInput(
            channel_id=channels[channel].id,
            draft=draft,
            why=why,
            reputation_worst=worst,
            reputation_record=record,
            objective_id=objectives[objective].id if objective in objectives else None,
            has_image=bool(alt),
            alt_text=alt,
            sensitive=sensitive,
            community_id=communities[place].id if place else None,
        )
        source_post = _source(people, source)
        proposal = create_proposal(people[proposer], fields, source_post.id if source_post else None)
        for person in endorsers:
            buyin.endorse(people[person], proposal)
        for stage, by, extra in moves:
            if stage == "published":
                extra = {**extra, "published_at": now - timedelta(days=days_ago - 2)}
            stages.move(people[by], proposal, stage, **extra)
        _finish(proposal, people, days_ago, now)
    db.session.flush()
    return len(PROPOSALS)


def _finish(proposal: Proposal, people: dict[str, User], days_ago: int, now) -> None:
    """Results for the published one, a suggestion on the one in review, and believable dates."""
    if proposal.stage == "published":
        stages.record_results(people["ellie.foster"], proposal, 18_300, 640)
    if proposal.channel.slug == "facebook":
        suggestions.suggest(
            people["ellie.foster"],
            proposal,
            "Everyone welcome, tea provided.",
            "Everyone's welcome, and the tea's on us.",
            "Warmer, and it reads like a neighbour wrote it.",
        )
    if proposal.sensitive:
        stages.request_sign_off(people["rachel.morgan"], proposal, people["david.okoro"])
    proposal.created_at = now - timedelta(days=days_ago)
    proposal.post.created_at = proposal.created_at
    proposal.stage_changed_at = now - timedelta(days=max(days_ago - 2, 0), hours=3)
