"""The rule author's commands: ``netrules fmt`` and ``netrules lint``.

Kept out of cli.py so that the command line stays one small dispatcher; the
heavy modules (the formatter, the linter, rich) are imported only when a
command runs.  See docs/authoring.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["add_commands", "rule_paths"]


def add_commands(sub: Any) -> dict[str, argparse.ArgumentParser]:
    """Add the authoring sub-commands; each sets ``handler`` (called with args and its parser)."""
    fmt = sub.add_parser(
        "fmt",
        help="format rule files",
        description="Rewrite rule files in the canonical layout, keeping every comment. "
        "With --check or --diff nothing is written.",
    )
    fmt.add_argument("paths", nargs="+", metavar="PATH", help="rule file or folder; - for stdin")
    fmt.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when a file is not formatted"
    )
    fmt.add_argument("--diff", action="store_true", help="write nothing; show what would change")
    fmt.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the diff (auto: on a terminal)",
    )
    fmt.set_defaults(handler=_cmd_fmt)

    lint = sub.add_parser(
        "lint",
        help="check rule files for weaknesses",
        description="Report what makes rules weaker than they should be: missing reasons, "
        "sources and examples, unused names, constant conditions... (codes NLxxx; "
        "--list shows them all). Silence one with '# netrules: ignore[CODE]'.",
    )
    lint.add_argument("paths", nargs="*", metavar="PATH", help="rule file or folder")
    lint.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these checks: codes, prefixes (NL1) or names, comma-separated",
    )
    lint.add_argument(
        "--ignore", action="append", default=[], metavar="CODES", help="leave these checks out"
    )
    lint.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    lint.add_argument("--list", action="store_true", help="list the checks and exit")
    lint.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="highlight the rule text shown (auto: on a terminal)",
    )
    lint.add_argument(
        "--no-default-rules",
        action="store_true",
        help="do not load the bundled pack next to the files (their names must then be their own)",
    )
    lint.set_defaults(handler=_cmd_lint)
    return {"fmt": fmt, "lint": lint}


# ---------------------------------------------------------------- helpers
def rule_paths(paths: Sequence[str]) -> list[Path]:
    """Files named on the command line, folders searched for ``*.rules`` (sorted)."""
    out: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            out.extend(sorted(p for p in path.rglob("*.rules") if p.is_file()))
        else:
            out.append(path)
    return out


def _read(path: Path) -> str:
    from .errors import InputError

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except IsADirectoryError:  # pragma: no cover - folders are expanded before
        raise InputError("is a folder", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not a UTF-8 text file", file=str(path)) from None
    except OSError as exc:
        raise InputError(exc.strerror or "cannot be read", file=str(path)) from None


def _colour(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _print_diff(old: str, new: str, name: str, colour: bool) -> None:
    import difflib

    diff = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"{name} (original)",
            f"{name} (formatted)",
        )
    )
    if colour:
        from .highlight import highlight_diff

        diff = highlight_diff(diff)
    sys.stdout.write(diff)


# ---------------------------------------------------------------- fmt
def _cmd_fmt(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .fmt import format_cached, format_file

    write = not (args.check or args.diff)
    colour = _colour(args.color)
    if "-" in args.paths:
        if len(args.paths) > 1:
            parser.error("'-' (standard input) cannot be combined with other paths")
        text = sys.stdin.read()
        result = format_file(text, "<stdin>")
        if result.text is None:
            for d in result.diagnostics:
                sys.stderr.write(d.render() + "\n")
            return 2
        if args.diff:
            _print_diff(text, result.text, "<stdin>", colour)
        elif not args.check:
            sys.stdout.write(result.text)
        return 1 if args.check and result.changed else 0
    files = rule_paths(args.paths)
    changed = broken = 0
    for path in files:
        text = _read(path)
        result = format_cached(text, str(path))
        if result.text is None:
            broken += 1
            for d in result.diagnostics:
                sys.stderr.write(d.render() + "\n")
            continue
        if not result.changed:
            continue
        changed += 1
        if args.diff:
            _print_diff(text, result.text, str(path), colour)
        if write:
            path.write_text(result.text, encoding="utf-8")
            sys.stderr.write(f"reformatted {path}\n")
        elif args.check:
            sys.stderr.write(f"would reformat {path}\n")
    done = "reformatted" if write else "would be reformatted"
    same = len(files) - changed - broken
    summary = f"{changed} file{'s' if changed != 1 else ''} {done}, {same} unchanged"
    if broken:
        summary += f", {broken} with syntax errors (left alone)"
    sys.stderr.write(summary + "\n")
    if broken:
        return 2
    return 1 if args.check and changed else 0


# ---------------------------------------------------------------- lint
def highlight_diagnostic(text: str) -> str:
    """A rendered diagnostic with its quoted rule line highlighted (``N | code``)."""
    import re

    from .highlight import highlight_rules

    out = []
    for line in text.split("\n"):
        m = re.match(r"(\s*\d+ \| )(.*)$", line)
        if m and m.group(2).strip():
            line = m.group(1) + highlight_rules(m.group(2)).rstrip("\n")
        out.append(line)
    return "\n".join(out)


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


def _cmd_lint(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .lint import CHECKS, lint, select, unknown_selectors

    if args.list:
        for check in CHECKS.values():
            sys.stdout.write(f"{check.code}  {check.name}\n    why: {check.why}\n")
            sys.stdout.write(f"    fix: {check.fix}\n")
        return 0
    if not args.paths:
        parser.error("give at least one rule file or folder")
    selected, ignored = _split(args.select), _split(args.ignore)
    bad = unknown_selectors(selected + ignored)
    if bad:
        parser.error(f"no check is named {', '.join(repr(b) for b in bad)} (see --list)")
    from .ruleset import bundled_rules_dir, load_rules

    files = rule_paths(args.paths)
    for path in files:
        if not path.is_file():
            from .errors import InputError

            raise InputError("no such file", file=str(path))
    try:
        bundled = bundled_rules_dir().resolve()
        own_pack = any(bundled in (p.resolve(), *p.resolve().parents) for p in files)
    except FileNotFoundError:
        own_pack = True
    ruleset = load_rules(*files, include_default=not (args.no_default_rules or own_pack))
    found = select(lint(ruleset, {str(p) for p in files}), selected, ignored)
    if args.format == "json":
        import json

        sys.stdout.write(json.dumps({"diagnostics": [d.to_dict() for d in found]}, indent=2) + "\n")
    else:
        colour = _colour(args.color)
        for d in found:
            text = d.render()
            sys.stdout.write((highlight_diagnostic(text) if colour else text) + "\n")
        count = len(found)
        sys.stderr.write(
            f"{count} problem{'s' if count != 1 else ''} in {len(files)} "
            f"file{'s' if len(files) != 1 else ''}\n"
        )
    return 1 if found else 0


# ---------------------------------------------------------------- explain with values
def add_explain_options(explain: argparse.ArgumentParser) -> None:
    """``explain RULE [INPUT] [--subject ID] [--format text|json]``."""
    explain.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="a network (JSON, export .zip or folder, - for stdin): show the condition "
        "with the value of every part for it",
    )
    explain.add_argument(
        "--subject", metavar="ID", help="the connection, invitation... (or group) to explain"
    )
    explain.add_argument(
        "--format", choices=("text", "json"), default="text", help="with INPUT: text or JSON"
    )
    explain.add_argument(
        "--as-of", dest="explain_as_of", metavar="DATE", help="with INPUT: the day to judge"
    )


class _InputOptions(argparse.Namespace):
    """The options ``check`` reads its input with; any option not given is off (None)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def explain_input(args: argparse.Namespace, ruleset: Any, info: Any) -> int:
    """The verdict of one rule on a network, with the value of every part of its condition."""
    from .cli import _load_input
    from .errors import UsageError
    from .explain import Explanation, explain, explain_all

    network = _load_input(_InputOptions(demo=False, input=args.input))
    rule = info.node.id
    as_of = args.explain_as_of
    if info.subject_kind == "member" or args.subject is not None:
        try:
            explanations: tuple[Explanation, ...] = (
                explain(ruleset, rule, network, subject=args.subject, as_of=as_of),
            )
        except UsageError as exc:
            sys.stderr.write(f"netrules: error: {exc}\n")
            return 2
        if args.format == "json":
            import json

            sys.stdout.write(
                json.dumps([e.to_dict() for e in explanations], indent=2, ensure_ascii=False) + "\n"
            )
        else:
            text = explanations[0].render()
            if _colour("auto"):
                from .highlight import highlight_rules

                text = highlight_rules(text)
            sys.stdout.write(text + "\n")
        return 0
    explanations = explain_all(ruleset, rule, network, as_of=as_of)
    if args.format == "json":
        import json

        sys.stdout.write(
            json.dumps([e.to_dict() for e in explanations], indent=2, ensure_ascii=False) + "\n"
        )
        return 0
    by_verdict: dict[str, list[str]] = {}
    for e in explanations:
        by_verdict.setdefault(e.verdict, []).append(e.subject)
    kind = info.subject_kind
    sys.stdout.write(f"{rule} judges each {kind}: {len(explanations)} in this network\n")
    for verdict in _VERDICTS:
        ids = by_verdict.get(verdict, [])
        if ids:
            shown = ", ".join(ids[:10]) + (f", ... ({len(ids)} in all)" if len(ids) > 10 else "")
            sys.stdout.write(f"  {verdict}: {shown}\n")
    import shlex

    # a real subject to copy (on an export, ids are labels such as "to Ana Ruiz (2024-12-31)")
    first = next((by_verdict[v][0] for v in _VERDICTS if by_verdict.get(v)), "ID")
    command = ["netrules", "explain", rule, args.input, "--subject", first]
    sys.stdout.write(f"explain one with: {shlex.join(command)}\n")
    return 0


