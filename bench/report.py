"""The HTTP benchmark's table (each figure beside its target and the ceiling) and its JSON file."""

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.load import Result
from bench.search import _machine

RESULTS = Path(__file__).with_name("results")


@dataclass
class Row:
    """One line of the table."""

    figure: str
    target: str
    measured: str
    of_ceiling: str = ""
    met: bool | None = None  # None: no target


@dataclass
class Report:
    """Everything one run measured."""

    rows: list[Row] = field(default_factory=list)
    data: dict = field(default_factory=dict)
    ceiling: dict[int, Result] = field(default_factory=dict)

    def load(self, key: str, figure: str, result: Result, target: str = "", met: bool | None = None) -> None:
        """Add an HTTP load figure (req/s and latency), shown against the ceiling at the same concurrency."""
        self.data[key] = asdict(result)
        ceiling = self.ceiling.get(result.concurrency)
        share = f"{result.rps / ceiling.rps:.1%}" if ceiling and ceiling.rps else ""
        bad = f", {result.status_5xx} 5xx" if result.status_5xx else ""
        bad += f", {result.status_4xx} 4xx" if result.status_4xx else ""
        bad += f", {result.errors} socket errors" if result.errors else ""
        measured = f"{result.rps:,.0f} req/s; p50 {result.p50:.1f}, p95 {result.p95:.1f}, p99 {result.p99:.1f} ms{bad}"
        self.rows.append(Row(figure, target, measured, share, met))

    def add(
        self, key: str, figure: str, measured: str, target: str = "", met: bool | None = None, **data
    ) -> None:
        """Add any other figure."""
        self.data[key] = data
        self.rows.append(Row(figure, target, measured, "", met))

    def table(self) -> str:
        """Markdown: figure | target | measured | of ceiling."""
        lines = ["| figure | target | measured | req/s as a share of the ceiling |", "|---|---|---|---|"]
        for row in self.rows:
            mark = "" if row.met is None else (" ✓" if row.met else " ✗ **missed**")
            lines.append(f"| {row.figure} | {row.target}{mark} | {row.measured} | {row.of_ceiling} |")
        return "\n".join(lines)


def machine() -> dict[str, str]:
    """CPU, cores, memory, load, date, commit: what the figures ran on."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    one, five, fifteen = os.getloadavg()
    return {
        "cpu": _machine(),
        "memory": memory,
        "python": platform.python_version(),
        "load": f"{one:.1f} / {five:.1f} / {fifteen:.1f} (1/5/15 min)",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
    }


def write(report: Report, settings: dict, before: dict, after: dict) -> Path:
    """bench/results/http-<time>.json and latest.json (git-ignored), and latest.md (the table)."""
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    document = {
        "settings": settings,
        "machine_before": before,
        "machine_after": after,
        "figures": report.data,
        "rows": [asdict(r) for r in report.rows],
    }
    path = RESULTS / f"http-{stamp}.json"
    text = json.dumps(document, indent=2, default=str)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    header = (
        f"Machine: {before['cpu']}, {before['memory']} RAM; load {before['load']} at the start, "
        f"{after['load']} at the end; {before['date']}, commit {before['commit']}; "
        f"client {settings.get('client')}, {settings.get('duration')} s per figure after a "
        f"{settings.get('warmup')} s warm-up; scale: {settings.get('scale')}.\n\n"
    )
    (RESULTS / "latest.md").write_text(header + report.table() + "\n")
    return path
