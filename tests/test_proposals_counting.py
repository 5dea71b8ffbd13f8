"""Counting drafts as their channels count them: X's weighted rule (twitter-text config v3) in Python
and in static/js/count.js, both held to the same table of cases (tests/data/x_count_cases.json)."""

import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from app.proposals import counting

ROOT = Path(__file__).resolve().parents[1]
CASES = json.loads((ROOT / "tests" / "data" / "x_count_cases.json").read_text(encoding="utf-8"))
COUNT_JS = ROOT / "static" / "js" / "count.js"


def test_the_table_covers_the_rule():
    notes = " ".join(case["note"] for case in CASES)
    for needed in ("link", "emoji", "CJK", "flag", "ZWJ", "keycap", "normalised", "ellipsis", "limit"):
        assert needed in notes, needed


@pytest.mark.parametrize("case", CASES, ids=[c["note"] for c in CASES])
def test_python_counts_every_case(case):
    assert counting.x_weighted_length(case["text"]) == case["x"]
    assert counting.character_length(case["text"]) == case["characters"]


def test_the_known_figures():
    assert counting.x_weighted_length("a" * 280) == 280
    assert counting.x_weighted_length("\u65e5\u672c") == 4  # CJK counts 2
    assert counting.x_weighted_length("\U0001f468\u200d\U0001f469\u200d\U0001f467") == 2  # one emoji
    long_link = "https://www.northshire.police.uk/" + "x" * 200
    assert counting.x_weighted_length(long_link) == 23
    assert counting.x_weighted_length("See " + long_link + " now") == 4 + 23 + 4


def test_links_and_images():
    assert counting.links("Read bbc.co.uk and https://a.example/x.") == ["bbc.co.uk", "https://a.example/x"]
    assert counting.references_image("Photo: https://cdn.example.com/pact.JPG?size=large")
    assert not counting.references_image("See https://example.com/pact")


def test_the_rule_names_and_unknown_rules():
    assert counting.count("日本", "x_weighted") == 4
    assert counting.count("日本", "characters") == 2
    assert counting.count("日本", "no-such-rule") == 2


def test_hostile_text_counts_quickly():
    for text in ("a." * 10_000, "a-" * 10_000, "http://" * 3_000, "\u200d" * 20_000, ("x" * 60 + ".") * 300):
        started = time.perf_counter()
        counting.x_weighted_length(text)
        counting.links(text)
        assert time.perf_counter() - started < 1.0


@pytest.mark.skipif(
    shutil.which("node") is None, reason="node is not installed (the browser test checks count.js too)"
)
def test_javascript_counts_every_case_the_same():
    script = (
        "const c = require(process.argv[1]); const cases = require(process.argv[2]);"
        "process.stdout.write(JSON.stringify(cases.map(k => [c.xWeightedLength(k.text), c.characterLength(k.text)])));"
    )
    out = subprocess.run(
        ["node", "-e", script, str(COUNT_JS), str(ROOT / "tests" / "data" / "x_count_cases.json")],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    got = json.loads(out.stdout)
    expected = [[case["x"], case["characters"]] for case in CASES]
    mismatches = [(case["note"], g, e) for case, g, e in zip(CASES, got, expected, strict=True) if g != e]
    assert mismatches == []
