"""The XSS corpus and its checks: every field that renders user text, filled with every payload.

FIELDS maps a field's name to how it is written (through the service a form or the API calls) and
which page shows it; test_xss.py checks the stored HTML and the served pages, and
tests/browser/test_xss_corpus.py renders the same pages in Chromium.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

from app.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_CLASSES, ALLOWED_TAGS, URL_SCHEMES

CORPUS_FILE = Path(__file__).with_name("xss_payloads.txt")
# Attributes that take a URL, in any element (SVG and MathML included).
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "srcdoc",
    "poster",
    "background",
}
_SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data):", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def corpus() -> list[str]:
    """The payloads, one a line (comments start with "# ")."""
    lines = CORPUS_FILE.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("# ")]


def script_capable(url: str) -> bool:
    """Whether a URL would run script (browsers drop whitespace and control characters first)."""
    return bool(_SCRIPT_SCHEME.match(_INVISIBLE.sub("", url)))


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, attrs))

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def _parse(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser


def stored_problems(html: str) -> list[str]:
    """Why a stored fragment breaks the allow-list (empty when it is safe)."""
    problems = []
    for tag, attrs in _parse(html).elements:
        if tag not in ALLOWED_TAGS:
            problems.append(f"tag <{tag}>")
            continue
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"class"} if tag in ALLOWED_CLASSES else set())
        allowed |= {"rel"} if tag == "a" else set()
        for name, value in attrs:
            if name not in allowed:
                problems.append(f"attribute {name} on <{tag}>")
            elif name == "class" and not set((value or "").split()) <= ALLOWED_CLASSES[tag]:
                problems.append(f"class {value!r}")
            elif name == "href" and not _safe_href(value or ""):
                problems.append(f"href {value!r}")
    return problems


def _safe_href(value: str) -> bool:
    scheme, colon, _ = value.partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return not script_capable(value)  # relative: our own mention and topic links, or a path
    return scheme.lower() in URL_SCHEMES


def page_problems(html: str) -> list[str]:
    """Why a served page could run injected script (empty when it can't)."""
    parsed = _parse(html)
    problems = [f"inline script {text[:60]!r}" for text in parsed.script_text]
    for tag, attrs in parsed.elements:
        names = {name for name, _ in attrs}
        if tag == "script" and not dict(attrs).get("src", "").startswith("/static/"):
            problems.append(f"script {attrs}")
        if tag in (
            "iframe",
            "object",
            "embed",
            "base",
            "frame",
            "frameset",
            "applet",
            "style",
            "link",
        ) and not (tag == "link" and dict(attrs).get("href", "").startswith("/static/")):
            problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in names:
            problems.append("<meta http-equiv>")
        for name, value in attrs:
            if name.startswith("on"):
                problems.append(f"{name} on <{tag}>")
            elif name == "style":
                problems.append(f"style= on <{tag}>")
            elif name in URL_ATTRIBUTES and value and script_capable(value):
                problems.append(f"{name}={value[:60]!r} on <{tag}>")
    return problems


@dataclass
class Field:
    """A place people type text that is shown to others."""

    name: str
    write: Callable[[dict, str], str]  # (people ids, text) -> the path of a page showing it
    limit: int = 2000  # the field's maximum length: payloads are packed into texts up to it
    # One payload per item, so one can't hide another: the post and reply bodies, which run the
    # Markdown renderer every other Markdown field shares (those get payloads a paragraph each).
    one_each: bool = False
    separator: str = "\n\n"  # between packed payloads (" " for one-line fields)


def _u(people: dict, key: str):
    from app.extensions import db
    from app.models import User

    return db.session.get(User, people[key])


def _post(people, text):
    from app.posts.services import create_post

    return f"/posts/{create_post(_u(people, 'author'), text, confirm_sensitive=True).id}"


def _reply(people, text):
    from app.extensions import db
    from app.models import Post
    from app.posts.replies import create_reply

    post = db.session.get(Post, people["post"])
    create_reply(_u(people, "author"), post, text, confirm_sensitive=True)
    return f"/posts/{post.id}"


def _profile(field_name):
    def write(people, text):
        from app.people.services import update_profile

        user = _u(people, "author")
        values = {"name": user.name, "job_title": user.job_title or "", "bio": user.bio or ""}
        update_profile(user, **{**values, field_name: text})
        return f"/people/{user.id}"

    return write


def _community(field_name):
    def write(people, text):
        from app.communities.services import create_community

        name = text if field_name == "name" else f"Community {people.setdefault('n', 0) + 1}"
        people["n"] = people.get("n", 0) + 1
        row = create_community(_u(people, "author"), f"{name} {people['n']}"[:80], text, "public")
        return f"/communities/{row.slug}"

    return write


def _session(field_name):
    def write(people, text):
        from app.learning.services import SessionInput, schedule_session
        from app.models import utcnow

        start = (utcnow() + timedelta(days=3)).replace(microsecond=0)
        values = {"title": "Session", "description": "About", "place": "Room 1"} | {field_name: text}
        data = SessionInput(starts_at=start, ends_at=start + timedelta(hours=1), **values)
        return f"/sessions/{schedule_session(_u(people, 'author'), data).id}"

    return write


def _link(field_name):
    def write(people, text):
        from app.links.services import LinkDraft, share_link

        people["n"] = people.get("n", 0) + 1
        values = {"why": "Worth reading"} | {field_name: text}
        draft = LinkDraft(url=f"https://example.org/{people['n']}", allow_duplicate=True, **values)
        return f"/links/{share_link(_u(people, 'author'), draft)[0].id}"

    return write


def _update(field_name):
    def write(people, text):
        from app.leadership.updates import publish_update

        values = {"title": "Update", "body": "Body"} | {field_name: text}
        row = publish_update(_u(people, "author"), leader_id=people["leader"], **values)
        return f"/leadership/updates/{row.id}"

    return write


def _question(people, text):
    from app.leadership.questions import ask

    return f"/leadership/questions/{ask(_u(people, 'author'), people['leader'], text).id}"


def _answer(people, text):
    from app.leadership.questions import answer, ask

    row = ask(_u(people, "author"), people["leader"], "A question to answer")
    answer(_u(people, "leader"), row, text)
    return f"/leadership/questions/{row.id}"


def _proposal(field_name):
    def write(people, text):
        from app.proposals.services import ProposalInput, create_proposal

        values = {
            "draft": "A draft",
            "why": "Because",
            "reputation_worst": "Little",
            "reputation_record": "Nothing",
        } | {field_name: text}
        data = ProposalInput(channel_id=people["channel"], objective_id=people["objective"], **values)
        return f"/proposals/{create_proposal(_u(people, 'author'), data).id}"

    return write


def _session_question(people, text):
    from app.extensions import db
    from app.learning import qa
    from app.models import LearningSession

    session = db.session.get(LearningSession, people["session"])
    qa.ask(_u(people, "author"), session, text)
    return f"/sessions/{session.id}"


def _explanation(people, text):
    from app.extensions import db
    from app.models import ModerationCase
    from app.moderation import decisions
    from app.moderation.cases import resolve_target
    from app.moderation.reports import report_item
    from app.posts.services import create_post

    post = create_post(_u(people, "reader"), "Something to moderate", confirm_sensitive=True)
    db.session.flush()
    reporter = _u(people, "author")
    case_id = report_item(reporter, resolve_target(reporter, "post", post.id), people["clause"], "").case_id
    case = db.session.get(ModerationCase, case_id)
    moderator = _u(people, "moderator")
    decisions.claim(moderator, case)
    made = decisions.decide(moderator, case, "needs_change", people["clause"], None, text)
    return f"/moderation/decisions/{made.id}"


FIELDS = [
    Field("post body", _post, one_each=True),
    Field("reply body", _reply, one_each=True),
    Field("profile name", _profile("name"), limit=80, separator=" "),
    Field("profile job title", _profile("job_title"), limit=120, separator=" "),
    Field("profile bio", _profile("bio"), limit=500),
    Field("community name", _community("name"), limit=60, separator=" "),
    Field("community description", _community("description")),
    Field("session title", _session("title"), limit=120, separator=" "),
    Field("session description", _session("description")),
    Field("session place", _session("place"), limit=200, separator=" "),
    Field("link why it matters", _link("why")),
    Field("link title", _link("title"), limit=200, separator=" "),
    Field("link summary", _link("summary"), limit=600),
    Field("link source", _link("source"), limit=120, separator=" "),
    Field("update title", _update("title"), limit=160, separator=" "),
    Field("update body", _update("body")),
    Field("leadership question", _question),
    Field("leadership answer", _answer),
    Field("proposal draft", _proposal("draft")),
    Field("proposal why", _proposal("why")),
    Field("session question", _session_question, limit=500),
    Field("moderation explanation", _explanation),
]


def texts_for(field: Field, payloads: list[str]) -> list[str]:
    """One text per payload for Markdown fields; otherwise payloads packed up to the field's limit."""
    if field.one_each:
        return [p[: field.limit] for p in payloads]
    texts, current = [], ""
    for payload in payloads:
        payload = payload[: field.limit]
        if current and len(current) + len(field.separator) + len(payload) > field.limit:
            texts.append(current)
            current = ""
        current = f"{current}{field.separator}{payload}" if current else payload
    return texts + ([current] if current else [])


def prepare() -> dict:
    """The people and places the fields need (in an app context, committed by the caller)."""
    from app.extensions import db
    from app.learning import qa
    from app.learning.services import SessionInput, schedule_session
    from app.models import PolicyAcceptance, User, utcnow
    from app.objectives.services import create_objective
    from app.policy import services as policy
    from app.posts.services import create_post
    from app.proposals.channels import active_channels, seed_default_channels
    from tests import factories

    people = {
        key: factories.make_user(name=name, role=role).id
        for key, name, role in [
            ("author", "Xavier Author", "comms"),
            ("leader", "Leah Leader", "leader"),
            ("reader", "Rae Reader", "member"),
            ("moderator", "Moe Moderator", "moderator"),
            ("admin", "Ari Admin", "admin"),
        ]
    }
    admin = db.session.get(User, people["admin"])
    version = policy.publish(admin, [policy.ClauseDraft("respect", "Respect", "Be kind.", "2")], "")
    for user_id in set(people.values()) - {people["admin"]}:  # publishing accepts for the admin
        db.session.add(PolicyAcceptance(user_id=user_id, version_id=version.id))
    db.session.flush()
    people["clause"] = version.clauses[0].id
    author = db.session.get(User, people["author"])
    people["post"] = create_post(author, "A thread for replies").id
    start = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    session = schedule_session(
        author,
        SessionInput(
            title="Q&A",
            description="Ask",
            place="Room 2",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        ),
    )
    qa.set_qa_open(author, session, True)
    people["session"] = session.id
    seed_default_channels()
    people["channel"] = next(c.id for c in active_channels() if c.slug == "facebook")
    people["objective"] = create_objective(
        admin, {"name": "Trust", "description": "", "owner_id": str(people["leader"])}
    ).id
    return people


def fill(field: Field, people: dict, payloads: list[str]) -> tuple[list[str], int]:
    """Write every payload through the field; returns the pages showing them and how many texts the
    field refused (validation), in an app context (committed by the caller)."""
    from app.errors import ValidationError
    from app.extensions import db

    paths, refused = [], 0
    for text in texts_for(field, payloads):
        try:
            with db.session.begin_nested():
                paths.append(field.write(people, text))
        except ValidationError:
            refused += 1
    return sorted(set(paths)), refused
