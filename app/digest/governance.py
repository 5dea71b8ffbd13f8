"""The digest in the governance registry: preferences and what was sent are in subject access
downloads, and erasure removes them."""

from sqlalchemy import delete, select

from app.extensions import db
from app.governance.registry import PersonalData, iso, register_personal_data
from app.models import DigestItem, DigestPreference, DigestSend, User


def _collect(user: User) -> list[dict]:
    pref = db.session.get(DigestPreference, user.id)
    sends = db.session.scalars(
        select(DigestSend).where(DigestSend.user_id == user.id).order_by(DigestSend.id)
    )
    rows = [{"frequency": pref.frequency, "muted_community_ids": pref.muted_community_ids}] if pref else []
    return rows + [{"digest": s.period_key, "items": s.item_count, "at": iso(s.created_at)} for s in sends]


def _erase(user: User, _credited_to: User) -> int:
    changed = db.session.execute(delete(DigestItem).where(DigestItem.user_id == user.id)).rowcount or 0
    changed += db.session.execute(delete(DigestSend).where(DigestSend.user_id == user.id)).rowcount or 0
    changed += (
        db.session.execute(delete(DigestPreference).where(DigestPreference.user_id == user.id)).rowcount or 0
    )
    return changed


register_personal_data(
    PersonalData(
        "digest",
        "Email digest",
        "How often you chose to get the digest, the communities you left out, and which digests were sent to you.",
        _collect,
        erase=_erase,
    )
)
