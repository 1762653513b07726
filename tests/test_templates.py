"""Templates stay readable: no line over 120 characters."""

from pathlib import Path

import pytest

LIMIT = 120
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FILES = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"})


def test_there_are_templates_to_check():
    assert len(FILES) > 30


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_line_is_over_120_characters(path):
    long = [
        f"line {number}: {len(line)} characters"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > LIMIT
    ]
    assert long == [], f"{path.relative_to(TEMPLATES)}: wrap these lines: {long}"
