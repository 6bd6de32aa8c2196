"""docs/rules.md is generated from the pack and must match it."""

from __future__ import annotations

from pathlib import Path

import netrules
from netrules.docgen import rules_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_rules_md_is_up_to_date() -> None:
    """Regenerate with: netrules rules --format markdown > docs/rules.md"""
    expected = rules_markdown(netrules.load_rules())
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == expected
