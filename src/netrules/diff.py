"""Compare two runs: findings gained, lost and changed, and the facts that moved.

``netrules diff OLD NEW`` compares last month's export with today's (or two JSON
reports); ``netrules check --what-if-remove ID`` compares today's network with the
same network after planned removals.  Findings are matched by rule and subject, as
baselines are (:mod:`netrules.baseline`), so reordering never shows as a change.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

__all__ = [
    "DiffResult",
    "Entry",
    "FactChange",
    "diff_reports",
    "network_facts",
    "remove_connections",
    "render_diff",
]

SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


@attrs.frozen
class Entry:
    """One finding about one subject, as a diff sees it (from a Report or its JSON)."""

    rule: str
    severity: str
    subject: str  # kind:id
    message: str


@attrs.frozen
class FactChange:
    """A fact on both sides: ``old``/``new`` are None when a side does not tell."""

    name: str
    old: float | None
    new: float | None
    share: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "old": self.old, "new": self.new, "share": self.share}


@attrs.frozen
class DiffResult:
    """Gained (only in NEW), lost (only in OLD), changed (severity or message) and facts."""

    old_label: str
    new_label: str
    old_as_of: str | None
    new_as_of: str | None
    gained: tuple[Entry, ...]
    lost: tuple[Entry, ...]
    changed: tuple[tuple[Entry, Entry], ...]
    facts: tuple[FactChange, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        def entry(e: Entry) -> dict[str, Any]:
            return attrs.asdict(e)

        return {
            "old": {"source": self.old_label, "as_of": self.old_as_of},
            "new": {"source": self.new_label, "as_of": self.new_as_of},
            "facts": [f.to_dict() for f in self.facts],
            "gained": [entry(e) for e in self.gained],
            "lost": [entry(e) for e in self.lost],
            "changed": [{"old": entry(a), "new": entry(b)} for a, b in self.changed],
            "summary": {
                "gained": len(self.gained),
                "lost": len(self.lost),
                "changed": len(self.changed),
            },
        }


def entries(report: Any) -> dict[tuple[str, str], Entry]:
    """(rule, subject) -> Entry for a Report or a report's JSON dict (aggregates split)."""
    out: dict[tuple[str, str], Entry] = {}
    if isinstance(report, Mapping):
        for f in report.get("findings", []):
            parts = f.get("subjects") or [f]
            for p in parts:
                s = p["subject"]
                key = f"{s['kind']}:{s['id']}"
                out.setdefault((f["rule"], key), Entry(f["rule"], f["severity"], key, p["message"]))
        return out
    for f in report.findings:
        for p in getattr(f, "subjects", None) or (f,):
            key = f"{p.subject.kind}:{p.subject.id}"
            out.setdefault((f.rule, key), Entry(f.rule, f.severity, key, p.message))
    return out


def _order(e: Entry) -> tuple[int, str, str]:
    return (SEVERITY_RANK.get(e.severity, 9), e.rule, e.subject)


def network_facts(network: Any, as_of: _dt.date | None = None) -> dict[str, float | None]:
    """Connection count, share of outgoing invitations accepted, share of dormant connections.

    Dormant: no recorded exchange within a year of ``as_of``; None when the input
    records no exchanges (an export without messages) or has no connections.
    """
    when = as_of or network.as_of or _dt.date.today()
    count = network.member.connection_count
    decided = [
        i
        for i in network.invitations
        if i.direction == "outgoing" and i.status not in (None, "pending")
    ]
    acceptance = (
        sum(1 for i in decided if i.status == "accepted") / len(decided) if decided else None
    )
    recorded = getattr(network.member, "exchanges_recorded", True)
    dormant: float | None = None
    if network.connections and recorded is not False and recorded is not None:
        cutoff = (
            when.replace(year=when.year - 1)
            if not (when.month == 2 and when.day == 29)
            else (when - _dt.timedelta(days=366))
        )
        quiet = sum(
            1
            for c in network.connections
            if c.last_interaction_on is None or c.last_interaction_on < cutoff
        )
        dormant = quiet / len(network.connections)
    return {"connections": count, "acceptance share": acceptance, "dormant share": dormant}


def report_facts(report: Any) -> dict[str, float | None]:
    """What a report tells of the facts: only the connection count."""
    net = report.get("network", {}) if isinstance(report, Mapping) else report.network
    return {
        "connections": net.get("connection_count"),
        "acceptance share": None,
        "dormant share": None,
    }


