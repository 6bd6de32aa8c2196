"""``netrules test`` for CI: example results as text, JUnit XML or JSON; branch coverage.

Coverage asks, for each rule, which outcomes of its ``when`` the examples
produced (true, false, unknown), and of each part of a top-level ``and``/``or``
chain: a rule whose condition was never false in any example has an untested
branch.  The values come from :mod:`netrules.explain`, so they are the
compiled rules' own.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

import attrs

__all__ = ["Outcome", "RuleCoverage", "coverage", "junit_xml", "run_examples", "select_cases"]


@attrs.frozen
class Outcome:
    """One example's result: passed, or what went wrong."""

    case: Any  # ExampleCase
    ok: bool
    fired: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unexpected: tuple[str, ...] = ()
    error: str | None = None

    @property
    def message(self) -> str:
        if self.error is not None:
            return f"the example cannot run: {self.error}"
        parts = []
        if self.missing:
            parts.append(f"expected to fire: [{', '.join(self.case.fires)}]")
        if self.unexpected:
            parts.append(f"expected not to fire: [{', '.join(self.case.passes)}]")
        parts.append(f"fired: [{', '.join(self.fired)}]")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        c = self.case
        return {
            "path": c.path,
            "line": c.line,
            "name": c.name,
            "rule": c.rule,
            "fires": list(c.fires),
            "passes": list(c.passes),
            "ok": self.ok,
            "fired": list(self.fired),
            "missing": list(self.missing),
            "unexpected": list(self.unexpected),
            "error": self.error,
        }


def select_cases(cases: Sequence[Any], pattern: str | None) -> list[Any]:
    """Cases whose ``path:line name`` or rule ids match ``pattern`` (substring, or glob with ``*``)."""
    if not pattern:
        return list(cases)
    pat = pattern.casefold()
    out = []
    for c in cases:
        hay = " ".join([f"{c.path}:{c.line}", c.name, c.rule or "", *c.fires, *c.passes]).casefold()
        if (("*" in pat or "?" in pat) and fnmatch.fnmatch(hay, f"*{pat}*")) or pat in hay:
            out.append(c)
    return out


def run_examples(ruleset: Any, cases: Sequence[Any]) -> list[Outcome]:
    from .errors import NetrulesError

    out = []
    for case in cases:
        try:
            r = ruleset.run_example(case)
        except NetrulesError as exc:
            out.append(Outcome(case, False, error=str(exc)))
            continue
        out.append(Outcome(case, r.ok, r.fired, r.missing, r.unexpected))
    return out


def junit_xml(outcomes: Sequence[Outcome], elapsed: float = 0.0) -> str:
    """JUnit XML (one testsuite, one testcase per example) for CI systems."""
    from xml.etree import ElementTree as ET

    failures = sum(1 for o in outcomes if not o.ok and o.error is None)
    errors = sum(1 for o in outcomes if o.error is not None)
    suite = ET.Element(
        "testsuite",
        name="netrules",
        tests=str(len(outcomes)),
        failures=str(failures),
        errors=str(errors),
        skipped="0",
        time=f"{elapsed:.3f}",
    )
    for o in outcomes:
        c = o.case
        case = ET.SubElement(
            suite,
            "testcase",
            classname=c.path.replace("<bundled>", "bundled")
            .replace("/", ".")
            .removesuffix(".rules"),
            name=c.name if f"line {c.line}" in c.name else f"{c.name} (line {c.line})",
            file=c.path,
            line=str(c.line),
        )
        if o.error is not None:
            ET.SubElement(case, "error", message=o.message).text = o.message
        elif not o.ok:
            ET.SubElement(case, "failure", message=o.message).text = o.message
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode")


# ---------------------------------------------------------------- coverage
@attrs.frozen
class RuleCoverage:
    """The outcomes the examples produced for one rule's condition and its parts."""

    rule: str
    path: str
    examples: int  # examples that name the rule
    outcomes: frozenset[str]  # of the whole condition: "true", "false", "unknown"
    can_be_unknown: bool
    parts: tuple[tuple[str, frozenset[str]], ...] = ()  # (text, outcomes) of top-level operands

    @property
    def wanted(self) -> frozenset[str]:
        """True and false: both branches.  Unknown is shown, not required (the checker's
        "can be unknown" is conservative: ``not known(x) or x == ""`` never is)."""
        return frozenset({"true", "false"})

    @property
    def missing(self) -> tuple[str, ...]:
        order = ("true", "false", "unknown")
        return tuple(o for o in order if o in self.wanted and o not in self.outcomes)

    @property
    def full(self) -> bool:
        return not self.missing

    @property
    def unknown_untested(self) -> bool:
        """The condition may be unknown but no example made it so."""
        return self.can_be_unknown and "unknown" not in self.outcomes

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "path": self.path,
            "examples": self.examples,
            "outcomes": sorted(self.outcomes),
            "missing": list(self.missing),
            "can_be_unknown": self.can_be_unknown,
            "parts": [{"text": t, "outcomes": sorted(o)} for t, o in self.parts],
        }


def _outcome(value: Any, evaluated: bool = True) -> str | None:
    if not evaluated:
        return None
    if value is None:
        return "unknown"
    return "true" if value is True else "false"


def coverage(
    ruleset: Any, cases: Sequence[Any], only: frozenset[str] | None = None
) -> list[RuleCoverage]:
    """Branch coverage of every rule's ``when`` by the examples in ``cases``.

    ``only``: the paths of the rule files whose rules are reported (all when None).
    """
    from .explain import _Explainer
    from .loaders.json_doc import network_from_dict
    from .ruleset import EXAMPLE_AS_OF

    networks = []
    for case in cases:
        try:
            network = network_from_dict(case.data, source=f"{case.path}:{case.line}")
        except Exception:  # an invalid example is reported by the run, not here
            continue
        snapshot = ruleset.program.snapshots.get(case.path)
        networks.append((case, network, snapshot))
    out = []
    for info in ruleset.program.rules:
        rid = info.node.id
        if info.node.when is None or (only is not None and str(info.path) not in only):
            continue
        mentioned = [
            c for c, _, _ in networks if c.rule == rid or rid in c.fires or rid in c.passes
        ]
        ex = _Explainer(ruleset, rid)
        seen: set[str] = set()
        part_texts: list[str] = []
        part_seen: dict[int, set[str]] = {}
        for _case, network, snapshot in networks:
            params, tables = snapshot if snapshot else (None, None)
            ex.bind(network, network.as_of or EXAMPLE_AS_OF, params, tables)
            for explanation in ex.all():
                cond = explanation.condition
                if cond is None:
                    continue
                got = _outcome(cond.value, cond.evaluated)
                if got:
                    seen.add(got)
                if not part_texts:
                    part_texts = [p.text for p in cond.parts] if _is_chain(info.node.when) else []
                if part_texts:
                    for i, p in enumerate(cond.parts):
                        o = _outcome(p.value, p.evaluated)
                        if o:
                            part_seen.setdefault(i, set()).add(o)
        can_unknown = bool(ruleset.program.types.get(id(info.node.when), ("", False))[1])
        parts = tuple((t, frozenset(part_seen.get(i, set()))) for i, t in enumerate(part_texts))
        out.append(
            RuleCoverage(rid, info.path, len(mentioned), frozenset(seen), can_unknown, parts)
        )
    return out


def _is_chain(e: Any) -> bool:
    from . import nodes as n

    return isinstance(e, (n.And, n.Or))
