"""Compiled rules x network -> a Report: findings built, suppressions applied, skips counted."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from .checker import Program
from .compiler import CompiledProgram
from .findings import Finding, Report, RuleSkips, Subject
from .model import Network

__all__ = ["run"]


def run(prog: Program, compiled: CompiledProgram, network: Network, as_of: _dt.date,
        params: dict[str, Any], tables: dict[str, tuple[dict[str, Any], Any]]) -> Report:
    """Evaluate once; deterministic for the same network, as_of and parameters."""
    raw, raw_skips = compiled.function(network, as_of, params, tables)
    rules = prog.rules
    findings: list[Finding] = []
    append = findings.append
    meta = [(ri.node.id, ri.node.category or "general", ri.subject_kind, ri.advice,
             ri.node.source) for ri in rules]
    for index, subject_id, severity, message, evidence in raw:
        rid, category, kind, advice, source = meta[index]
        append(Finding(rid, severity, category,
                       Subject(kind, "member" if subject_id is None else str(subject_id)),
                       message, evidence, advice, source))
    suppressors = [ri for ri in rules if ri.node.suppresses]
    if suppressors:
        by_rule: dict[str, set[Subject]] = {}
        for f in findings:
            by_rule.setdefault(f.rule, set()).add(f.subject)
        hidden: dict[str, set[Subject]] = {}
        for ri in suppressors:
            subjects = by_rule.get(ri.node.id)
            if subjects:
                for target, _span in ri.node.suppresses:
                    hidden.setdefault(target, set()).update(subjects)
        if hidden:
            findings = [f for f in findings
                        if f.rule not in hidden or f.subject not in hidden[f.rule]]
    findings.sort(key=Finding.sort_key)
    skips: dict[str, dict[str, int]] = {}
    counts: dict[str, int] = {}
    for index, missing in raw_skips:
        rid = rules[index].node.id
        counts[rid] = counts.get(rid, 0) + 1
        fields = skips.setdefault(rid, {})
        for name in missing or ("unknown value",):
            fields[name] = fields.get(name, 0) + 1
    skipped = tuple(RuleSkips(rid, counts[rid], skips[rid]) for rid in sorted(counts))
    summary_net: dict[str, Any] = dict(network.counts())
    summary_net["connection_count"] = network.member.connection_count
    if network.skipped:
        summary_net["skipped"] = [
            {"file": s.file, "reason": s.reason, "count": s.count} for s in network.skipped]
    return Report(as_of, summary_net, tuple(findings), skipped, network.member.name)