def diff_reports(
    old: Any,
    new: Any,
    *,
    old_facts: Mapping[str, float | None] | None = None,
    new_facts: Mapping[str, float | None] | None = None,
    labels: tuple[str, str] = ("OLD", "NEW"),
) -> DiffResult:
    """Compare two reports (Report objects or their JSON dicts)."""
    before, after = entries(old), entries(new)
    gained = sorted((e for k, e in after.items() if k not in before), key=_order)
    lost = sorted((e for k, e in before.items() if k not in after), key=_order)
    changed = sorted(
        (
            (before[k], e)
            for k, e in after.items()
            if k in before and (before[k].severity, before[k].message) != (e.severity, e.message)
        ),
        key=lambda pair: _order(pair[1]),
    )
    facts = []
    if old_facts is not None or new_facts is not None:
        a, b = old_facts or {}, new_facts or {}
        for name in dict.fromkeys([*a, *b]):
            facts.append(FactChange(name, a.get(name), b.get(name), name.endswith("share")))

    def as_of(r: Any) -> str | None:
        if isinstance(r, Mapping):
            day: str | None = r.get("as_of")
            return day
        return str(r.as_of.isoformat())

    return DiffResult(
        labels[0],
        labels[1],
        as_of(old),
        as_of(new),
        tuple(gained),
        tuple(lost),
        tuple(changed),
        tuple(facts),
    )


def _fact_text(f: FactChange) -> str:
    def show(v: float | None) -> str:
        if v is None:
            return "unknown"
        return f"{round(v * 100)}%" if f.share else f"{v:g}"

    line = f"  {f.name:<18} {show(f.old):>8} -> {show(f.new):<8}"
    if f.old is not None and f.new is not None:
        delta = (f.new - f.old) * (100 if f.share else 1)
        unit = " points" if f.share else ""
        if round(delta) != 0 or (not f.share and delta != 0):
            line += (
                f" ({'+' if delta > 0 else ''}{round(delta) if f.share else f'{delta:g}'}{unit})"
            )
        else:
            line += " (no change)"
    return line.rstrip()


def render_diff(result: DiffResult, *, title: str | None = None, limit: int = 50) -> str:
    """The diff for people: facts, then gained, lost and changed findings, then counts."""
    from .terminal import printable

    head = title or (
        f"netrules diff: {result.old_label}"
        + (f" (as of {result.old_as_of})" if result.old_as_of else "")
        + f" -> {result.new_label}"
        + (f" (as of {result.new_as_of})" if result.new_as_of else "")
    )
    out = [head]
    if result.facts:
        out += ["", "Facts"]
        out += [_fact_text(f) for f in result.facts]

    def section(name: str, sign: str, items: Sequence[Entry]) -> None:
        if not items:
            return
        out.extend(["", f"{name} ({len(items)})"])
        for e in items[:limit]:
            out.append(
                f"  {sign} {e.severity:<7} {e.rule} {e.subject}: {' '.join(e.message.split())}"
            )
        if len(items) > limit:
            out.append(f"  … and {len(items) - limit} more")

    section("Findings gained", "+", result.gained)
    section("Findings gone", "-", result.lost)
    if result.changed:
        out.extend(["", f"Findings changed ({len(result.changed)})"])
        for a, b in result.changed[:limit]:
            sev = a.severity if a.severity == b.severity else f"{a.severity}->{b.severity}"
            out.append(f"  ~ {sev} {b.rule} {b.subject}:")
            out.append(f"      was: {' '.join(a.message.split())}")
            out.append(f"      now: {' '.join(b.message.split())}")
        if len(result.changed) > limit:
            out.append(f"  … and {len(result.changed) - limit} more")
    out += [
        "",
        f"Summary: {len(result.gained)} gained, {len(result.lost)} gone, "
        f"{len(result.changed)} changed",
    ]
    return "\n".join(printable(line) for line in out) + "\n"


def diff_json(result: DiffResult) -> str:
    from .terminal import json_printable

    return json_printable(json.dumps(result.to_dict(), indent=2, ensure_ascii=False)) + "\n"


def remove_connections(network: Any, refs: Iterable[str], *, source: str) -> tuple[Any, list[str]]:
    """The network without these connections (ids, profile URLs or names), and their ids.

    The member's connection count drops by as many; planned removals of them go too
    (they would be done).  An unknown or ambiguous reference raises InputError.
    """
    from .errors import InputError
    from .loaders.json_doc import _Bad
    from .loaders.overlay import _Resolver

    resolver = _Resolver(network.connections)
    ids: list[str] = []
    for i, ref in enumerate(refs):
        try:
            cid = network.connections[resolver.find(ref, f"[{i}]")].id
        except _Bad as bad:
            raise InputError(bad.message, file=source, location=bad.path or None) from None
        if cid not in ids:
            ids.append(cid)
    gone = set(ids)
    member = network.member
    member = attrs.evolve(member, connection_count=max(0, member.connection_count - len(gone)))
    return (
        attrs.evolve(
            network,
            member=member,
            connections=tuple(c for c in network.connections if c.id not in gone),
            removals=tuple(r for r in network.removals if r.connection not in gone),
        ),
        ids,
    )
