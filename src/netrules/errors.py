"""The exceptions netrules raises; every one carries enough to point at the cause."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

__all__ = ["InputError", "NetrulesError", "RuleError", "UnknownRuleError", "UsageError"]


class NetrulesError(Exception):
    """Base of every error netrules raises on purpose (bad rules, bad input)."""


class RuleError(NetrulesError):
    """A rule set failed to load; ``diagnostics`` lists every problem found."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(diagnostics)
        super().__init__(self.render())

    def render(self) -> str:
        """The one-line form of every diagnostic, one per line."""
        return "\n".join(d.one_line() for d in self.diagnostics)


class InputError(NetrulesError):
    """Input data could not be read: ``file`` and ``location`` say where.

    ``location`` is a row number (``row 817``) or a JSON path
    (``connections[17].connected_on``), or None when the whole file is at fault.
    """

    def __init__(self, message: str, *, file: str | None = None, location: str | None = None):
        self.message = message
        self.file = file
        self.location = location
        where = ":".join(p for p in (file, location) if p)
        super().__init__(f"{where}: {message}" if where else message)


class UsageError(NetrulesError, TypeError, ValueError):
    """A public function was called with an argument it cannot take.

    Also a ``TypeError`` and a ``ValueError``, so code that catches those keeps
    working; the message says what was expected and, where there is one, which
    function to call instead (``load_network`` for a path given to ``evaluate``).
    """

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class UnknownRuleError(UsageError, KeyError):
    """``RuleSet.rule(rule_id)`` found no active rule with that id (also a ``KeyError``)."""

    def __init__(self, rule_id: str, hint: str | None = None):
        self.rule_id = rule_id
        self.hint = hint
        super().__init__(
            f"unknown rule {rule_id!r}" + (f"; did you mean {hint!r}?" if hint else "")
        )
