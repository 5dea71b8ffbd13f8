"""The demo force's policy, explanation templates and one report waiting in the queue."""

from app.extensions import db
from app.models import Community, PolicyAcceptance, User
from app.moderation.cases import post_target
from app.moderation.explanations import install_suggested
from app.moderation.reports import report_item
from app.policy.services import drafts_from_version, publish
from app.posts.services import create_post

# An honest mistake for the moderator demo login to deal with.
SLIP = (
    "Cracking job by B relief last night at the crash on the Eastport bypass. Everyone home safe, "
    "including the driver of the silver Corsa NX19 KLM who was lucky to walk away. #teamwork"
)


def seed_moderation(people: dict[str, User], all_staff: Community) -> None:
    """Publish policy version 1 (everyone has accepted it), add the suggested templates and a report."""
    version = publish(people["andrew.fleming"], drafts_from_version(None), "Our first acceptable use policy.")
    db.session.add_all(
        PolicyAcceptance(user_id=person.id, version_id=version.id)
        for person in people.values()
        if person.id != people["andrew.fleming"].id
    )
    install_suggested(people["priya.nair"])
    # He ticked past the sensitive-content warning about the number plate: the slip the demo is about.
    post = create_post(people["liam.oconnor"], SLIP, all_staff, confirm_sensitive=True)
    keep_it_safe = next(c for c in version.clauses if c.key == "keep-it-safe")
    report_item(
        people["mark.taylor"],
        post_target(post),
        keep_it_safe.id,
        "Registration number of a member of the public.",
    )
    db.session.flush()
