"""Compiled rules x network -> a Report: suppressions applied, findings sorted, skips counted."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from .checker import Program
from .compiler import CompiledProgram
from .findings import Finding, Report, RuleSkips, Subject
from .model import Network

__all__ = ["run"]

_sort_key = Finding.sort_key


def run(
    prog: Program,
    compiled: CompiledProgram,
    network: Network,
    as_of: _dt.date,
    params: dict[str, Any],
    tables: dict[str, tuple[dict[str, Any], Any]],
) -> Report:
    """Evaluate once; deterministic for the same network, as_of and parameters.

    The generated function builds the :class:`Finding` objects itself; ``raw_skips``
    counts the subjects a rule could not judge by ``(rule index, missing fields)``.
    """
    findings, raw_skips = compiled.function(network, as_of, params, tables)
    if findings:
        suppressions = compiled.suppressions
        if suppressions:
            hidden: dict[str, set[Subject]] = {}
            for f in findings:
                targets = suppressions.get(f.rule)
                if targets:
                    for target in targets:
                        hidden.setdefault(target, set()).add(f.subject)
            if hidden:
                findings = [
                    f for f in findings if f.rule not in hidden or f.subject not in hidden[f.rule]
                ]
        findings.sort(key=_sort_key)
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
    summary_net: dict[str, Any] = network.counts()
    summary_net["connection_count"] = network.member.connection_count
    if network.skipped:
        summary_net["skipped"] = [
            {"file": s.file, "reason": s.reason, "count": s.count} for s in network.skipped
        ]
    return Report(as_of, summary_net, tuple(findings), skipped, network.member.name)
