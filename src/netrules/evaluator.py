"""Compiled rules x network -> a Report: precedence applied, findings aggregated and sorted,
skips counted."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .findings import SEVERITY_ORDER, Findings, Report, RuleSkips, _Group

if TYPE_CHECKING:  # not imported at run time: a cached rule set evaluates without them
    from .checker import Program
    from .compiled import CompiledProgram
    from .model import Network  # (whoever has a network has imported it)

__all__ = ["run"]

_SEVERITY_RANK = SEVERITY_ORDER


def findings_of(
    compiled: CompiledProgram,
    records: list[tuple[int, str, Any, tuple[Any, ...]]],
    summaries: dict[int, Callable[[int, str], str]],
) -> Findings:
    """What the generated function recorded -> the report's findings, unbuilt:
    precedence applied (per subject, or all of a rule), the findings of an aggregating
    rule grouped per severity when there are two or more, sorted by severity, rule,
    subject kind and id (an aggregated finding's id is ``*``)."""
    outputs = compiled.outputs
    if not records:
        return Findings((), outputs)
    # The records of each rule, in the order they were made (one pass; the rest works
    # per rule, so its cost follows the rules that fired, not the findings)
    by_rule: dict[int, list[tuple[int, str, Any, tuple[Any, ...]]]] = {}
    for rec in records:
        bucket = by_rule.get(rec[0])
        if bucket is None:
            by_rule[rec[0]] = [rec]
        else:
            bucket.append(rec)
    suppressions, hides_all = compiled.suppressions_by_index, compiled.hides_all_by_index
    hidden: dict[int, set[str]] = {}
    hidden_all: set[int] = set()
    for index, bucket in by_rule.items():
        targets = suppressions.get(index)
        if targets:
            sids = {str(rec[2]) for rec in bucket}
            for target in targets:
                if target in hidden:
                    hidden[target] |= sids
                else:
                    hidden[target] = set(sids)
        every = hides_all.get(index)
        if every:
            hidden_all.update(every)
    keyed: list[tuple[tuple[int, str, str, str], Any]] = []
    for index, bucket in by_rule.items():
        if index in hidden_all:
            continue
        gone = hidden.get(index)
        if gone:
            bucket = [rec for rec in bucket if str(rec[2]) not in gone]
            if not bucket:
                continue
        info = outputs[index]
        assert info is not None
        rule, kind = info.rule, info.kind
        if index not in summaries:
            keyed += [((_SEVERITY_RANK[rec[1]], rule, kind, str(rec[2])), rec) for rec in bucket]
            continue
        severities = {rec[1] for rec in bucket}
        for severity in severities:
            group = bucket if len(severities) == 1 else [r for r in bucket if r[1] == severity]
            if len(group) < 2:
                rec = group[0]
                keyed.append(((_SEVERITY_RANK[severity], rule, kind, str(rec[2])), rec))
            else:
                keyed.append(
                    ((_SEVERITY_RANK[severity], rule, kind, "*"), _Group(index, severity, group))
                )
    keyed.sort(key=_first)
    return Findings([entry for _key, entry in keyed], outputs, summaries)


def _first(pair: tuple[Any, Any]) -> Any:
    return pair[0]


def run(
    prog: Program | None,
    compiled: CompiledProgram,
    network: Network,
    as_of: _dt.date,
    params: dict[str, Any],
    tables: dict[str, tuple[dict[str, Any], Any]],
) -> Report:
    """Evaluate once; deterministic for the same network, as_of and parameters.

    The generated function records what fired (:func:`outcome` orders it; the
    findings are built when read, see :class:`~netrules.findings.Findings`);
    ``raw_skips`` counts the subjects a rule could not judge by ``(rule index,
    missing fields)``.
    """
    records, raw_skips, summaries = compiled.function(network, as_of, params, tables)
    findings, skipped = outcome(compiled, records, raw_skips, summaries)
    summary_net: dict[str, Any] = network.counts()
    summary_net["connection_count"] = network.member.connection_count
    if network.skipped:
        summary_net["skipped"] = [
            {"file": s.file, "reason": s.reason, "count": s.count} for s in network.skipped
        ]
    return Report(
        as_of,
        summary_net,
        findings,
        skipped,
        network.member.name,
        assumptions(network, as_of) if network.facts else (),
    )


def outcome(
    compiled: CompiledProgram,
    records: list[tuple[int, str, Any, tuple[Any, ...]]],
    raw_skips: dict[tuple[int, tuple[str, ...]], int],
    summaries: dict[int, Callable[[int, str], str]],
) -> tuple[Findings, tuple[RuleSkips, ...]]:
    """What the generated function recorded -> the findings (:func:`findings_of`) and
    the skips per rule.  The batch function's rows go through here too (batch.py),
    so both paths finish alike."""
    findings = findings_of(compiled, records, summaries)
    skipped: tuple[RuleSkips, ...] = ()
    if raw_skips:
        rule_ids = compiled.rule_ids
        skips: dict[str, dict[str, int]] = {}
        counts: dict[str, int] = {}
        for (index, missing), times in raw_skips.items():  # first seen first
            rid = rule_ids[index]
            counts[rid] = counts.get(rid, 0) + times
            fields = skips.setdefault(rid, {})
            for name in missing or ("unknown value",):
                fields[name] = fields.get(name, 0) + times
        skipped = tuple(RuleSkips(rid, counts[rid], skips[rid]) for rid in sorted(counts))
    return findings, skipped


def assumptions(network: Network, as_of: _dt.date) -> tuple[dict[str, Any], ...]:
    """The provenance records for the report, with the day actually used: an
    ``as_of`` given to the evaluation (``--as-of``) is declared."""
    from .model import Fact

    out = []
    for fact in network.facts:
        if fact.name == "as_of" and fact.value != as_of:
            fact = Fact(
                "as_of",
                as_of,
                "declared",
                "high",
                None,
                "the day you asked for",
                (f"--as-of {as_of.isoformat()}",),
                "change --as-of",
            )
        out.append(fact.to_dict())
    return tuple(out)
