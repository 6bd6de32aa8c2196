"""Golden files: the rendered diagnostics (Diagnostic.render()) of representative broken files.

Each ``golden/NAME.rules`` has its expected output in ``golden/NAME.txt``.  Run with
``NETRULES_UPDATE_GOLDEN=1`` to rewrite the .txt files after an intended change, then
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import netrules

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.rules"))


def render(name: str) -> str:
    text = (GOLDEN / f"{name}.rules").read_text(encoding="utf-8")
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(texts=[(f"{name}.rules", text)], include_default=False)
    return "\n\n".join(d.render() for d in info.value.diagnostics) + "\n"


@pytest.mark.parametrize("name", CASES)
def test_rendered_diagnostics_match_golden_file(name: str) -> None:
    """Rendered diagnostics (header, source line, caret, hint) match the golden text."""
    actual = render(name)
    expected_path = GOLDEN / f"{name}.txt"
    if os.environ.get("NETRULES_UPDATE_GOLDEN") == "1":
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.read_text(encoding="utf-8") == actual


def test_every_golden_input_has_an_expected_file() -> None:
    """No orphan: each .rules has a .txt and each .txt a .rules."""
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == CASES
