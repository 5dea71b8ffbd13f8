"""The dashboard is a list of sections, each built by one function from the filters.

Extension points: other features add their own section with register_section(). Curated links
("links": clicks, saves and reactions per gem and per curator, app/insights/links_section.py) and
lunch-and-learn sessions ("sessions": RSVPs, attendance, rating, app/insights/sessions_section.py)
are registered this way.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from app.insights.filters import Filters
from app.insights.tables import Table
from app.models import User


@dataclass
class Section:
    """One part of the dashboard: headline figures, charts (each followed by its table) and tables."""

    name: str
    title: str
    intro: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Markup] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table | None:
        """The section's table with this name (for CSV export)."""
        return next((t for t in self.tables if t.name == name), None)


# loader(filters, viewer, privacy threshold) -> Section
Loader = Callable[[Filters, User, int], Section]
_sections: dict[str, tuple[int, Loader]] = {}


def register_section(name: str, loader: Loader, order: int = 100) -> Loader:
    """Add a section to the dashboard (sections appear by order, then name)."""
    _sections[name] = (order, loader)
    return loader


def section_names() -> list[str]:
    """Registered sections in dashboard order."""
    return [name for name, _ in sorted(_sections.items(), key=lambda item: (item[1][0], item[0]))]


def build_section(name: str, filters: Filters, viewer: User, minimum: int) -> Section | None:
    """One section (None if there is no such section)."""
    entry = _sections.get(name)
    return entry[1](filters, viewer, minimum) if entry else None


def dashboard(filters: Filters, viewer: User, minimum: int) -> list[Section]:
    """Every section, in order."""
    return [_sections[name][1](filters, viewer, minimum) for name in section_names()]
