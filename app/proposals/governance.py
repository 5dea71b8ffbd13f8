"""Proposals in the governance registry: endorsements, earlier versions and webhook deliveries have
retention periods, purged proposal posts take their webhook payloads and confirmations with them,
everything a person did around proposals is in their subject access download (and erased on
request), and a community's proposals, suggestions and history are in its disclosure exports.

The discussion of a proposal is its post's replies: the core posts and replies kinds cover it."""

from sqlalchemy import delete, func, or_, select, update

from app.extensions import db
from app.governance.purge import PLACEHOLDERS, forget_notifications
from app.governance.registry import (
    PersonalData,
    RetentionKind,
    iso,
    register_keep_rule,
    register_personal_data,
    register_purge_hook,
    register_retention,
)
from app.models import (
    Proposal,
    ProposalEndorsement,
    ProposalSuggestion,
    ProposalVersion,
    SensitiveConfirmation,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.proposals import disclosure  # noqa: F401 - registers the proposals' disclosure kinds
from app.proposals.governance_rows import proposal_row

# Stages where buy-in is still being weighed: endorsements are kept whatever their age.
OPEN_STAGES = ("idea", "review", "approved", "scheduled")


def _community(column):
    return select(Proposal.community_id).where(Proposal.id == column).scalar_subquery()


register_retention(
    RetentionKind(
        key="proposal_endorsements",
        label="Proposal endorsements",
        description="Who endorsed which proposal, by when they endorsed it. Endorsements of proposals still "
        "open (idea to scheduled) are kept: they are the buy-in being weighed.",
        model=ProposalEndorsement,
        timestamp=ProposalEndorsement.created_at,
        people=(ProposalEndorsement.user_id,),
        community=_community(ProposalEndorsement.proposal_id),
        identity=(ProposalEndorsement.proposal_id, ProposalEndorsement.user_id),
    )
)
register_keep_rule(
    "proposal_endorsements",
    lambda: ProposalEndorsement.proposal_id.in_(select(Proposal.id).where(Proposal.stage.in_(OPEN_STAGES))),
)
register_retention(
    RetentionKind(
        key="proposal_versions",
        label="Earlier proposal versions",
        description="Each change to a proposal (who made it, the whole proposal after it), by when it was made. "
        "The current version is always kept. Anonymising keeps the history and forgets who made each change.",
        model=ProposalVersion,
        timestamp=ProposalVersion.created_at,
        people=(ProposalVersion.actor_id,),
        community=_community(ProposalVersion.proposal_id),
        anonymise=lambda ids: (
            db.session.execute(
                update(ProposalVersion)
                .where(ProposalVersion.id.in_(ids))
                .values(actor_id=None)
                .execution_options(synchronize_session=False)
            ).rowcount
        ),
        anonymised=lambda: ProposalVersion.actor_id.is_(None),
    )
)
register_keep_rule(
    "proposal_versions",
    lambda: (
        ProposalVersion.number
        == select(Proposal.version).where(Proposal.id == ProposalVersion.proposal_id).scalar_subquery()
    ),
)
register_retention(
    RetentionKind(
        key="webhook_deliveries",
        label="Publishing webhook deliveries",
        description="Copies of the approved text sent to the publishing tool, with each attempt's result, by when "
        "they were queued. Deliveries still being retried are kept.",
        model=WebhookDelivery,
        timestamp=WebhookDelivery.created_at,
        community=_community(WebhookDelivery.proposal_id),
        where=WebhookDelivery.status != "pending",
    )
)


@register_purge_hook
def forget_proposals(post_ids: list[int], reply_ids: list[int]) -> None:
    """A proposal's post removed for good takes the proposal (its versions, endorsements and suggestions
    cascade), the payloads sent for it, its notifications and sensitive-content confirmations."""
    if not post_ids:
        return
    ids = list(db.session.scalars(select(Proposal.id).where(Proposal.post_id.in_(post_ids))))
    if not ids:
        return
    forget_notifications("proposal_id", ids)
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.proposal_id.in_(ids)))
    db.session.execute(
        delete(SensitiveConfirmation).where(
            SensitiveConfirmation.item_type == "proposal", SensitiveConfirmation.item_id.in_(ids)
        )
    )
    for model in (ProposalVersion, ProposalEndorsement, ProposalSuggestion):
        db.session.execute(delete(model).where(model.proposal_id.in_(ids)))
    db.session.execute(delete(Proposal).where(Proposal.id.in_(ids)))


