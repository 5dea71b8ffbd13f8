"""Telling people what moderation did: the author (always, with the explanation) and the reporters
(the outcome only: never the explanation, the author's history or who else reported)."""

from app.models import Appeal, Decision, ModerationCase, PostingRestriction
from app.notifications.services import notify, notify_many, register_kinds
from app.sanitize import plain_text

# Kinds people may switch off. A decision about your own content, an appeal's outcome and a posting
# restriction are not optional (the author always gets the explanation), so they aren't listed.
register_kinds(
    report_outcome="A moderator has dealt with something I reported",
    post_held="My post or reply is held for review",
    post_approved="A moderator approves my held post or reply",
)
ALWAYS_DELIVERED = ("moderation_decision", "appeal_outcome", "posting_restricted")


def _item_data(case: ModerationCase) -> dict:
    item = case.reply or case.post
    data = {"item": case.target_type, "post_id": case.post_id, "reply_id": case.reply_id}
    if item is not None:
        data["excerpt"] = plain_text(item.body_source, 120)
    return data


def held(case: ModerationCase, reason: str) -> None:
    """The author: your post is held for review, and why."""
    notify(case.author_id, "post_held", reason=reason, **_item_data(case))


def approved(case: ModerationCase) -> None:
    """The author: your held item is visible now."""
    notify(case.author_id, "post_approved", **_item_data(case))


def decided(decision: Decision) -> None:
    """The author: the decision, with a link to the page showing the clause and the explanation.

    Sent without a community (muting a community never hides it) and without the moderator's name.
    """
    case = decision.case
    notify(
        case.author_id,
        "moderation_decision",
        decision_id=decision.id,
        intent=decision.intent,
        clause=decision.clause.label if decision.clause else "",
        **_item_data(case),
    )


def outcome_to_reporters(decision: Decision) -> None:
    """Every reporter: what happened to what they reported, in a sentence."""
    case = decision.case
    notify_many(
        {report.reporter_id for report in case.reports} - {case.author_id},
        "report_outcome",
        outcome=decision.intent,
        item=case.target_type,
        post_id=case.post_id if decision.intent in ("no_breach", "honest_mistake") else None,
        subject_id=case.subject_id,
    )


def appeal_decided(appeal: Appeal) -> None:
    """The author: the appeal's outcome and the second moderator's response."""
    notify(
        appeal.author_id,
        "appeal_outcome",
        decision_id=appeal.decision_id,
        outcome=appeal.status,
        **_item_data(appeal.decision.case),
    )


def restricted(restriction: PostingRestriction) -> None:
    """The person: you can't post or reply until …"""
    notify(
        restriction.user_id,
        "posting_restricted",
        ends_at=restriction.ends_at.isoformat(),
        decision_id=restriction.decision_id,
    )
