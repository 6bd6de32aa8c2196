"""Checks beyond errors: what a reviewer of a rule file would ask about.

The rules load fine; lint looks for what makes them weaker than they should
be (no reason given, no examples, names nobody uses, a condition that cannot
change).  Every check has a stable code (``NLxxx``), a name, a why and a fix,
and reports in the diagnostic format of the checker.  A finding is silenced
by ``# netrules: ignore[CODE]`` on its line or on a comment line right above
it (``# netrules: ignore`` silences every code there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import attrs

from . import nodes as n
from .diagnostics import Diagnostic, Span

__all__ = ["CHECKS", "Check", "lint", "select"]


@attrs.frozen
class Check:
    """One lint check: its stable code and name, why it matters, how to fix it."""

    code: str
    name: str
    why: str
    fix: str


CHECKS: dict[str, Check] = {
    c.code: c
    for c in (
        Check(
            "NL101",
            "rule-without-why",
            "A reader (and `netrules explain`) cannot tell why the rule exists.",
            'add `why "..."`: what goes wrong for the member when the rule fires',
        ),
        Check(
            "NL102",
            "rule-without-source",
            "Advice without a source cannot be checked or trusted.",
            'add `source "..."`: the article, guide or policy the rule comes from',
        ),
        Check(
            "NL103",
            "rule-without-examples",
            "Without examples nothing shows that the rule fires when it should.",
            "add `example fires {...}` and `example passes {...}`",
        ),
        Check(
            "NL104",
            "one-sided-examples",
            "Examples on one side only cannot catch a rule that fires always (or never).",
            "add an example of the other kind (`fires` or `passes`)",
        ),
        Check(
            "NL201",
            "unused-param",
            "A parameter no rule reads misleads whoever tunes it.",
            "remove it or use it in a rule",
        ),
        Check(
            "NL202",
            "unused-advice",
            "Advice no rule attaches is never shown.",
            "attach it to a rule with `advice NAME` or remove it",
        ),
        Check(
            "NL203",
            "unused-table",
            "A table no rule looks up is dead data.",
            "look it up in a rule (`NAME[key]`) or remove it",
        ),
        Check(
            "NL204",
            "unused-definition",
            "A definition no rule uses is dead code.",
            "use it in a rule or remove it",
        ),
        Check(
            "NL301",
            "message-without-value",
            "A message that shows no value from the evidence reads the same for everyone.",
            "show the value that made the rule fire, e.g. `{member.connection_count}`",
        ),
        Check(
            "NL302",
            "constant-condition",
            "A condition that reads no member, connection or date is decided before any "
            "network is seen: the rule fires for everyone or for no one.",
            "make the condition read the network, or remove the rule",
        ),
        Check(
            "NL303",
            "param-without-reason",
            "A threshold without a reason cannot be judged or tuned.",
            'add the reason as a string after the value: `param x = 3 "why three"`',
        ),
        Check(
            "NL304",
            "error-may-be-unknown",
            "An error should be certain, but this condition can be unknown (a field the "
            "input may lack): on such input the rule is skipped, not fired.",
            "decide the unknown case (`known(x) and ...`, `x ?? default`) or lower the severity",
        ),
        Check(
            "NL305",
            "overlapping-rules",
            "Two rules with the same subject and the same condition report the same thing twice.",
            "merge them, or make one `suppresses` the other",
        ),
        Check(
            "NL306",
            "open-range-not-last",
            "Tables are read top to bottom: an open range (`500+`) before other rows "
            "hides the rows that follow it from a reader.",
            "move the open-ended row to the end of the table",
        ),
    )
}
_BY_NAME = {c.name: c.code for c in CHECKS.values()}
_IGNORE = re.compile(r"#\s*netrules:\s*ignore(?:\[([A-Za-z0-9_, -]*)\])?")
_ROOTS = frozenset(("member", "as_of", "connections", "invitations", "removals"))
_ROOTS = _ROOTS | {"recommendations_given"}


def select(
    diagnostics: Iterable[Diagnostic],
    selected: Sequence[str] = (),
    ignored: Sequence[str] = (),
) -> list[Diagnostic]:
    """Keep the diagnostics ``selected`` picks (all when empty) and ``ignored`` does not.

    Both take codes, code prefixes (``NL1``) or check names (``rule-without-why``).
    """

    def matches(code: str, patterns: Sequence[str]) -> bool:
        for p in patterns:
            p = _BY_NAME.get(p, p).upper()
            if code.startswith(p):
                return True
        return False

    return [
        d
        for d in diagnostics
        if (not selected or matches(d.code, selected)) and not matches(d.code, ignored)
    ]


def unknown_selectors(patterns: Sequence[str]) -> list[str]:
    """The patterns that name no check (a typo in ``--select``/``--ignore``)."""
    codes = list(CHECKS)
    return [
        p for p in patterns if p not in _BY_NAME and not any(c.startswith(p.upper()) for c in codes)
    ]


# ---------------------------------------------------------------- walking nodes
def _children(node: Any) -> Iterator[Any]:
    if isinstance(node, (tuple, list)):
        yield from node
        return
    if not attrs.has(type(node)) or type(node).__module__ != n.__name__:
        return
    for field in attrs.fields(type(node)):
        if field.name == "span" or field.name.endswith("_span") or field.name == "examples":
            continue
        yield getattr(node, field.name)


def _walk(node: Any) -> Iterator[Any]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur is None or isinstance(cur, (str, int, float, bool)):
            continue
        if attrs.has(type(cur)) and type(cur).__module__ == n.__name__:
            yield cur
        stack.extend(_children(cur))


def _shape(node: Any) -> Any:
    """A node as nested tuples without positions: equal shapes mean the same expression."""
    if isinstance(node, tuple):
        return tuple(_shape(v) for v in node)
    if not attrs.has(type(node)) or type(node).__module__ != n.__name__:
        return (type(node).__name__, node) if isinstance(node, float) else node
    return (type(node).__name__,) + tuple(
        _shape(getattr(node, f.name))
        for f in attrs.fields(type(node))
        if f.name != "span" and not f.name.endswith("_span")
    )


def _rule_parts(rule: n.Rule) -> list[Any]:
    return [rule.for_each, rule.when, rule.lower, rule.message, rule.evidence]


class _Linter:
    def __init__(self, ruleset: Any, paths: set[str]):
        self.ruleset = ruleset
        self.program = ruleset.program
        self.files: list[n.RuleFile] = list(ruleset._files)
        self.paths = paths
        self.out: list[Diagnostic] = []
        self.lines = {f.path: f.text.splitlines() for f in self.files}

    def add(self, code: str, message: str, path: str, span: Span) -> None:
        if path not in self.paths:
            return
        lines = self.lines.get(path, [])
        source = lines[span.line - 1] if 0 < span.line <= len(lines) else None
        fix = CHECKS[code].fix
        self.out.append(Diagnostic(code, "warning", message, path, span, fix, source))

    def run(self) -> list[Diagnostic]:
        self.rules()
        self.unused()
        self.params()
        self.tables()
        self.overlaps()
        return [d for d in self.out if not self.ignored(d)]

    def ignored(self, d: Diagnostic) -> bool:
        lines = self.lines.get(d.path, [])
        for number in (d.line, d.line - 1):
            if not 0 < number <= len(lines):
                continue
            line = lines[number - 1]
            if number != d.line and not line.lstrip().startswith("#"):
                continue
            for m in _IGNORE.finditer(line):
                if m.group(1) is None:
                    return True
                codes = [c.strip() for c in m.group(1).split(",") if c.strip()]
                if any(d.code == _BY_NAME.get(c, c).upper() for c in codes):
                    return True
        return False

    # -- per rule
    def rules(self) -> None:
        tested: dict[str, set[str]] = {}
        for case in self.ruleset.examples():
            if case.rule is not None:
                kind = "fires" if case.rule in case.fires else "passes"
                tested.setdefault(case.rule, set()).add(kind)
            for rid in case.fires:
                tested.setdefault(rid, set()).add("fires")
            for rid in case.passes:
                tested.setdefault(rid, set()).add("passes")
        for info in self.program.rules:
            r, path = info.node, info.path
            where = r.id_span
            if r.why is None:
                self.add("NL101", f'rule "{r.id}" has no why', path, where)
            if r.source is None:
                self.add("NL102", f'rule "{r.id}" has no source', path, where)
            kinds = tested.get(r.id, set())
            if not kinds:
                self.add("NL103", f'rule "{r.id}" has no examples', path, where)
            elif len(kinds) == 1:
                (only,) = kinds
                self.add("NL104", f'rule "{r.id}" has only "{only}" examples', path, where)
            if r.message is not None and all(isinstance(p, str) for p in r.message.parts):
                self.add("NL301", "the message shows no value", path, r.message.span)
            if r.when is not None and self.constant(r.when):
                self.add("NL302", "the condition does not depend on the network", path, r.when.span)
            if (
                r.severity == "error"
                and r.when is not None
                and self.program.types.get(id(r.when), ("", False))[1]
            ):
                self.add(
                    "NL304",
                    f'rule "{r.id}" is an error but its condition can be unknown',
                    path,
                    r.when.span,
                )

    def constant(self, expr: Any) -> bool:
        """Whether ``expr`` reads nothing of the network (after expanding definitions)."""
        seen: set[str] = set()
        stack = [expr]
        while stack:
            for node in _walk(stack.pop()):
                if isinstance(node, n.Aggregate):
                    return False  # aggregates read a collection
                if isinstance(node, n.Call) and id(node) in self.program.expansions:
                    stack.append(self.program.expansions[id(node)])
                if isinstance(node, n.Name):
                    name = node.name
                    if name in _ROOTS or name == "group":
                        return False
                    if name in self.program.defines and name not in seen:
                        seen.add(name)
                        stack.append(self.program.defines[name].body)
                    elif (
                        name not in self.program.params
                        and name not in self.program.defines
                        and name not in self.program.tables
                    ):
                        return False  # a loop variable or a definition's parameter
        return True

    # -- names nobody uses
    def used_names(self) -> tuple[set[str], set[str]]:
        names: set[str] = set()
        advice: set[str] = set()
        stack: list[Any] = []
        for f in self.files:
            for item in f.items:
                if isinstance(item, n.Rule):
                    stack.extend(_rule_parts(item))
                    advice.update(ref for ref, is_name, _ in item.advice if is_name)
        done: set[str] = set()
        while stack:
            for node in _walk(stack.pop()):
                if isinstance(node, n.Name):
                    names.add(node.name)
                    define = self.program.defines.get(node.name)
                    if define is not None and node.name not in done:
                        done.add(node.name)
                        stack.append(define.body)
                elif isinstance(node, n.Call):
                    names.add(node.func)
                    define = self.program.defines.get(node.func)
                    if define is not None and node.func not in done:
                        done.add(node.func)
                        stack.append(define.body)
        return names, advice

    def unused(self) -> None:
        names, advice = self.used_names()
        for f in self.files:
            for item in f.items:
                if isinstance(item, n.Param) and item.name not in names:
                    self.add("NL201", f"parameter '{item.name}' is never used", f.path, item.span)
                elif isinstance(item, n.Advice) and item.name not in advice:
                    self.add("NL202", f"advice '{item.name}' is never used", f.path, item.span)
                elif isinstance(item, n.Table) and item.name not in names:
                    self.add("NL203", f"table '{item.name}' is never used", f.path, item.span)
                elif isinstance(item, n.Define) and item.name not in names:
                    self.add("NL204", f"definition '{item.name}' is never used", f.path, item.span)

    def params(self) -> None:
        for f in self.files:
            for item in f.items:
                if isinstance(item, n.Param) and item.doc is None:
                    self.add("NL303", f"parameter '{item.name}' has no reason", f.path, item.span)

    def tables(self) -> None:
        from .values import Range

        for f in self.files:
            for item in f.items:
                if not isinstance(item, n.Table):
                    continue
                rows = [r for r in item.rows if r.key is not None]
                for row in rows[:-1]:
                    value = row.value.value
                    if isinstance(value, Range) and value.high is None:
                        self.add(
                            "NL306",
                            f"open range {value.low}+ is not the last row of '{item.name}'",
                            f.path,
                            row.span,
                        )

    def overlaps(self) -> None:
        seen: dict[Any, str] = {}
        for info in self.program.rules:
            r = info.node
            if r.when is None:
                continue
            key = repr((_shape(r.for_each), _shape(r.when)))
            first = seen.get(key)
            if first is None:
                seen[key] = r.id
                continue
            self.add(
                "NL305",
                f'rule "{r.id}" has the same subject and condition as "{first}"',
                info.path,
                r.id_span,
            )


def lint(ruleset: Any, paths: Iterable[str] | None = None) -> list[Diagnostic]:
    """Lint findings about the files of ``ruleset`` (only those named in ``paths``, if given).

    Sorted by file, line and column; ``# netrules: ignore[...]`` comments applied.
    """
    wanted = {f.path for f in ruleset._files} if paths is None else set(paths)
    found = _Linter(ruleset, wanted).run()
    return sorted(found, key=lambda d: (d.path, d.line, d.column, d.code))
