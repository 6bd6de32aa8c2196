"""Compiled rules x network -> a Report: precedence applied, findings aggregated and sorted,
skips counted."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

from .checker import Program
from .compiler import CompiledProgram
from .findings import Finding, Report, RuleSkips, Subject, aggregate
from .model import Fact, Network

__all__ = ["run"]

_sort_key = Finding.sort_key


def _aggregate(
    findings: list[Finding],
    extra: list[tuple[Finding, Any, str | None]],
    summaries: dict[str, tuple[Callable[[int, str], str], bool, int]],
) -> list[Finding]:
    """Replace the findings of each aggregating rule, per severity, by one finding
    when there are two or more (after precedence, so hidden subjects are not counted)."""
    keyed = {id(f): (key, label) for f, key, label in extra}
    out: list[Finding] = []
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.rule in summaries:
            groups.setdefault((f.rule, f.severity), []).append(f)
        else:
            out.append(f)
    for (rule, _severity), group in groups.items():
        if len(group) < 2:
            out.extend(group)
            continue
        summary, descending, show = summaries[rule]
        pairs = [keyed[id(f)] for f in group]
        out.append(
            aggregate(
                group,
                [k for k, _ in pairs],
                [label for _, label in pairs],
                descending=descending,
                show=show,
                summary=summary,
            )
        )
    return out


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
    findings, raw_skips, extra, summaries = compiled.function(network, as_of, params, tables)
    findings, skipped = outcome(compiled, findings, raw_skips, extra, summaries)
    summary_net: dict[str, Any] = network.counts()
    summary_net["connection_count"] = network.member.connection_count
    if network.skipped:
        summary_net["skipped"] = [
            {"file": s.file, "reason": s.reason, "count": s.count} for s in network.skipped
        ]
    return Report(
        as_of,
        summary_net,
        tuple(findings),
        skipped,
        network.member.name,
        assumptions(network, as_of) if network.facts else (),
    )


def outcome(
    compiled: CompiledProgram,
    findings: list[Finding],
    raw_skips: dict[tuple[int, tuple[str, ...]], int],
    extra: list[tuple[Finding, Any, str | None]],
    summaries: dict[str, tuple[Callable[[int, str], str], bool, int]],
) -> tuple[list[Finding], tuple[RuleSkips, ...]]:
    """What the generated function recorded -> the findings (precedence applied,
    aggregated, sorted) and the skips per rule.  The batch function's rows go
    through here too (batch.py), so both paths finish alike."""
    if findings:
        suppressions, hides_all = compiled.suppressions, compiled.hides_all
        if suppressions or hides_all:
            hidden: dict[str, set[Subject]] = {}
            hidden_all: set[str] = set()
            for f in findings:
                targets = suppressions.get(f.rule)
                if targets:
                    for target in targets:
                        hidden.setdefault(target, set()).add(f.subject)
                every = hides_all.get(f.rule)
                if every:
                    hidden_all.update(every)
            if hidden or hidden_all:
                findings = [
                    f
                    for f in findings
                    if f.rule not in hidden_all
                    and (f.rule not in hidden or f.subject not in hidden[f.rule])
                ]
        if extra:
            findings = _aggregate(findings, extra, summaries)
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
    return findings, skipped


def assumptions(network: Network, as_of: _dt.date) -> tuple[dict[str, Any], ...]:
    """The provenance records for the report, with the day actually used: an
    ``as_of`` given to the evaluation (``--as-of``) is declared."""
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
