"""Claims the prose docs make about the tool's output, checked against the tool."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import netrules

ROOT = Path(__file__).resolve().parents[2]


def test_tutorial_mistake_is_reported_as_shown() -> None:
    """docs/tutorial.md's misspelt field renders exactly as the tutorial shows it."""
    doc = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    rule = next(
        b for b in re.findall(r"```netrules\n(.*?)```", doc, re.S) if "stale-invitation" in b
    )
    shown = next(b for b in re.findall(r"```text\n(.*?)```", doc, re.S) if "my.rules:" in b)
    broken = rule.replace("i.sent_on < as_of", "i.sent < as_of")
    assert broken != rule
    with pytest.raises(netrules.RuleError) as info:
        netrules.load_rules(include_default=False, texts=[("my.rules", broken)])
    assert shown.rstrip("\n") == info.value.diagnostics[0].render()


def _modules() -> list[str]:
    names = ["netrules"]
    for mod in pkgutil.walk_packages(netrules.__path__, "netrules."):
        if mod.name != "netrules.__main__":  # importing it runs the command line
            names.append(mod.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_module_docstring_examples_hold(name: str) -> None:
    """Every '>>>' example in a module's docstrings runs and shows what it claims."""
    try:
        module = importlib.import_module(name)
    except ImportError as exc:  # an optional extra (the HTML report) is not installed
        pytest.skip(f"{name}: {exc}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False)
    assert 0 == result.failed
