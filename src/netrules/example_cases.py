"""Inline examples of a rule set: a case to run, and its outcome (RuleSet.examples()).

Their own module so that loading a rule set does not create these classes.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["ExampleCase", "ExampleResult"]


@attrs.frozen
class ExampleCase:
    """One inline example: where it is, its data and the rule ids expected."""

    name: str
    path: str
    line: int
    rule: str | None
    fires: tuple[str, ...]
    passes: tuple[str, ...]
    data: Any


@attrs.frozen
class ExampleResult:
    """An example's outcome: which expected rules did not fire, which fired unexpectedly."""

    case: ExampleCase
    fired: tuple[str, ...]
    missing: tuple[str, ...]
    unexpected: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.unexpected