_VERDICTS = ("fired", "suppressed", "skipped", "passed", "not-judged")


def definitions_expanded(ruleset: Any, info: Any) -> list[str]:
    """Lines for ``explain RULE``: every definition the rule reads, with its body, in use order."""
    from . import nodes as n
    from .explain import _walk_names
    from .printer import print_expr

    program = ruleset.program
    order: list[str] = []
    stack = [info.node.for_each, info.node.when, info.node.lower, info.node.evidence]
    while stack:
        for name in _walk_names(stack.pop(0), program):
            if name in program.defines and name not in order:
                order.append(name)
                stack.append(program.defines[name].body)
    if not order:
        return []
    lines = ["", "Definitions:"]
    for name in order:
        d: n.Define = program.defines[name]
        params = f"({', '.join(d.params)})" if d.params else ""
        try:
            body = print_expr(d.body)
        except (ValueError, TypeError):  # pragma: no cover - every checked body prints
            body = "..."
        lines.append(f"  {name}{params} = {body}")
    return lines


# ---------------------------------------------------------------- test
def add_test_options(test: argparse.ArgumentParser) -> None:
    """``test --format junit|json``, ``-k PATTERN``, ``--coverage``."""
    test.add_argument(
        "--format",
        choices=("text", "github", "junit", "json"),
        default="text",
        help="text (default), text with GitHub workflow annotations for failures, "
        "JUnit XML for CI systems, or JSON",
    )
    test.add_argument(
        "-k",
        metavar="PATTERN",
        help="only the examples whose file:line, name or rule ids contain PATTERN (* wildcards)",
    )
    test.add_argument(
        "--coverage",
        action="store_true",
        help="also report which outcomes (true/false/unknown) of each rule's condition "
        "the examples produced, and the rules without examples",
    )
    test.add_argument("-o", "--output", metavar="FILE", help="write the junit/json report to FILE")


