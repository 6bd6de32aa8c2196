"""netrules: a declarative rules language that lints a professional network.

>>> import netrules
>>> rules = netrules.load_rules()                      # the bundled pack
>>> report = rules.evaluate({"member": {"connection_count": 0}})
>>> "zero-connections" in {f.rule for f in report.findings}
True
"""

from __future__ import annotations

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
