"""The registry every feature plugs into: what it keeps and for how long, what it holds about a person,
what a disclosure of a community includes, and what must be cleaned when a post goes.

A feature adds `app/<feature>/governance.py` calling the register_* functions below; create_app
imports every such module when the governance blueprint is registered (see load()). The core kinds
(posts, replies, notifications, the audit log, profiles ...) are in app/governance/core.py.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from app.models import Community, User

# (post_ids, reply_ids) about to be removed for good: delete files and rows that point at them.
PurgeHook = Callable[[list[int], list[int]], None]
# Rows for which the expression is true are never removed or anonymised by retention.
KeepRule = Callable[[], Any]


@dataclass(frozen=True)
class RetentionKind:
    """One kind of record admins set a retention period for.

    `timestamp` is what its age is measured from; `created` what a hold's date range is compared with
    (default: timestamp). A hold on a person keeps rows where any of `people` is them; a hold on a
    community keeps rows whose `community` is it (a kind without one can't tell, so any community hold
    keeps it). `where` narrows the rows (removed posts only, say). `remove(ids)` and `anonymise(ids)`
    return how many rows changed; without `remove` the rows are deleted by id, without `anonymise`
    the kind can only be removed. `held_also(holds)` is another reason a row is held (a post whose
    replies are under a hold, since removing the post removes them). `identity` names the columns
    that pick out one row when the table has no `id` (a receipt is its update and person): remove
    and anonymise then get tuples of those values.
    """

    key: str
    label: str
    description: str
    model: type
    timestamp: Any
    created: Any = None
    people: tuple = ()
    community: Any = None
    where: Any = None
    remove: Callable[[list[int]], int] | None = None
    anonymise: Callable[[list[int]], int] | None = None
    anonymised: Callable[[], Any] | None = None
    held_also: Callable[[list], Any] | None = None
    identity: tuple = ()

    @property
    def key_columns(self) -> tuple:
        """The columns that pick out one row: `identity`, or the model's id."""
        return self.identity or (self.model.id,)

    @property
    def actions(self) -> tuple[str, ...]:
        """What expiry may do to this kind."""
        return ("delete", "anonymise") if self.anonymise else ("delete",)


@dataclass(frozen=True)
class PersonalData:
    """One kind of personal data, for subject access (collect, files) and erasure (erase).

    `collect(person)` gives JSON-ready rows; `files(person)` (name in the zip, path on disk) pairs;
    `count(person)` a cheap row count for deciding whether to build the download at once or in the
    job runner; `erase(person, placeholder)` carries out an erasure for this kind, crediting anything
    kept to the placeholder account, and returns how many rows changed (None: nothing to erase, the
    description says why it is kept).
    """

    key: str
    label: str
    description: str
    collect: Callable[[User], list[dict]]
    erase: Callable[[User, User], int] | None = None
    files: Callable[[User], list[tuple[str, Path]]] | None = None
    count: Callable[[User], int] | None = None


@dataclass(frozen=True)
class DisclosureKind:
    """What a disclosure export of a community over a date range includes, as CSV columns."""

    key: str
    label: str
    columns: tuple[str, ...]
    collect: Callable[[Community, datetime, datetime], list[dict]]
    files: Callable[[Community, datetime, datetime], list[tuple[str, Path]]] | None = None


def iso(value: datetime | None) -> str | None:
    """A time as exports write it: ISO 8601 in UTC with a Z (None stays None)."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


RETENTION: dict[str, RetentionKind] = {}
PERSONAL_DATA: dict[str, PersonalData] = {}
DISCLOSURE: dict[str, DisclosureKind] = {}
_purge_hooks: list[PurgeHook] = []
_keep_rules: dict[str, list[KeepRule]] = {}


def register_retention(kind: RetentionKind) -> RetentionKind:
    """Let admins set how long this kind of record is kept (and apply it in the retention job)."""
    RETENTION[kind.key] = kind
    return kind


def register_personal_data(kind: PersonalData) -> PersonalData:
    """Include this kind in subject access downloads (and erasure, if it can be erased)."""
    PERSONAL_DATA[kind.key] = kind
    return kind


def register_disclosure(kind: DisclosureKind) -> DisclosureKind:
    """Include this kind in disclosure exports of a community."""
    DISCLOSURE[kind.key] = kind
    return kind


def register_purge_hook(fn: PurgeHook) -> PurgeHook:
    """Be told (in the transaction) before posts and replies are removed for good."""
    if fn not in _purge_hooks:
        _purge_hooks.append(fn)
    return fn


def register_keep_rule(kind: str, rule: KeepRule) -> KeepRule:
    """Never let retention remove or anonymise rows of `kind` for which rule() is true."""
    rules = _keep_rules.setdefault(kind, [])
    if rule not in rules:
        rules.append(rule)
    return rule


def purge_hooks() -> list[PurgeHook]:
    """The registered purge hooks, in registration order."""
    return list(_purge_hooks)


def keep_rules(kind: str) -> list[KeepRule]:
    """The keep rules registered for a kind."""
    return list(_keep_rules.get(kind, ()))


def load(packages: list[str]) -> None:
    """Import the core kinds and each feature package's governance module, if it has one."""
    import_module("app.governance.core")
    for package in packages:
        name = f"app.{package}.governance"
        if package != "governance" and find_spec(name) is not None:
            import_module(name)
