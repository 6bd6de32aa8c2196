"""What an evaluation returns: findings about subjects, and the report around them."""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .values import jsonable

__all__ = [
    "SEVERITY_ORDER",
    "Finding",
    "Origin",
    "Report",
    "RuleSkips",
    "Subject",
    "aggregate",
    "name_list",
]

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

    An *aggregated* finding (a rule with ``aggregate { ... }`` that fired for two
    or more subjects at one severity) has the subject ``(kind, "*")``, the
    summary as its message, ``evidence == {"found": N, "named": [labels]}`` and
    the per-subject findings, in the rule's order, in ``subjects``.
    """

    rule: str
    severity: str
    category: str
    subject: Subject
    message: str
    evidence: dict[str, Any] = attrs.field(factory=dict, hash=False)
    advice: tuple[str, ...] = ()
    source: str | None = None
    subjects: tuple[Finding, ...] = attrs.field(default=(), hash=False)

    @property
    def aggregated(self) -> bool:
        """True for one finding standing for several subjects (see ``subjects``)."""
        return bool(self.subjects)

    def sort_key(self) -> tuple[int, str, str, str]:
        return (SEVERITY_ORDER[self.severity], self.rule, self.subject.kind, self.subject.id)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "category": self.category,
            "subject": {"kind": self.subject.kind, "id": self.subject.id},
            "message": self.message,
            "evidence": jsonable(self.evidence),
            "advice": list(self.advice),
            "source": self.source,
        }
        if self.subjects:
            out["subjects"] = [
                {
                    "subject": {"kind": f.subject.kind, "id": f.subject.id},
                    "message": f.message,
                    "evidence": jsonable(f.evidence),
                }
                for f in self.subjects
            ]
        return out


def name_list(labels: Sequence[str], found: int) -> str:
    """``A``, ``A and B``, ``A, B and C``; ``A, B and 7 more`` when some are not named."""
    labels = list(labels)
    if not labels:
        return f"{found} more" if found else ""
    rest = found - len(labels)
    if rest > 0:
        return ", ".join(labels) + f" and {rest} more"
    if len(labels) == 1:
        return labels[0]
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def aggregate(
    findings: Sequence[Finding],
    keys: Sequence[Any],
    labels: Sequence[str | None],
    *,
    descending: bool,
    show: int,
    summary: Callable[[int, str], str],
) -> Finding:
    """One finding for the findings of one rule at one severity (``aggregate { ... }``).

    Subjects are ordered by ``keys`` (``descending`` or not; unknown keys last;
    ties by subject id); the first ``show`` are named by their label (their
    message when the label is unknown); ``summary(found, names)`` is the message.
    """
    # By (kind, id) as plain tuples: the attrs-generated ``Subject.__lt__`` builds two
    # tuples per comparison, seconds on tens of thousands of subjects.
    items = sorted(
        zip(findings, keys, labels, strict=True),
        key=lambda x: (x[0].subject.kind, x[0].subject.id),
    )
    known = [x for x in items if x[1] is not None]
    known.sort(key=lambda x: x[1], reverse=descending)  # stable: ties stay by id
    ordered = known + [x for x in items if x[1] is None]
    first = ordered[0][0]
    named = [label if label is not None else f.message for f, _k, label in ordered[:show]]
    found = len(ordered)
    return Finding(
        first.rule,
        first.severity,
        first.category,
        Subject(first.subject.kind, "*"),
        summary(found, name_list(named, found)),
        {"found": found, "named": named},
        first.advice,
        first.source,
        tuple(f for f, _k, _l in ordered),
    )


@attrs.frozen(slots=True)
class RuleSkips:
    """Subjects a rule could not judge for missing data, and which fields were missing."""

    rule: str
    count: int
    fields: dict[str, int] = attrs.field(factory=dict, hash=False)

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "count": self.count, "fields": dict(sorted(self.fields.items()))}


@attrs.frozen(slots=True)
class Origin:
    """What a report was evaluated from, for the output that draws the network (HTML).

    References, never copies: ``network`` and ``ruleset`` are the objects
    :meth:`RuleSet.evaluate <netrules.RuleSet.evaluate>` was given, ``params`` the values
    it used when some were overridden.  ``shown`` is the filter the report's own strings
    went through (``--redact``'s pseudonyms, or e-mail hiding), so that the charts and
    tables, drawn from the real network, show what the findings show.
    """

    network: Any = None
    ruleset: Any = None
    params: Mapping[str, Any] | None = None
    shown: Callable[[str], str] | None = None
    redacted: bool = False


@attrs.frozen(slots=True)
class Report:
    """All findings of one evaluation, sorted by severity, rule and subject."""

    as_of: _dt.date
    network: dict[str, Any]
    findings: tuple[Finding, ...]
    skipped: tuple[RuleSkips, ...] = ()
    member: str | None = None
    # What netrules assumed about the member: Fact.to_dict() records (empty for a
    # network document and with infer=False); see docs/report-format.md.
    assumptions: tuple[dict[str, Any], ...] = attrs.field(default=(), hash=False)
    # Set by RuleSet.evaluate: what to_html() draws the charts from (not compared or shown).
    origin: Origin | None = attrs.field(default=None, eq=False, repr=False, hash=False)

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
        out = {
            "as_of": self.as_of.isoformat(),
            "network": dict(self.network),
            "findings": [f.to_dict() for f in self.findings],
            "summary": self.summary,
            "skipped": [s.to_dict() for s in self.skipped],
        }
        if self.assumptions:
            out["assumptions"] = [dict(a) for a in self.assumptions]
        return out

    def to_html(self, network: Any = None, ruleset: Any = None) -> str:
        """The report as one self-contained HTML page (needs the extra ``netrules[html]``).

        The charts draw the network the report was evaluated from, and the rule set
        supplies rule titles, reasons and target tables; both are remembered by
        :meth:`RuleSet.evaluate <netrules.RuleSet.evaluate>`.  Pass them for a report
        made another way.
        """
        from .html_report import render_html

        return render_html(self, network, ruleset)

    def to_json(self, indent: int | None = None) -> str:
        """Byte-for-byte stable JSON for the same input: compact (no spaces) by default,
        ``indent=2`` for people.

        Compact output goes through json's C encoder; any ``indent`` makes json fall back
        to its pure-Python encoder, several times slower on a large report.
        """
        return dumps(self.to_dict(), indent)


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON text of report data: compact through the C encoder, or indented for people."""
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=indent)
