"""The suggested first policy and explanation templates, in plain English (the demo force uses them too).

Most problems are honest mistakes (the 90/10 rule): the text says so, and so do the templates.
"""

# (key, title, body, severity 1-3)
SUGGESTED_CLAUSES = [
    (
        "be-yourself",
        "Be yourself, and stand behind what you write",
        "Post under your own name and in your own words. Rollcall is for everyone who works here: "
        "officers, staff, volunteers and contractors. Write as you would speak in a briefing room, "
        "plainly and in a way you'd be happy to explain to a colleague or a member of the public.",
        1,
    ),
    (
        "respect",
        "Treat colleagues with respect",
        "Disagree with ideas, not people. No bullying, harassment, personal attacks or jokes at "
        "someone's expense, and nothing about a person's age, disability, race, religion or belief, sex, "
        "sexual orientation, gender reassignment, pregnancy or marital status. Our Code of Ethics "
        "applies here as it does everywhere else.",
        2,
    ),
    (
        "keep-it-safe",
        "Keep operational and personal information safe",
        "Never post details of live operations, intelligence, victims, witnesses or suspects, or "
        "anyone's personal data, even in a private community. That includes registration plates, "
        "addresses and photos that identify a member of the public. If in doubt, leave it out and ask "
        "your supervisor or the information management team.",
        3,
    ),
    (
        "protect-systems",
        "Protect our systems",
        "Don't share passwords, access codes or screenshots of force systems, and don't post links you "
        "wouldn't open yourself. Tell the Service Desk about anything that looks suspicious.",
        3,
    ),
    (
        "think-public",
        "Think before it goes public",
        "Anything written here could end up outside the organisation. Posts meant for the public's "
        "channels go through the comms team first: ask in the Social Media Champions community "
        '"should I post this?" before you post it.',
        2,
    ),
    (
        "impartial",
        "Stay impartial, and keep it about work",
        "As public servants we stay politically impartial: don't campaign for or against a party or "
        "candidate here. Don't use Rollcall to sell things or run a business.",
        2,
    ),
    (
        "mistakes",
        "How we deal with mistakes",
        "Most problems are honest mistakes, and we treat them that way: a moderator will tell you what "
        "was wrong and why, and help you put it right. You can always appeal a decision once, and a "
        "different moderator will look at it. Deliberate or repeated breaches are different and may lead "
        "to a pause on posting, or to Professional Standards.",
        1,
    ),
]

# (clause key or None for any, intent or None for any, title, body). {name} and {clause} are filled in.
SUGGESTED_TEMPLATES = [
    (
        "keep-it-safe",
        "honest_mistake",
        "Personal or operational detail: honest mistake",
        "Hi {name}, thanks for posting this; it's clearly meant well. It includes details that could "
        "identify someone outside the service, which clause {clause} asks us to keep off Rollcall. "
        "Could you edit it to take those details out? Nothing more is needed, and no record is kept "
        "against you.",
    ),
    (
        "keep-it-safe",
        "needs_change",
        "Personal or operational detail: hidden until changed",
        "Hi {name}, I've hidden this post for now because it includes details covered by clause "
        "{clause}. Once you've edited them out it comes straight back to us, and we'll put it back "
        "up as soon as we can.",
    ),
    (
        "respect",
        "needs_change",
        "Tone towards a colleague",
        "Hi {name}, I've hidden this because the way it talks about a colleague goes against clause "
        "{clause}. The point you're making is a fair one to raise: if you reword it to be about the "
        "issue rather than the person, it will be visible again once we've had a look.",
    ),
    (
        "think-public",
        "honest_mistake",
        "Meant for the public's channels",
        "Hi {name}, this looks like something for the public, which is great. Under clause {clause} "
        "it needs to go through the comms team first; they're quick, and the Social Media Champions "
        "community is a good place to start.",
    ),
    (
        None,
        "serious",
        "Serious breach: removed",
        "Hi {name}, I've removed this post because it seriously breaks clause {clause}. This has been "
        "recorded. If you think I've got this wrong, you can appeal below and a different moderator "
        "will look at it.",
    ),
    (
        None,
        "no_breach",
        "Within the policy",
        "Thanks, {name}. A moderator has looked at this and it's within the policy, so it's visible to "
        "everyone now.",
    ),
]
