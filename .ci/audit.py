"""Known-vulnerability check of requirements.txt: pip-audit, with a fallback where it can't look.

pip-audit asks PyPI's per-release JSON (/pypi/<name>/<version>/json) for each resolved dependency.
Where that answers 404 (seen on these machines' PyPI route, which serves only /pypi/<name>/json),
the project-level document still lists the vulnerabilities of the *latest* release: a dependency at
its latest release is checked there; one that is not is reported as unaudited (a warning, never a
silent pass). Vulnerabilities listed in .ci/audit-ignore.txt are allowed until their review date;
an expired entry fails the run, so every exception is looked at again.

Usage: python .ci/audit.py [requirements.txt]   (run with the project's venv python)
"""

import datetime
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

IGNORE_FILE = Path(__file__).with_name("audit-ignore.txt")


def ignored() -> tuple[set[str], list[str]]:
    """(ids still under their review date, problems with the file)."""
    allowed, problems, today = set(), [], datetime.date.today()
    for number, line in enumerate(IGNORE_FILE.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 3 or not parts[2]:
            problems.append(f"{IGNORE_FILE.name}:{number}: need 'ID | review-by YYYY-MM-DD | reason'")
            continue
        vuln_id, review_by, _reason = parts
        try:
            due = datetime.date.fromisoformat(review_by)
        except ValueError:
            problems.append(f"{IGNORE_FILE.name}:{number}: bad review date {review_by!r}")
            continue
        if due < today:
            problems.append(f"{IGNORE_FILE.name}:{number}: {vuln_id} was due for review on {due}")
        else:
            allowed.add(vuln_id)
    return allowed, problems


def latest_release_vulns(name: str, version: str) -> list[str] | None:
    """Vulnerability ids of name==version if it is the latest release, else None (can't tell)."""
    with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json", timeout=20) as response:
        project = json.load(response)
    if project["info"]["version"] != version:
        return None
    return [v["id"] for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main(requirements: str = "requirements.txt") -> int:
    """Audit; print a summary; 1 if anything not ignored is vulnerable or the ignore file is wrong."""
    allowed, problems = ignored()
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "-r", requirements, "-f", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout or "{}")
    found, unaudited, checked = [], [], 0
    for dep in report.get("dependencies", []):
        name, version = dep["name"], dep.get("version")
        if "skip_reason" in dep:
            version = version or dep["skip_reason"].rsplit("(", 1)[-1].rstrip(")")
            vulns = latest_release_vulns(name, version)
            if vulns is None:
                unaudited.append(f"{name} {version}")
                continue
        else:
            vulns = [v["id"] for v in dep.get("vulns", [])]
        checked += 1
        found += [f"{name} {version}: {v}" for v in vulns if v not in allowed]
    print(f"audit: {checked} dependencies checked, {len(found)} vulnerable, {len(unaudited)} not auditable")
    for line in unaudited:
        print(f"  warning: not auditable here (not the latest release): {line}")
    for line in problems + found:
        print(f"  FAIL {line}")
    return 1 if found or problems or not checked else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
