"""One small organisation with something of every kind, most of it inside a secret community.

The authorization matrix fills each route's URL parameters from `World.params`; the leak tests look
for `SECRET_MARKERS` in every answer the outsiders get. Everything is written through the services
(as the product writes it) and committed; only ids leave the app context.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from app.attachments.services import Draft, Upload, attach, check
from app.extensions import db
from app.models import Community, Post, User, utcnow
from tests import factories
from tests.api_helpers import token_for

# Words that appear only inside the secret (and private) community. An outsider's answer must never
# contain one: the community's name and slug, its posts, replies, sessions, links and updates.
SECRET_NAME = "Operation Kestrel"
# (Private communities' names are listed to everyone by design; their content carries the markers.)
SECRET_MARKERS = ("Kestrel", "operation-kestrel", "zebracrossing", "Bluebottle")

# The people of the matrix. `member` belongs to the secret and the private community; every other
# role (the intruder included) belongs to neither. `deactivated` was a member and has left.
ROLES = ("anonymous", "member", "intruder", "comms", "leader", "moderator", "admin", "deactivated")


@dataclass
class World:
    """Ids of everything the matrix needs, and a session cookie and token per role."""

    users: dict[str, int] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    session_ids: dict[str, str] = field(default_factory=dict)  # what Flask-Login keeps in the cookie
    objects: dict[str, int] = field(default_factory=dict)


def _u(user_id: int) -> User:
    return db.session.get(User, user_id)


def _people(world: World) -> None:
    people = {
        "member": ("Morgan Member", "member"),
        "intruder": ("Ivy Intruder", "member"),
        "comms": ("Casey Comms", "comms"),
        "leader": ("Lee Leader", "leader"),
        "moderator": ("Mo Moderator", "moderator"),
        "admin": ("Ada Admin", "admin"),
        "deactivated": ("Dee Departed", "member"),
        # Not matrix roles: the secret community's owner (a comms officer, so she curates and schedules
        # inside it) and a bystander whose account admin routes act on.
        "owner": ("Olive Owner", "comms"),
        "bystander": ("Bo Bystander", "member"),
        "leaver": ("Lou Leaver", "member"),
        "insider_leader": (
            "Lin Insider",
            "leader",
        ),  # the secret update is published in her name  # whom admin routes deactivate and reactivate
    }
    for key, (name, role) in people.items():
        world.users[key] = factories.make_user(name=name, role=role).id


def _communities(world: World) -> tuple[Community, Community]:
    owner, member = _u(world.users["owner"]), _u(world.users["member"])
    members = [member, _u(world.users["bystander"]), _u(world.users["deactivated"])]
    members.append(_u(world.users["insider_leader"]))
    secret = factories.make_community(owner, "secret", SECRET_NAME, members, "Bluebottle surveillance desk")
    private = factories.make_community(owner, "private", "Private Larch", members, "The larch team")
    world.objects |= {"secret": secret.id, "private": private.id}
    world.params["slug"] = secret.slug
    return secret, private


def _posts(world: World, secret: Community) -> None:
    from app.posts.replies import create_reply
    from app.posts.services import create_post
    from tests.governance.helpers import png

    owner = _u(world.users["owner"])
    post = create_post(owner, "Kestrel plan: meet at zebracrossing #kestrel", secret, confirm_sensitive=True)
    reply = create_reply(owner, post, "Kestrel reply: zebracrossing at nine")
    errors: dict[str, str] = {}
    checked = check(owner, [Draft(upload=Upload("kestrel.png", png()), alt_text="Kestrel map")], errors)
    assert not errors, errors
    [attachment] = attach(owner, checked, post=post)
    public = create_post(_u(world.users["member"]), "Hello everyone, open post")
    from app.digest.editorial import pin

    digest_pin = pin(_u(world.users["comms"]), public.id)  # the comms team's editorial slot
    db.session.commit()
    world.objects |= {"public_post": public.id}
    world.params |= {"pin_id": digest_pin.id}
    world.params |= {"post_id": post.id, "reply_id": reply.id, "attachment_id": attachment.id}
    world.params |= {"name": "kestrel", "user_id": world.users["bystander"]}


def _learning(world: World, secret: Community) -> None:
    from app.learning import qa
    from app.learning.materials import add_file
    from app.learning.services import SessionInput, schedule_session
    from tests.governance.helpers import png

    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    data = SessionInput(
        title="Kestrel briefing",
        description="Kestrel zebracrossing walkthrough",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        place="Room Kestrel",
        community_id=secret.id,
    )
    session = schedule_session(_u(world.users["owner"]), data)
    material = add_file(_u(world.users["owner"]), session, "Kestrel map", "kestrel.png", png())
    qa.set_qa_open(_u(world.users["owner"]), session, True)
    question = qa.ask(_u(world.users["member"]), session, "Kestrel question about zebracrossing")
    db.session.commit()
    world.params |= {"session_id": session.id, "material_id": material.id}
    world.objects |= {"session_question_id": question.id}


def _links_and_updates(world: World, secret: Community) -> None:
    from app.leadership.updates import publish_update
    from app.links.services import LinkDraft, share_link

    owner = _u(world.users["owner"])
    draft = LinkDraft(
        url="https://example.org/kestrel", why="Kestrel zebracrossing context", community_ids=[secret.id]
    )
    [link] = share_link(owner, draft)
    update = publish_update(
        owner,
        title="Kestrel update",
        body="Kestrel zebracrossing progress",
        leader_id=world.users["insider_leader"],
        everyone=False,
        community_ids=[secret.id],
    )
    db.session.commit()
    world.params |= {"link_id": link.id, "update_id": update.id}


def _global_objects(world: World) -> None:
    """Things that belong to no community: they are reached by role, not by membership."""
    from app.admin.invitations import send_invitation
    from app.admin.units import create_unit
    from app.governance.holds import create_hold
    from app.leadership.questions import ask
    from app.links.curators import grant_curator
    from app.moderation.explanations import save_template
    from app.objectives.services import create_objective

    admin = _u(world.users["admin"])
    unit = create_unit(admin, "Matrix Unit")
    invitation = send_invitation(admin, "newcomer@example.police.uk", "New Comer")
    hold = create_hold(admin, person=_u(world.users["bystander"]).email, reason="Matrix hold")
    objective = create_objective(
        admin, {"name": "Matrix objective", "description": "Why", "owner_id": str(world.users["leader"])}
    )
    template = save_template(_u(world.users["moderator"]), None, "", "needs_change", "Matrix", "Please edit")
    question = ask(_u(world.users["member"]), world.users["leader"], "What is the plan for winter?")
    grant = grant_curator(_u(world.users["comms"]), _u(world.users["bystander"]))
    db.session.commit()
    world.params |= {
        "unit_id": unit.id,
        "invitation_id": invitation.id,
        "hold_id": hold.id,
        "objective_id": objective.id,
        "template_id": template.id,
        "question_id": question.id,
        "grant_id": grant.id,
    }


def _moderation(app, world: World) -> None:
    """A published policy, a decided case about the member's public post with an appeal, an open case
    and a posting restriction (moderation reaches every community, so these are role-guarded)."""
    from app.moderation.appeals import appeal
    from app.moderation.restrictions import restrict
    from app.policy.services import current_version
    from tests.moderation_helpers import decide, publish, report

    publish(app, _detached(app, world.users["admin"]))
    people = (*(world.users[k] for k in ROLES[1:] if k != "deactivated"), world.users["owner"])
    with app.app_context():
        version = current_version().number
    decided = report(
        app, _detached(app, world.users["bystander"]), "post", world.objects["public_post"], "respect"
    )
    decision = decide(app, _detached(app, world.users["moderator"]), decided, "needs_change")
    with app.test_request_context():
        from app.models import Decision

        made = appeal(_u(world.users["member"]), db.session.get(Decision, decision), "I fixed it already")
        reply_id = world.params["reply_id"]
        restriction = restrict(_u(world.users["moderator"]), _u(world.users["bystander"]), 3, "Cooling off")
        db.session.commit()
        world.params |= {"appeal_id": made.id, "restriction_id": restriction.id}
    open_case = report(
        app, _detached(app, world.users["bystander"]), "post", world.params["post_id"], "respect"
    )
    world.params |= {"case_id": open_case, "decision_id": decision, "number": version}
    world.params |= {"target_type": "reply", "target_id": reply_id}
    assert people  # everyone accepted the policy in publish()


def _proposals_and_more(app, world: World) -> None:
    """A proposal with a suggestion, a join request, a data export, a channel and a token."""
    from app.api.tokens import create_token
    from app.governance.exports import request_subject_access
    from app.models import JoinRequest, ProposalChannel
    from app.proposals.channels import seed_default_channels
    from app.proposals.suggestions import suggest
    from tests.proposal_helpers import make_proposal

    with app.app_context():
        seed_default_channels()
        db.session.commit()
        channel = db.session.scalar(select(ProposalChannel.id).where(ProposalChannel.slug == "x"))
    proposal_id = make_proposal(
        app,
        _detached(app, world.users["member"]),
        channel,
        community_id=world.objects["secret"],
        draft="Kestrel zebracrossing announcement draft",
        objective_id=world.params["objective_id"],
    )
    with app.test_request_context():
        from app.models import Proposal

        proposal = db.session.get(Proposal, proposal_id)
        suggestion = suggest(
            _u(world.users["bystander"]), proposal, "", "A better draft for everyone", "Shorter"
        )
        request = JoinRequest(
            community_id=world.objects["secret"], user_id=world.users["comms"], kind="request"
        )
        db.session.add(request)
        export = request_subject_access(_u(world.users["member"]), _u(world.users["member"]))
        token, _ = create_token(_u(world.users["member"]), "matrix", "read")
        db.session.commit()
        world.params |= {
            "proposal_id": proposal_id,
            "suggestion_id": suggestion.id,
            "request_id": request.id,
            "export_id": export.id,
            "channel_id": channel,
            "token_id": token.id,
            "community_id": world.objects["secret"],
            "section": "adoption",
            "table": "adoption_units",
            "token": "not-a-real-token",
        }


def build(app) -> World:
    """Build the world and sign everyone in (a token each; the deactivated person's is revoked)."""
    from app.admin.services import deactivate

    world = World()
    with app.test_request_context():  # services build links (notifications, mail) as in a request
        _people(world)
        secret, _private = _communities(world)
        _posts(world, secret)
        _learning(world, secret)
        _links_and_updates(world, secret)
        _global_objects(world)
        db.session.commit()
    _moderation(app, world)
    _proposals_and_more(app, world)
    for role in ROLES[1:]:
        person = _detached(app, world.users[role])
        world.tokens[role], world.session_ids[role] = token_for(app, person), person.get_id()
    with app.app_context():
        deactivate(_u(world.users["admin"]), _u(world.users["deactivated"]))
        db.session.commit()
    return world


def _detached(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def secret_post(app, world: World) -> Post:
    """The secret post, in the current app context."""
    return db.session.get(Post, world.params["post_id"])
