"""The vendored front end: stylesheets that parse as balanced blocks (a merge can silently nest
one feature's rules inside another's @media query)."""

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "static"


@pytest.mark.parametrize("sheet", sorted(STATIC.rglob("*.css")), ids=lambda p: str(p.relative_to(STATIC)))
def test_stylesheet_blocks_balance(sheet):
    depth = 0
    for number, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), start=1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{sheet.name}:{number} closes a block that was never opened"
    assert depth == 0, f"{sheet.name} leaves {depth} block(s) open"
