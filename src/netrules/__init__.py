"""netrules: a declarative rules language that lints a professional network.

>>> import netrules
>>> rules = netrules.load_rules()                      # the bundled pack
>>> report = rules.evaluate({"member": {"connection_count": 0}})
>>> "zero-connections" in {f.rule for f in report.findings}
True

The names below are imported on first use (PEP 562), so that ``netrules fmt``
and other commands that need none of the engine start without loading it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, Span
    from .errors import InputError, NetrulesError, RuleError, UnknownRuleError, UsageError
    from .findings import Finding, Findings, Report, RuleSkips, Subject
    from .loaders import load_network
    from .model import (
        Connection,
        Employer,
        Fact,
        Invitation,
        Member,
        Network,
        Recommendation,
        Removal,
        School,
        Skipped,
    )
    from .ruleset import RuleSet, load_rules
    from .values import Duration, Range

__version__ = "0.1.0"

_WHERE = {
    "diagnostics": ("Diagnostic", "Span"),
    "errors": ("InputError", "NetrulesError", "RuleError", "UnknownRuleError", "UsageError"),
    "findings": ("Finding", "Findings", "Report", "RuleSkips", "Subject"),
    "loaders": ("load_network",),
    "model": (
        "Connection",
        "Employer",
        "Fact",
        "Invitation",
        "Member",
        "Network",
        "Recommendation",
        "Removal",
        "School",
        "Skipped",
    ),
    "ruleset": ("RuleSet", "load_rules"),
    "values": ("Duration", "Range"),
}
_MODULE = {name: module for module, names in _WHERE.items() for name in names}

__all__ = [
    "Connection",
    "Diagnostic",
    "Duration",
    "Employer",
    "Fact",
    "Finding",
    "Findings",
    "InputError",
    "Invitation",
    "Member",
    "NetrulesError",
    "Network",
    "Range",
    "Recommendation",
    "Removal",
    "Report",
    "RuleError",
    "RuleSet",
    "RuleSkips",
    "School",
    "Skipped",
    "Span",
    "Subject",
    "UnknownRuleError",
    "UsageError",
    "load_network",
    "load_rules",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is used."""
    module = _MODULE.get(name)
    if module is None:
        raise AttributeError(f"module 'netrules' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULE})
