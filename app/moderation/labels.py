"""The words people see for intents, outcomes and case states (shared by pages, mail-free notices and CSV)."""

INTENT_LABELS = {
    "no_breach": "Within the policy",
    "honest_mistake": "Honest mistake",
    "needs_change": "Needs a change",
    "serious": "Deliberate or serious",
}
# What each intent does, as the moderator chooses it.
INTENT_HINTS = {
    "no_breach": "Nothing to put right. A held item becomes visible; nobody gets a note except a held "
    "item's author.",
    "honest_mistake": "A private, friendly note to the author. The item stays up; they may edit it.",
    "needs_change": "Hidden until the author edits it; their edit comes back to the queue.",
    "serious": "Removed, and a strike recorded. Repeat strikes suggest a pause on posting.",
}
# What the reporter hears: the outcome, never the explanation or anything about the author.
OUTCOME_FOR_REPORTER = {
    "no_breach": "a moderator looked at it and found it within the policy",
    "honest_mistake": "a moderator has spoken to the author about it",
    "needs_change": "it is hidden until the author changes it",
    "serious": "it has been removed",
}
CASE_STATUS_LABELS = {"new": "New", "in_review": "In review", "decided": "Decided"}
APPEAL_LABELS = {
    "open": "Waiting for a moderator",
    "upheld": "Decision upheld",
    "overturned": "Decision overturned",
}
TARGET_LABELS = {"post": "post", "reply": "reply", "user": "profile"}
