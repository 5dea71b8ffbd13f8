"""Exports: one proposal's final text as plain text, and a list of proposals as CSV."""

import csv
import io

from app.models import Proposal
from app.proposals import counting
from app.proposals.queries import Cards
from app.proposals.services import STAGE_LABELS

CSV_COLUMNS = (
    "id",
    "stage",
    "channel",
    "objective",
    "proposer",
    "unit",
    "endorsements",
    "leader_endorsed",
    "length",
    "limit",
    "text",
    "alt_text",
    "scheduled_for",
    "published_at",
    "public_url",
    "reach",
    "engagements",
)


def final_text(proposal: Proposal) -> str:
    """The text to paste into the channel, with the image's alt text after it when there is one."""
    text = proposal.draft.rstrip() + "\n"
    if proposal.alt_text:
        text += "\n---\nImage description (alt text):\n" + proposal.alt_text.rstrip() + "\n"
    return text


def _cell(value) -> str:
    """A CSV cell that a spreadsheet won't run as a formula (=, +, -, @ and control starts)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(proposals: list[Proposal], cards: Cards) -> str:
    """Proposals as CSV, one row each, safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for p in proposals:
        row = (
            p.id,
            STAGE_LABELS[p.stage],
            p.channel.name,
            p.objective.name if p.objective else "",
            p.proposer.name,
            p.proposer.unit.name if p.proposer.unit else "",
            cards.endorsements(p),
            "yes" if cards.leader_endorsed(p) else "no",
            counting.count(p.draft, p.channel.counting),
            p.channel.char_limit or "",
            p.draft,
            p.alt_text,
            p.scheduled_for.isoformat() if p.scheduled_for else "",
            p.published_at.isoformat() if p.published_at else "",
            p.public_url,
            p.reach,
            p.engagements,
        )
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()
