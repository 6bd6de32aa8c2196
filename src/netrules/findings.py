"""What an evaluation returns: findings about subjects, and the report around them."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

import attrs

from .values import jsonable

__all__ = ["SEVERITY_ORDER", "Finding", "Report", "RuleSkips", "Subject"]

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@attrs.frozen(slots=True, order=True)
class Subject:
    """What a finding is about: ``kind`` (member, connection, company, ...) and ``id``."""

    kind: str
    id: str


@attrs.frozen(slots=True)
class Finding:
    """One result of one rule about one subject.

    ``evidence`` holds the values the rule read (JSON-ready after ``to_dict``);
    ``advice`` is the rule's advice text; ``source`` the article section.
    """

    rule: str
    severity: str
    category: str
    subject: Subject
    message: str
    evidence: dict[str, Any] = attrs.field(factory=dict, hash=False)
    advice: tuple[str, ...] = ()
    source: str | None = None

    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.rule, self.subject.kind, self.subject.id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "category": self.category,
            "subject": {"kind": self.subject.kind, "id": self.subject.id},
            "message": self.message,
            "evidence": jsonable(self.evidence),
            "advice": list(self.advice),
            "source": self.source,
        }


@attrs.frozen(slots=True)
class RuleSkips:
    """Subjects a rule could not judge for missing data, and which fields were missing."""

    rule: str
    count: int
    fields: dict[str, int] = attrs.field(factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "count": self.count, "fields": dict(sorted(self.fields.items()))}


@attrs.frozen(slots=True)
class Report:
    """All findings of one evaluation, sorted by severity, rule and subject."""

    as_of: _dt.date
    network: dict[str, Any]
    findings: tuple[Finding, ...]
    skipped: tuple[RuleSkips, ...] = ()
    member: str | None = None

    @property
    def summary(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            counts[f.severity] += 1
        return counts

    def worst(self) -> str | None:
        """The most severe severity present, or None for a clean report."""
        for sev in ("error", "warning", "info"):
            if any(f.severity == sev for f in self.findings):
                return sev
        return None

    def to_dict(self) -> dict[str, Any]:
        """The documented report format (docs/report-format.md)."""
        return {
            "as_of": self.as_of.isoformat(),
            "network": dict(self.network),
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
            "skipped": [s.to_dict() for s in self.skipped],
        }

    def to_html(self, network: Any, ruleset: Any = None) -> str:
        """The report as one self-contained HTML page (needs the extra ``netrules[html]``).

        ``network`` is the :class:`~netrules.model.Network` the report was computed from
        (the charts draw it); ``ruleset`` supplies rule titles, reasons and target tables.
        """
        from .html_report import render_html

        return render_html(self, network, ruleset)

    def to_json(self, indent: int | None = 2) -> str:
        """Byte-for-byte stable JSON for the same input."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, sort_keys=False)
