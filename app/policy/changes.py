"""What changed between two policy versions: clauses added, changed (with a word diff) and removed."""

import difflib
from dataclasses import dataclass, field

from app.models import PolicyClause, PolicyVersion


@dataclass
class ClauseChange:
    """One clause's change; `words` is the word diff of its text as (op, text), op equal/insert/delete."""

    kind: str  # added, changed, removed or same
    clause: PolicyClause  # the new clause (the old one when removed)
    old: PolicyClause | None = None
    words: list[tuple[str, str]] = field(default_factory=list)

    @property
    def title_changed(self) -> bool:
        """Whether the clause was renamed."""
        return self.old is not None and self.old.title != self.clause.title


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A word-level diff as (op, text) runs: equal, delete (only in before) and insert (only in after)."""
    a, b = before.split(), after.split()
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("insert", " ".join(b[j1:j2])))
    return runs


def compare(old: PolicyVersion | None, new: PolicyVersion) -> list[ClauseChange]:
    """Clause by clause, matched on each clause's key: the new version's clauses in order, then removals."""
    before = {c.key: c for c in (old.clauses if old else [])}
    changes: list[ClauseChange] = []
    for clause in new.clauses:
        previous = before.pop(clause.key, None)
        if previous is None:
            changes.append(ClauseChange("added", clause))
        elif (previous.title, previous.body, previous.severity) != (
            clause.title,
            clause.body,
            clause.severity,
        ):
            changes.append(ClauseChange("changed", clause, previous, word_diff(previous.body, clause.body)))
        else:
            changes.append(ClauseChange("same", clause, previous))
    changes.extend(ClauseChange("removed", clause) for clause in before.values())
    return changes


def has_changes(changes: list[ClauseChange]) -> bool:
    """True if any clause was added, changed or removed."""
    return any(change.kind != "same" for change in changes)