def _proposals(user: User) -> list[dict]:
    proposed = db.session.scalars(
        select(Proposal).where(Proposal.proposer_id == user.id).order_by(Proposal.id)
    )
    signed = db.session.scalars(
        select(Proposal).where(Proposal.signoff_by_id == user.id).order_by(Proposal.id)
    )
    changes = db.session.scalars(
        select(ProposalVersion).where(ProposalVersion.actor_id == user.id).order_by(ProposalVersion.id)
    )
    endorsed = db.session.scalars(
        select(ProposalEndorsement)
        .where(ProposalEndorsement.user_id == user.id)
        .order_by(ProposalEndorsement.created_at)
    )
    suggested = db.session.scalars(
        select(ProposalSuggestion)
        .where(ProposalSuggestion.author_id == user.id)
        .order_by(ProposalSuggestion.id)
    )
    decided = db.session.scalars(
        select(ProposalSuggestion)
        .where(ProposalSuggestion.decided_by_id == user.id)
        .order_by(ProposalSuggestion.id)
    )
    webhook = db.session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.updated_by_id == user.id))
    return (
        [proposal_row(p) for p in proposed]
        + [
            {"signed_off_proposal_id": p.id, "version": p.signoff_version, "at": iso(p.signoff_at)}
            for p in signed
        ]
        + [
            {
                "changed_proposal_id": v.proposal_id,
                "version": v.number,
                "summary": v.summary,
                "at": iso(v.created_at),
            }
            for v in changes
        ]
        + [
            {"endorsed_proposal_id": e.proposal_id, "version": e.version, "at": iso(e.created_at)}
            for e in endorsed
        ]
        + [
            {
                "suggested_for_proposal_id": s.proposal_id,
                "original": s.original,
                "replacement": s.replacement,
                "note": s.note,
                "status": s.status,
                "at": iso(s.created_at),
            }
            for s in suggested
        ]
        + [{"decided_suggestion_id": s.id, "status": s.status, "at": iso(s.decided_at)} for s in decided]
        + ([{"publishing_webhook_changed_at": iso(webhook.updated_at)}] if webhook else [])
    )


def _erase(user: User, credited_to: User) -> int:
    """Proposals, suggestions, sign-offs and changes stay in the history, credited to the placeholder
    (as posts are); endorsements go, like reactions: support is a personal opinion, and one shared
    account can't hold more than one endorsement of a proposal."""
    changed = 0
    for column, values in (
        (Proposal.proposer_id, {"proposer_id": credited_to.id}),
        (Proposal.signoff_by_id, {"signoff_by_id": credited_to.id}),
        (ProposalVersion.actor_id, {"actor_id": credited_to.id}),
        (ProposalSuggestion.author_id, {"author_id": credited_to.id}),
        (ProposalSuggestion.decided_by_id, {"decided_by_id": credited_to.id}),
        (WebhookEndpoint.updated_by_id, {"updated_by_id": None}),
    ):
        model = column.class_
        changed += db.session.execute(update(model).where(column == user.id).values(**values)).rowcount or 0
    # A version's summary ("Accepted Casey Comms's suggestion") and snapshot (who signed off) name
    # people: say the placeholder instead.
    named = or_(
        ProposalVersion.summary.contains(user.name),
        ProposalVersion.snapshot["signoff"].as_string() == user.name,
    )
    for version in db.session.scalars(select(ProposalVersion).where(named)):
        version.summary = version.summary.replace(user.name, PLACEHOLDERS["erased"])[:200]
        if (version.snapshot or {}).get("signoff") == user.name:
            version.snapshot = {**version.snapshot, "signoff": PLACEHOLDERS["erased"]}
        changed += 1
    changed += db.session.execute(
        delete(ProposalEndorsement).where(ProposalEndorsement.user_id == user.id)
    ).rowcount
    db.session.flush()
    db.session.expire_all()
    return changed or 0


register_personal_data(
    PersonalData(
        "proposals",
        "Proposals for public channels",
        "Proposals you made, changes you made to them, proposals you endorsed or signed off, and edits you "
        "suggested or decided.",
        _proposals,
        erase=_erase,
        count=lambda u: db.session.scalar(select(func.count()).where(Proposal.proposer_id == u.id)) or 0,
    )
)