def run_tests(args: argparse.Namespace, ruleset: Any) -> int:
    """``netrules test`` with the CI options: selection, formats, coverage."""
    import time

    from .testrun import coverage, junit_xml, run_examples, select_cases

    start = time.perf_counter()
    cases = select_cases(ruleset.examples(), args.k)
    outcomes = run_examples(ruleset, cases)
    elapsed = time.perf_counter() - start
    failed = sum(1 for o in outcomes if not o.ok)
    covered = coverage(ruleset, cases, only=_given_files(args)) if args.coverage else None
    if args.format in ("text", "github"):
        from .cli import _test_failure

        for o in outcomes:
            where = f"{o.case.path}:{o.case.line} {o.case.name}"
            if not o.ok:
                _test_failure(args, o.case, where, o.message)
            elif args.verbose:
                sys.stdout.write(f"ok   {where}\n")
        sys.stdout.write(f"{len(outcomes) - failed} passed, {failed} failed")
        skipped = len(ruleset.examples()) - len(cases)
        sys.stdout.write(f" ({skipped} deselected by -k)\n" if args.k else "\n")
        if covered is not None:
            sys.stdout.write(_coverage_text(covered))
        return 1 if failed else 0
    if args.format == "junit":
        text = junit_xml(outcomes, elapsed) + "\n"
    else:
        import json

        data: dict[str, Any] = {
            "passed": len(outcomes) - failed,
            "failed": failed,
            "examples": [o.to_dict() for o in outcomes],
        }
        if covered is not None:
            data["coverage"] = [c.to_dict() for c in covered]
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        if covered is not None and args.format == "junit":
            sys.stdout.write(_coverage_text(covered))
    else:
        sys.stdout.write(text)
    return 1 if failed else 0


def _given_files(args: argparse.Namespace) -> frozenset[str] | None:
    """The rule files named on the command line: coverage is about them (None: every rule)."""
    if not getattr(args, "paths", None):
        return None
    return frozenset(str(p) for p in rule_paths(args.paths))


def _coverage_text(covered: Sequence[Any]) -> str:
    lines = ["", "Coverage of the conditions by the examples (true / false / unknown):"]
    width = max((len(c.rule) for c in covered), default=0)
    for c in covered:
        marks = " ".join(
            (o if o in c.outcomes else "-" * len(o))
            if o in c.wanted or o in c.outcomes or c.can_be_unknown
            else ""
            for o in ("true", "false", "unknown")
        ).rstrip()
        status = "ok" if c.full else "missing " + ", ".join(c.missing)
        if not c.examples:
            status += " (no examples name this rule)"
        lines.append(f"  {c.rule:<{width}}  {marks:<19} {status}")
        if not c.full:
            for text, outcomes in c.parts:
                shown = text if len(text) <= 60 else text[:57] + "..."
                lines.append(f"      {shown}: {', '.join(sorted(outcomes)) or 'never evaluated'}")
    full = sum(1 for c in covered if c.full)
    lines.append(f"{full} of {len(covered)} rules fully covered")
    none = [c.rule for c in covered if not c.examples]
    if none:
        lines.append(f"rules without examples: {', '.join(none)}")
    return "\n".join(lines) + "\n"
