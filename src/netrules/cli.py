"""The ``netrules`` command: ``check``, ``rules``, ``explain`` and ``test``.

Exit codes: 0 when nothing is at or above ``--fail-on`` (or every example
passes), 1 when something is (or an example fails), 2 for usage errors, bad
input and bad rule files, 3 for an internal error (a bug in netrules).  No
input ever shows a Python traceback (``NETRULES_DEBUG=1`` shows one for an
internal error).

Startup time matters (``netrules check --demo`` is benchmarked against a bare
interpreter), so heavy modules (rich, the parser, the report renderer) are
imported only where they are used.  See docs/cli.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any, NoReturn, cast

if TYPE_CHECKING:
    import datetime as _dt

    from .config import Config
    from .findings import Report
    from .formats import JsonText
    from .model import Network
    from .ruleset import RuleSet

__all__ = ["main", "run"]

PROG = "netrules"
FORMATS = ("text", "concise", "json", "jsonl", "csv", "markdown", "github", "html")
FAIL_ON = ("error", "warning", "info", "never")
_RANK = {"error": 0, "warning": 1, "info": 2}
_OPTION_OF_PATH = {"<params>": "--param", "<disable>": "--disable", "<select>": "--select"}
MAX_SHOWN = 50  # diagnostics printed in full; the rest are counted


class _Exit(Exception):
    """Leave ``main`` with this exit code (the message is already printed)."""

    def __init__(self, code: int):
        self.code = code


def _columns() -> int:
    """``shutil.get_terminal_size().columns``, without importing shutil: ``COLUMNS`` when
    it is a positive number, else the width of the terminal on standard output, else 80."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    stream = sys.__stdout__
    if stream is None:
        return 80
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help formatter, its width found as argparse finds it but without
    importing shutil (and with it bz2 and lzma): argparse makes a formatter for every
    option it adds, and ``check --demo``, ``fmt`` or ``rules`` need shutil for nothing else."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        if not args and kwargs.get("width") is None:
            kwargs["width"] = _columns() - 2
        super().__init__(prog, *args, **kwargs)


class _Parser(argparse.ArgumentParser):
    """argparse, but errors raise instead of calling sys.exit inside library code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def exit(self, status: int = 0, message: str | None = None) -> Any:
        if message:
            sys.stderr.write(message)
        raise _Exit(status)


# ---------------------------------------------------------------- arguments
def _iso_date(text: str) -> _dt.date:
    from .loaders.json_doc import parse_iso_date

    day = parse_iso_date(text.strip())
    if day is None:
        raise argparse.ArgumentTypeError(
            f"invalid date {text!r}; expected YYYY-MM-DD, e.g. 2025-01-31"
        )
    return day


def _name_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(
            f"invalid parameter {text!r}; expected NAME=VALUE, e.g. small_network=80"
        )
    return name.strip(), value.strip()


def _choice(allowed: Sequence[str], what: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in allowed:
            raise argparse.ArgumentTypeError(
                f"invalid {what} {text!r}; choose from: {', '.join(allowed)}"
            )
        return text

    check.__name__ = what
    return check


def _selectors(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _add_rule_options(p: argparse.ArgumentParser, *, config: bool = True) -> None:
    p.add_argument(
        "--rules",
        metavar="PATH",
        action="append",
        default=[],
        help="also load this rule file or folder of *.rules files (repeatable)",
    )
    p.add_argument(
        "--default-rules",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="load the bundled rule pack (default; --no-default-rules leaves it out)",
    )
    if config:
        p.add_argument(
            "--config",
            metavar="FILE",
            help="read this configuration file instead of looking for netrules.toml "
            "or [tool.netrules] in pyproject.toml",
        )
        p.add_argument("--isolated", action="store_true", help="ignore every configuration file")


def _add_selection_options(p: argparse.ArgumentParser) -> None:
    group = p.add_argument_group("rule selection (by id, category, tag:NAME, severity:LEVEL, all)")
    for flag, what in (
        ("--select", "run only these rules (comma-separated, repeatable)"),
        ("--extend-select", "also run these rules"),
        ("--ignore", "do not run these rules"),
    ):
        group.add_argument(flag, type=_selectors, action="append", metavar="SELECTOR", help=what)
    group.add_argument(
        "--min-severity",
        choices=("error", "warning", "info"),
        default=None,
        help="leave out rules and findings below this severity",
    )


def _authoring_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The ``fmt`` and ``lint`` commands alone (``netrules fmt`` is timed from a cold start)."""
    from .authoring import add_commands

    parser = _Parser(prog=PROG, description="Lint a professional network with declarative rules.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    return parser, add_commands(sub)


def _build_parser(
    only_check: bool = False,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The whole command line; with ``only_check``, the top level and ``check`` alone
    (``netrules check`` then imports neither the authoring nor the batch commands)."""
    from . import __version__
    from .model import CAREER_LEVELS, SITUATIONS

    parser = _Parser(prog=PROG, description="Lint a professional network with declarative rules.")
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser(
        "check",
        help="lint a network and print a report",
        description="Lint a network (a JSON document, a LinkedIn export "
        ".zip or its folder, or - for JSON on stdin).",
    )
    check.add_argument(
        "input",
        nargs="?",
        metavar="INPUT",
        help="network document, export .zip or folder; - reads JSON from stdin",
    )
    check.add_argument("--demo", action="store_true", help="run on the bundled demo network")
    _add_rule_options(check)
    check.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="DATE",
        help="judge the network as of this date (YYYY-MM-DD); default: the "
        "input's own as_of, else today",
    )
    check.add_argument(
        "--param",
        type=_name_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, in rule-language syntax: 80, 1 year, 50%% (repeatable)",
    )
    check.add_argument(
        "--disable",
        action="append",
        default=[],
        metavar="RULE",
        help="do not run this rule (repeatable)",
    )
    _add_selection_options(check)
    check.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="report format (default: text); html needs the extra netrules[html]",
    )
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="exit 1 when a finding is at or above this severity (default: error)",
    )
    check.add_argument(
        "-o",
        "--output",
        metavar="[FORMAT=]FILE",
        action="append",
        default=[],
        help="FORMAT=FILE also writes the report in FORMAT to FILE (repeatable); a plain FILE "
        "takes the report that would go to standard output",
    )
    check.add_argument(
        "--statistics",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="print the number of findings per rule instead of the report",
    )
    what_if = check.add_argument_group("what if")
    what_if.add_argument(
        "--what-if-remove",
        nargs="+",
        action="extend",
        metavar="CONNECTION",
        help="also show the findings as they would be after removing these connections "
        "(ids, profile URLs or names)",
    )
    what_if.add_argument(
        "--what-if",
        metavar="FILE",
        help="the same for the [[removals]] of a TOML or JSON file (the overlay format)",
    )
    ack = check.add_argument_group("acknowledged findings")
    ack.add_argument(
        "--baseline",
        metavar="FILE",
        help="hide the findings recorded in this baseline; report new, fixed, acknowledged",
    )
    ack.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="record the current findings in FILE (TOML) and exit 0",
    )
    privacy = check.add_argument_group("privacy")
    privacy.add_argument(
        "--redact",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="replace names, e-mails, profile URLs and notes by stable pseudonyms",
    )
    privacy.add_argument(
        "--show-emails",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep e-mail addresses in the report (hidden by default)",
    )
    check.add_argument(
        "--pretty",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="indent JSON output (default: only when printed on a terminal)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default=None,
        help="colour the text report (default: auto, only on a terminal without NO_COLOR)",
    )
    ctx = check.add_argument_group("member context (applied on top of --overlay)")
    ctx.add_argument(
        "--overlay",
        metavar="FILE",
        help="TOML or JSON file with member context, relationships, removals",
    )
    ctx.add_argument(
        "--career-level",
        type=_choice(CAREER_LEVELS, "career level"),
        metavar="LEVEL",
        help=f"one of: {', '.join(CAREER_LEVELS)}",
    )
    ctx.add_argument(
        "--job-seeking",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="the member is (or with --no-job-seeking is not) looking for a job",
    )
    ctx.add_argument(
        "--not-job-seeking",
        dest="job_seeking",
        action="store_false",
        default=None,
        help="the member is not looking for a job (same as --no-job-seeking)",
    )
    ctx.add_argument(
        "--situation",
        type=_choice((*SITUATIONS, "none"), "situation"),
        action="append",
        metavar="SITUATION",
        help=f"repeatable; one of: {', '.join(SITUATIONS)}; 'none' says that none applies",
    )
    ctx.add_argument("--industry", metavar="NAME", help="the member's industry")
    ctx.add_argument(
        "--no-infer",
        action="store_true",
        help="derive nothing from an export (career level, job seeking, relationships, "
        "invitation outcomes, ...): use only what its files state",
    )
    if only_check:
        return parser, {"check": check}

    completion = sub.add_parser(
        "completion",
        help="print a shell completion script",
        description="Print a completion script for bash, zsh or fish (see docs/cli.md).",
    )
    completion.add_argument(
        "shell", choices=("bash", "zsh", "fish"), metavar="SHELL", help="bash, zsh or fish"
    )

    diff = sub.add_parser(
        "diff",
        help="compare two inputs or two JSON reports",
        description="Compare two networks (documents, exports) or two JSON reports: findings "
        "gained, gone and changed, and the facts that moved.",
    )
    diff.add_argument("old", metavar="OLD", help="the earlier input or JSON report")
    diff.add_argument("new", metavar="NEW", help="the later input or JSON report")
    _add_rule_options(diff)
    _add_selection_options(diff)
    diff.add_argument(
        "--param",
        type=_name_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter for the inputs (repeatable)",
    )
    diff.add_argument(
        "--disable", action="append", default=[], metavar="RULE", help="do not run this rule"
    )
    diff.add_argument("--overlay", metavar="FILE", help="member context for both inputs")
    diff.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )
    diff.add_argument(
        "--redact",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="replace names, e-mails, profile URLs and notes by stable pseudonyms (two inputs)",
    )
    diff.add_argument(
        "--show-emails",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="keep e-mail addresses (hidden by default)",
    )
    diff.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="never",
        help="exit 1 when a gained finding is at or above this severity (default: never)",
    )

    rules = sub.add_parser(
        "rules",
        help="list the loaded rules",
        description="List the loaded rules: id, severity, category, title.",
    )
    _add_rule_options(rules)
    _add_selection_options(rules)
    rules.add_argument(
        "--format",
        choices=("text", "markdown", "json"),
        default="text",
        help="text table (default), the markdown reference, or JSON",
    )

    explain = sub.add_parser(
        "explain",
        help="explain one rule",
        description="Show why a rule exists, its source, the parameters "
        "it uses, its advice and examples.",
    )
    explain.add_argument("rule", metavar="RULE", help="rule id")
    from .authoring import add_explain_options

    add_explain_options(explain)  # INPUT, --subject, --format: the condition with values
    _add_rule_options(explain)

    test = sub.add_parser(
        "test",
        help="run the rules' inline examples",
        description="Run every inline example of the bundled pack plus "
        "the given rule files or folders.",
    )
    test.add_argument("paths", nargs="*", metavar="PATH", help="rule file or folder")
    test.add_argument(
        "--default-rules",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="load the bundled rule pack (default; --no-default-rules leaves it out)",
    )
    test.add_argument("-v", "--verbose", action="store_true", help="also list passing examples")
    from .authoring import add_test_options

    add_test_options(test)  # --format junit|json, -k, --coverage
    from . import batch_cli
    from .authoring import add_commands

    batch = batch_cli.add_parser(sub, _add_rule_options)
    authoring = add_commands(sub)  # fmt, lint: each sets its own handler
    return parser, {
        "check": check,
        "completion": completion,
        "diff": diff,
        "rules": rules,
        "explain": explain,
        "test": test,
        "batch": batch,
        **authoring,
    }


# ---------------------------------------------------------------- helpers
def _out(text: str = "", stream: IO[str] | None = None, *, is_json: bool = False) -> None:
    """Write to standard output; text from rule files or input never carries escapes."""
    from .terminal import json_printable, printable

    text = json_printable(text) if is_json else printable(text)
    (stream or sys.stdout).write(text + ("" if text.endswith("\n") else "\n"))


def _err(text: str) -> None:
    from .terminal import printable

    sys.stderr.write(f"{PROG}: error: {printable(text)}\n")


def _errline(text: str) -> None:
    from .terminal import printable

    sys.stderr.write(printable(text) + "\n")


def _report_rule_error(err: Any) -> None:
    """The diagnostics of a RuleError on stderr: full form with caret, or option form.

    At most MAX_SHOWN are printed (errors first, in file order), then a count of the
    rest: the output of a broken file stays short however many mistakes it holds.
    """
    for d in err.diagnostics[:MAX_SHOWN]:
        option = _OPTION_OF_PATH.get(d.path)
        if option:
            hint = f" ({d.hint})" if d.hint else ""
            _errline(f"{PROG}: {d.severity}: {option}: {d.message}{hint}")
        else:
            _errline(d.render())
    hidden = len(err.diagnostics) - MAX_SHOWN
    if hidden > 0:
        sys.stderr.write(
            f"{PROG}: ... and {hidden} more diagnostic{'s' if hidden != 1 else ''} "
            f"(the first {MAX_SHOWN} are shown; fix them first)\n"
        )
    errors = sum(1 for d in err.diagnostics if d.severity == "error")
    if not any(d.path in _OPTION_OF_PATH for d in err.diagnostics):
        sys.stderr.write(
            f"{PROG}: {errors} error{'s' if errors != 1 else ''} in the rules; "
            "nothing was checked\n"
        )


def _config(args: argparse.Namespace) -> Config:
    """The configuration file in force: --config, else the nearest one, else none."""
    from .config import Config

    if getattr(args, "isolated", False):
        return Config()
    path = getattr(args, "config", None)
    if path is None:
        from .config import _find_config

        found = _find_config()  # a path as text: no pathlib when there is no file
        if found is None:
            return Config()
        from pathlib import Path

        try:
            path = str(Path(found).relative_to(os.getcwd()))
        except ValueError:
            path = found
    from .config import load_config

    return load_config(path)


def _load_rules(
    args: argparse.Namespace, paths: Sequence[str], config: Config | None = None
) -> RuleSet:
    from .ruleset import load_rules

    default = args.default_rules
    if default is None and config is not None:
        default = config.default_rules
    extra = [*(config.rules if config is not None else ()), *paths]
    ruleset = load_rules(*dict.fromkeys(extra), include_default=default is not False)
    for d in ruleset.warnings:
        _errline(d.one_line())
    return ruleset


def _colour(choice: str, stream: IO[str]) -> bool:
    if choice == "always":
        return True
    if choice == "never":
        return False
    # https://no-color.org and https://force-color.org: NO_COLOR wins when both are set.
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0", "false"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _progress(message: str, stream: IO[str] | None = None) -> Any:
    """A spinner on stderr while something slow runs, only on a terminal."""
    import contextlib

    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return contextlib.nullcontext()
    from rich.console import Console

    console = Console(file=stream, stderr=stream is sys.stderr, highlight=False)
    return console.status(message, spinner="dots")


def _demo_path() -> Any:
    from .cache_key import package_files  # the package's folder, not importlib.resources

    return package_files() / "data" / "demo.json"


def _load_input(args: argparse.Namespace) -> Network:
    from .errors import InputError
    from .loaders import load_network

    if args.demo:
        demo = _demo_path()
        if not demo.is_file():
            raise InputError(
                "the bundled demo data is missing from this installation", file="<demo>"
            )
        import json

        from .loaders.json_doc import network_from_dict

        try:
            data = json.loads(demo.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read the bundled demo data: {exc}", file="<demo>") from None
        return network_from_dict(data, source="<demo>")
    if args.input == "-":
        from .loaders.json_doc import network_from_dict
        from .loaders.reading import MAX_DOCUMENT_BYTES, loads_json, read_stream

        # Bytes, bounded, decoded as UTF-8 whatever the locale says.
        stdin = getattr(sys.stdin, "buffer", None)
        if stdin is not None:
            raw: bytes | str = read_stream(stdin, MAX_DOCUMENT_BYTES, label="<stdin>")
        else:  # a text stream put in place by a caller (tests, embedding)
            raw = sys.stdin.read(MAX_DOCUMENT_BYTES + 1)
            if len(raw) > MAX_DOCUMENT_BYTES:
                raise InputError("larger than the limit for a network document", file="<stdin>")
        data = loads_json(raw, label="<stdin>")
        return network_from_dict(data, source="<stdin>")
    with _progress(f"Loading {args.input} …"):
        return load_network(args.input, infer=not args.no_infer)


def _select(args: argparse.Namespace, config: Config, ruleset: RuleSet) -> RuleSet:
    """Apply --disable, the configuration's selection, then the command line's."""
    from .errors import RuleError

    disable = [*config.disable, *getattr(args, "disable", ())]
    if disable:
        try:
            ruleset = ruleset.disable(*dict.fromkeys(disable))
        except RuleError:
            if config.disable:
                bad = [r for r in config.disable if r not in ruleset.rule_ids()]
                if bad:
                    from .diagnostics import did_you_mean

                    hint = did_you_mean(bad[0], ruleset.rule_ids())
                    raise config.error(
                        "disable",
                        f"cannot disable unknown rule '{bad[0]}'"
                        + (f" (did you mean '{hint}'?)" if hint else ""),
                    ) from None
            raise
    chosen = (args.select, args.extend_select, args.ignore, args.min_severity)
    configured = (config.extend_select, config.ignore, config.min_severity)
    if not any(chosen) and config.select is None and not any(configured):
        return ruleset
    from .selection import Layer, selected_ids

    layers = []
    if config.select is not None or config.extend_select or config.ignore:
        for key, group in (
            ("select", config.select or ()),
            ("extend-select", config.extend_select),
            ("ignore", config.ignore),
        ):
            try:
                selected_ids(ruleset.rules, [Layer(extend_select=tuple(group))])
            except RuleError as exc:
                d = exc.diagnostics[0]
                raise config.error(key, d.message + (f" ({d.hint})" if d.hint else "")) from None
        layers.append(Layer(config.select, config.extend_select, config.ignore, "<config>"))

    def flat(groups: list[list[str]] | None) -> tuple[str, ...]:
        return tuple(s for g in groups or () for s in g)

    if args.select is not None or args.extend_select or args.ignore:
        layers.append(
            Layer(
                None if args.select is None else flat(args.select),
                flat(args.extend_select),
                flat(args.ignore),
            )
        )
    min_severity = args.min_severity or config.min_severity
    if not layers and min_severity is None:
        return ruleset
    return ruleset.select(min_severity=min_severity, layers=layers)


def _params(args: argparse.Namespace, config: Config, ruleset: RuleSet) -> dict[str, Any]:
    """Configuration parameters overlaid with --param; config errors point into the file."""
    from .errors import RuleError

    if config.params:
        try:
            ruleset.resolve_params(config.params)
        except RuleError as exc:
            import re

            d = exc.diagnostics[0]
            m = re.search(r"'([^']+)'", d.message)
            key = f"params.{m.group(1)}" if m else "params"
            raise config.error(key, d.message + (f" ({d.hint})" if d.hint else "")) from None
    params = {**config.params, **dict(args.param)}
    if not params:  # nothing to check (and the checker's range test is not imported)
        return params
    ruleset.resolve_params(params)  # bad names and values fail before the input is read
    for d in ruleset.param_warnings(params):  # a value outside its declared range
        _errline(f"{PROG}: warning: --param: {d.message} ({d.hint})")
    return params


def _apply_context(
    args: argparse.Namespace, network: Network, config: Config | None = None
) -> Network:
    """Member context, each layer winning over the one before: the configuration's
    overlay file, its [member] and [relationships], --overlay, then the options."""
    from .config import Config

    config = config or Config()
    cli: dict[str, Any] = {}
    if args.career_level is not None:
        cli["career_level"] = args.career_level
    if args.job_seeking is not None:
        cli["job_seeking"] = args.job_seeking
    if args.situation:
        cli["situations"] = [s for s in args.situation if s != "none"]
    if args.industry is not None:
        cli["industry"] = args.industry
    layers = (args.overlay, cli, config.overlay, config.member, config.relationships)
    if not any(layers):
        return network
    from .loaders.overlay import apply_overlay, load_overlay

    if config.overlay and not args.overlay:
        network = apply_overlay(network, load_overlay(config.overlay), source=config.overlay)
    if config.member or config.relationships:
        layer: dict[str, Any] = {}
        if config.member:
            layer["member"] = dict(config.member)
        if config.relationships:
            layer["relationships"] = dict(config.relationships)
        network = apply_overlay(network, layer, source=config.path or "<config>")
    if args.overlay:
        network = apply_overlay(network, load_overlay(args.overlay), source=args.overlay)
    if cli:
        network = apply_overlay(network, {"member": cli}, source="<command line>")
    return network


def _fails(report: Report, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    worst = report.worst()
    return worst is not None and _RANK[worst] <= _RANK[fail_on]


def _write(text: str | JsonText, output: str | None) -> None:
    """Write a report to standard output or to a file (UTF-8; a JSON report's parts
    encoded one after the other, see ``formats.JsonText``)."""
    if output is None:
        sys.stdout.write(text if isinstance(text, str) else b"".join(text.utf8()).decode("utf-8"))
        sys.stdout.flush()
        return
    try:
        if not isinstance(text, str):  # a JSON report's text in parts (_render)
            with open(output, "wb") as fh:
                text.write_to(fh)
            return
        with open(output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        _err(f"cannot write {output}: {exc.strerror or exc}")
        raise _Exit(2) from None


# ---------------------------------------------------------------- commands
def _cmd_check(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.demo and args.input is not None:
        parser.error("give either INPUT or --demo, not both")
    if not args.demo and args.input is None:
        parser.error(
            "an INPUT is required (a JSON document, an export .zip or folder), or use --demo"
        )
    config = _config(args)
    ruleset = _select(args, config, _load_rules(args, args.rules, config))
    params = _params(args, config, ruleset)
    if config.infer is False:
        args.no_infer = True
    if _parked is not None and _large_input(args.input):  # run() ends the process after
        _keep_freed_memory()
    network = _apply_context(args, _load_input(args), config)
    report = ruleset.evaluate(network, as_of=args.as_of or config.as_of, params=params)
    fmt = args.format or config.format or "text"
    fail_on = args.fail_on or config.fail_on or "error"
    if args.write_baseline:
        return _write_baseline(report, args.write_baseline)
    from .collector import paused

    # The output builds a JSON form or lines per subject, tens of thousands of small
    # objects and no cycles: collections would only walk the network again and again.
    with paused():
        later = _what_if(args, ruleset, network, report, params)
        report, ctx = _finish(args, config, ruleset, network, report, later)
        outputs, main_file = _outputs(args, config)
        pretty = args.pretty if args.pretty is not None else config.pretty
        for out_fmt, path in outputs.items():
            _write(_render(out_fmt, report, ctx, path, "never", bool(pretty)), path)
        choice = args.color or config.color or "auto"
        if pretty is None:  # JSON for people on a terminal, compact for files and pipes
            pretty = main_file is None and _is_terminal(sys.stdout)
        if args.statistics if args.statistics is not None else config.statistics:
            from .formats import statistics

            _write(statistics(report, ctx, as_json=fmt in ("json", "jsonl")), main_file)
        else:
            _write(_render(fmt, report, ctx, main_file, choice, pretty), main_file)
    _park(network, report, ruleset, ctx, later)  # freed by the OS when run() ends the process
    return 1 if _fails(report, fail_on) else 0


def _cmd_completion(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .completion import completion_script

    _write(completion_script(args.shell, _build_parser()[0], PROG), None)
    return 0


def _cmd_diff(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .diff import diff_json, diff_reports, render_diff

    config = _config(args)
    # the member-context options of `check`, at their defaults, for _apply_context
    full = _build_parser()[1]["check"].parse_args(["--demo"])
    for key, value in vars(args).items():
        setattr(full, key, value)
    state: dict[str, Any] = {}
    sides = [_diff_side(full, config, path, state) for path in (args.old, args.new)]
    (old, old_facts), (new, new_facts) = sides
    redact = args.redact if args.redact is not None else bool(config.redact)
    networks = state.get("networks", [])
    if redact:
        if len(networks) != 2:
            _err("--redact needs two inputs (a JSON report keeps no network to redact with)")
            return 2
        import attrs

        from .redact import Redactor

        first, second = networks
        known = {c.id for c in second.connections}
        merged = attrs.evolve(
            second,
            connections=second.connections
            + tuple(c for c in first.connections if c.id not in known),
            invitations=second.invitations + first.invitations,
        )
        red = Redactor(merged)
        old, new = red.report(old), red.report(new)
    elif not (args.show_emails if args.show_emails is not None else config.show_emails):
        from .redact import hide_emails

        if not isinstance(old, dict) and not isinstance(new, dict):
            old, new = hide_emails(old), hide_emails(new)
    result = diff_reports(
        old, new, old_facts=old_facts, new_facts=new_facts, labels=(args.old, args.new)
    )
    _write(diff_json(result) if args.format == "json" else render_diff(result), None)
    if args.fail_on == "never":
        return 0
    return 1 if any(_RANK[e.severity] <= _RANK[args.fail_on] for e in result.gained) else 0


def _diff_side(
    args: argparse.Namespace, config: Config, path: str, state: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """One side of a diff: a JSON report as it is, or an input evaluated like `check` does."""
    from .diff import network_facts, report_facts

    if path.lower().endswith(".json") and os.path.isfile(path):
        import json

        try:
            with open(path, encoding="utf-8-sig") as fh:
                data = json.load(fh)
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and "findings" in data and "summary" in data:
            return data, report_facts(data)
    if "ruleset" not in state:
        ruleset = _select(args, config, _load_rules(args, args.rules, config))
        state["ruleset"] = ruleset
        state["params"] = _params(args, config, ruleset)
    from .loaders import load_network

    with _progress(f"Loading {path} …"):
        network = load_network(path, infer=config.infer is not False)
    network = _apply_context(args, network, config)
    report = state["ruleset"].evaluate(network, as_of=config.as_of, params=state["params"])
    state.setdefault("networks", []).append(network)
    return report, network_facts(network, report.as_of)


def _write_baseline(report: Report, path: str) -> int:
    from .baseline import baseline_text, finding_keys

    _write(baseline_text(report), path)
    count = len({k for f in report.findings for k in finding_keys(f)})
    sys.stderr.write(
        f"{PROG}: wrote {count} acknowledgement{'s' if count != 1 else ''} to {path}\n"
    )
    return 0


def _what_if(
    args: argparse.Namespace,
    ruleset: RuleSet,
    network: Network,
    report: Report,
    params: dict[str, Any],
) -> tuple[Report, list[str], Network] | None:
    """The report after the planned removals of --what-if-remove / --what-if, if any."""
    refs = list(args.what_if_remove or [])
    source = "--what-if-remove"
    if args.what_if:
        from .loaders.overlay import load_overlay

        plan = load_overlay(args.what_if)
        refs.extend(r["connection"] for r in plan.get("removals") or [])
        source = args.what_if
    if not refs:
        return None
    from .diff import remove_connections

    pruned, ids = remove_connections(network, refs, source=source)
    return ruleset.evaluate(pruned, as_of=report.as_of, params=params), ids, pruned


def _finish(
    args: argparse.Namespace,
    config: Config,
    ruleset: RuleSet,
    network: Network,
    report: Report,
    later: tuple[Report, list[str], Network] | None = None,
) -> tuple[Report, Any]:
    """What-if diff, acknowledgements, then redaction or e-mail hiding; the context
    every format reads."""
    from .formats import Context

    what_if = None
    if later is not None:
        from .diff import diff_reports, network_facts

        after, ids, pruned = later
        before = report
        if args.redact if args.redact is not None else bool(config.redact):
            from .redact import Redactor

            red = Redactor(network)
            before, after = red.report(before), red.report(after)
            ids = [red.key(f"connection:{i}").partition(":")[2] for i in ids]
        elif not (args.show_emails if args.show_emails is not None else config.show_emails):
            from .redact import hide_emails

            before, after = hide_emails(before), hide_emails(after)
        what_if = (
            diff_reports(
                before,
                after,
                old_facts=network_facts(network, report.as_of),
                new_facts=network_facts(pruned, report.as_of),
                labels=("today", "after the removals"),
            ),
            ids,
        )

    acks = list(config.acknowledge)
    baseline_path = args.baseline or config.baseline
    result = None
    if baseline_path:
        from .baseline import load_baseline

        acks.extend(load_baseline(baseline_path))
    if acks or baseline_path:
        from .baseline import apply_acknowledgements

        report, result = apply_acknowledgements(report, acks)
    redact = args.redact if args.redact is not None else bool(config.redact)
    show = args.show_emails if args.show_emails is not None else bool(config.show_emails)
    details: dict[str, Any] = {}
    wants_csv = (
        (args.format or config.format) == "csv"
        or any(o.startswith("csv=") for o in args.output)
        or any(f == "csv" for f, _p in config.output)
    )
    if wants_csv:
        from .redact import subject_details

        details = subject_details(network)
    if redact:
        from .redact import Redactor

        redactor = Redactor(network)
        report = redactor.report(report)
        details = redactor.details(details)
    elif not show:
        from .redact import hide_emails

        report = hide_emails(report)
        if details:
            from .redact import email_re

            for row in details.values():
                for key, value in row.items():
                    if value and "@" in value:
                        row[key] = email_re().sub("[e-mail hidden]", value)
    titles = ruleset._titles()  # (a cached rule set builds no checked program for them)
    ctx = Context(
        titles=titles,
        details=details,
        baseline=result,
        baseline_path=baseline_path,
        redacted=redact,
        network=network,
        ruleset=ruleset,
        what_if=what_if,
    )
    return report, ctx


def _outputs(args: argparse.Namespace, config: Config) -> tuple[dict[str, str], str | None]:
    """Extra FORMAT=FILE outputs (config first, the command line wins) and the main file."""
    outputs = dict(config.output)
    main_file = None
    for item in args.output:
        fmt, sep, path = item.partition("=")
        if sep and fmt in FORMATS and path:
            outputs[fmt] = path
        else:
            main_file = item
    return outputs, main_file


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


TEXT_WIDTH = 100  # the text report's width on a pipe or in a file, without COLUMNS


def _text_width(stream: IO[str] | None) -> int:
    """The width the text report wraps to: ``COLUMNS`` when set to a number, else the
    terminal's width when writing to one, else 100 columns; never under 40."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return max(40, int(env))
    if stream is not None and _is_terminal(stream):
        try:
            return max(40, os.get_terminal_size(stream.fileno()).columns)
        except (OSError, ValueError, AttributeError):
            pass
    return TEXT_WIDTH


def _render(
    fmt: str,
    report: Report,
    ctx: Any,
    main_file: str | None,
    choice: str,
    pretty: bool = False,
) -> str | JsonText:
    """The report in ``fmt``: for a file, a JSON report's text in parts, encoded as it
    is written (``formats.JsonText``); else text."""
    if fmt == "json" and main_file is not None:
        from .findings import Report
        from .formats import _json_text

        if isinstance(report, Report):
            return _json_text(report, ctx, pretty)
    from .formats import render

    color = False
    width = None
    if fmt == "text":
        stream = sys.stdout if main_file is None else None
        color = _colour(choice, stream) if stream is not None else choice == "always"
        width = _text_width(stream)
    return render(fmt, report, ctx, color=color, width=width, pretty=pretty)


def _cmd_rules(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    config = _config(args)
    ruleset = _select(args, config, _load_rules(args, args.rules, config))
    if args.format == "markdown":
        from .docgen import rules_markdown

        _out(rules_markdown(ruleset))
        return 0
    rows = [(r.id, r.severity or "", r.category or "general", r.title or "") for r in ruleset.rules]
    if args.format == "json":
        import json

        _out(
            json.dumps(
                [
                    dict(zip(("id", "severity", "category", "title"), row, strict=False))
                    for row in rows
                ],
                indent=2,
                ensure_ascii=False,
            ),
            is_json=True,
        )
        return 0
    header = ("RULE", "SEVERITY", "CATEGORY", "TITLE")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        cells = [str(c).ljust(w) for c, w in zip(row[:-1], widths, strict=False)] + [row[-1]]
        _out("  ".join(cells).rstrip())
    _out(f"{len(rows)} rule{'s' if len(rows) != 1 else ''}")
    return 0


def _cmd_explain(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    ruleset = _load_rules(args, args.rules, _config(args))
    try:
        info = ruleset.rule(args.rule)
    except KeyError:
        from .diagnostics import did_you_mean

        hint = did_you_mean(args.rule, ruleset.rule_ids())
        _err(
            f"unknown rule '{args.rule}'"
            + (f"; did you mean '{hint}'?" if hint else "")
            + f" ({PROG} rules lists them all; load your own rule files with --rules PATH)"
        )
        return 2
    if args.input is not None:
        from .authoring import explain_input

        return explain_input(args, ruleset, info)
    _out(explain_rule(ruleset, info))
    return 0


def params_used(ruleset: RuleSet, info: Any) -> list[str]:
    """The parameters a rule reads, directly or through definitions, in first-use order."""
    return _names_used(ruleset, info)[0]


def tables_used(ruleset: RuleSet, info: Any) -> list[str]:
    """The lookup tables a rule reads, directly or through definitions, in first-use order."""
    return _names_used(ruleset, info)[1]


def _names_used(ruleset: RuleSet, info: Any) -> tuple[list[str], list[str]]:
    import attrs

    from . import nodes as n

    program = ruleset.program
    params = program.params
    found: dict[str, None] = {}
    tables: dict[str, None] = {}
    seen_defines: set[str] = set()

    def walk(node: Any, bound: frozenset[str]) -> None:
        if isinstance(node, (tuple, list)):
            for item in node:
                walk(item, bound)
            return
        if not attrs.has(type(node)) or isinstance(node, (n.Literal, n.RangeExpr)):
            return
        if isinstance(node, n.Name):
            if node.name in bound:
                return
            if node.name in params:
                found.setdefault(node.name)
            elif node.name in program.defines and node.name not in seen_defines:
                seen_defines.add(node.name)
                define = program.defines[node.name]
                walk(define.body, frozenset(define.params))
            return
        if isinstance(node, n.Call) and id(node) in program.expansions:
            walk(program.expansions[id(node)], bound)
            return
        if (
            isinstance(node, n.Index)
            and isinstance(node.obj, n.Name)
            and node.obj.name in program.tables
            and node.obj.name not in bound
        ):
            tables.setdefault(node.obj.name)
            walk(node.key, bound)
            return
        if isinstance(node, n.Aggregate):
            walk(node.collection, bound)
            walk(node.window, bound)
            inner = bound | {node.var} if node.var else bound
            walk(node.where, inner)
            walk(node.value, inner)
            return
        for field in attrs.fields(type(node)):
            if field.name not in ("span", "name_span", "id_span", "severity_span", "examples"):
                walk(getattr(node, field.name), bound)

    rule = info.node
    bound: frozenset[str] = frozenset()
    if rule.for_each is not None:
        fe = rule.for_each
        walk(fe.collection, bound)
        bound = bound | {fe.var}
        walk(fe.where, bound)
        walk(fe.group_key, bound)
        if fe.group_name:
            bound = bound | {fe.group_name, "group"}
    for part in (rule.when, rule.lower, rule.message, rule.evidence):
        walk(part, bound)
    return list(found), list(tables)


def _source_text(ruleset: RuleSet, path: str, span: Any) -> str | None:
    """The text a span covers in one of the loaded rule files (None when not found)."""
    from .diagnostics import source_lines

    for rule_file in getattr(ruleset, "_files", ()):
        if rule_file.path != path:
            continue
        lines = source_lines(rule_file.text)
        if not 1 <= span.line <= span.end_line <= len(lines):
            return None
        chunk = lines[span.line - 1 : span.end_line]
        chunk[-1] = chunk[-1][: span.end_column - 1]
        chunk[0] = chunk[0][span.column - 1 :]
        return "\n".join(chunk)
    return None


def _param_default(ruleset: RuleSet, name: str) -> str:
    """A parameter's default as it is written in the rules (``1 year``, ``50%``)."""
    from . import nodes as n
    from .values import plain_value

    info = ruleset.program.params[name]
    written: tuple[str, Any] | None = None
    for rule_file in getattr(ruleset, "_files", ()):
        for item in rule_file.items:
            if (
                isinstance(item, (n.Param, n.SetParam))
                and item.name == name
                and (isinstance(item, n.SetParam) or written is None)
            ):
                written = (rule_file.path, item.value)
    if written is not None and written[1].value == info.default:
        text = _source_text(ruleset, written[0], written[1].span)
        if text:
            return text
    if isinstance(info.default, str):
        import json

        return json.dumps(info.default, ensure_ascii=False)
    return plain_value(info.default)


def explain_rule(ruleset: RuleSet, info: Any) -> str:
    """Everything a reader needs to judge a rule: why, source, parameters, advice, examples."""
    import textwrap

    rule = info.node
    out: list[str] = []
    out.append(f"{rule.id}: {rule.title}" if rule.title else rule.id)
    severity = rule.severity or "warning"
    if rule.lower is not None:
        cond = _source_text(ruleset, info.path, rule.lower.condition.span)
        severity += f" (lowered to {rule.lower.severity}" + (f" when {cond})" if cond else ")")
    out.append(f"  severity:  {severity}")
    out.append(f"  category:  {rule.category or 'general'}")
    subject = "the member" if info.subject_kind == "member" else f"each {info.subject_kind}"
    out.append(f"  judges:    {subject}")
    out.append(f"  defined:   {info.path}:{rule.span.line}")
    if rule.tags:
        out.append(f"  tags:      {', '.join(rule.tags)}")
    wrap = textwrap.TextWrapper(width=88, initial_indent="  ", subsequent_indent="  ")
    out.append("")
    out.append("Why:")
    out.append(wrap.fill(rule.why) if rule.why else "  (no reason given)")
    out.append("")
    out.append("Source:")
    out.append(wrap.fill(rule.source) if rule.source else "  (none given)")
    when = _source_text(ruleset, info.path, rule.when.span) if rule.when is not None else None
    if when:
        out.append("")
        out.append("Fires when:")
        if rule.for_each is not None:
            fe = _source_text(ruleset, info.path, rule.for_each.span)
            if fe:
                out.append(f"  {fe}")
        out.extend(f"  {line.strip()}" for line in when.splitlines())
    from .authoring import definitions_expanded

    out.extend(definitions_expanded(ruleset, info))
    out.append("")
    used = params_used(ruleset, info)
    out.append("Parameters:" if used else "Parameters: none")
    for name in used:
        p = ruleset.program.params[name]
        out.append(f"  {name} = {_param_default(ruleset, name)}  ({p.type})")
        if p.doc:
            out.append(
                textwrap.fill(p.doc, width=88, initial_indent="      ", subsequent_indent="      ")
            )
    if used:
        out.append(f"  (override with: {PROG} check --param NAME=VALUE)")
    tables = tables_used(ruleset, info)
    if tables:
        from .values import format_value

        out.append("")
        out.append("Tables:")
        for name in tables:
            table = ruleset.program.tables[name]
            out.append(f"  {name}")
            width = max((len(k) for k in table.keys.values()), default=0)
            for folded, value in table.rows.items():
                out.append(f"    {table.keys[folded]:<{width}}  {format_value(value)}")
            if table.has_default:
                out.append(f"    {'(default)':<{width}}  {format_value(table.default)}")
        out.append(f'  (override a row in a rules file: set {tables[0]}["key"] = ...)')
    out.append("")
    out.append("Advice:" if info.advice else "Advice: none")
    for text in info.advice:
        out.append(textwrap.fill(text, width=88, initial_indent="  - ", subsequent_indent="    "))
    examples = [
        c
        for c in ruleset.examples()
        if c.rule == rule.id or rule.id in c.fires or rule.id in c.passes
    ]
    out.append("")
    out.append("Examples:" if examples else "Examples: none")
    for case in examples:
        verdict = "fires" if rule.id in case.fires else "passes"
        out.append(f"  {verdict:<6} {case.name}  ({case.path}:{case.line})")
    return "\n".join(out)


def _cmd_test(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from .errors import NetrulesError

    ruleset = _load_rules(args, args.paths)
    if args.format in ("junit", "json") or args.k or args.coverage:
        from .authoring import run_tests

        return run_tests(args, ruleset)
    passed = failed = 0
    for case in ruleset.examples():
        where = f"{case.path}:{case.line} {case.name}"
        try:
            result = ruleset.run_example(case)
        except NetrulesError as exc:
            failed += 1
            _test_failure(args, case, where, f"the example cannot run: {exc}")
            continue
        if result.ok:
            passed += 1
            if args.verbose:
                _out(f"ok   {where}")
            continue
        failed += 1
        parts = []
        if result.missing:
            parts.append(f"expected to fire: {_ids(case.fires)}")
        if result.unexpected:
            parts.append(f"expected not to fire: {_ids(case.passes)}")
        parts.append(f"fired: {_ids(result.fired)}")
        _test_failure(args, case, where, "; ".join(parts))
    _out(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def _test_failure(args: argparse.Namespace, case: Any, where: str, text: str) -> None:
    _out(f"FAIL {where}: {text}")
    if getattr(args, "format", "text") == "github" and not case.path.startswith("<"):
        from .formats import github_annotation

        _out(
            github_annotation(
                "error",
                f"{case.name}: {text}",
                title="netrules example failed",
                file=case.path,
                line=case.line,
            )
        )


def _github_diagnostics(err: Any) -> None:
    """Rule-file diagnostics as GitHub workflow annotations on standard output."""
    from .formats import github_annotation

    for d in err.diagnostics:
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        if d.path.startswith("<"):
            _out(github_annotation(d.severity, message, title=f"netrules {d.code}"))
            continue
        _out(
            github_annotation(
                d.severity,
                message,
                title=f"netrules {d.code}",
                file=d.path,
                line=d.span.line,
                column=d.span.column,
                end_line=d.span.end_line,
                end_column=d.span.end_column,
            )
        )


def _ids(ids: Sequence[str]) -> str:
    return "[" + ", ".join(ids) + "]"


def _cmd_batch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from . import batch_cli

    ruleset = _load_rules(args, args.rules)
    if args.disable:
        ruleset = ruleset.disable(*dict.fromkeys(args.disable))
    return batch_cli.run(args, ruleset, _errline)


_COMMANDS = {
    "check": _cmd_check,
    "completion": _cmd_completion,
    "diff": _cmd_diff,
    "rules": _cmd_rules,
    "explain": _cmd_explain,
    "test": _cmd_test,
    "batch": _cmd_batch,
}


# What `check` leaves for the end of the process when run() ends it (the network, the
# report, the rule set): None when main() is called as a function, so that its caller
# gets the memory back as usual.
_parked: list[Any] | None = None


def _park(*objects: Any) -> None:
    """Keep ``objects`` until the process ends, when :func:`run` is about to end it."""
    if _parked is not None:
        _parked.extend(objects)


def run() -> NoReturn:
    """The ``netrules`` program (its console script and ``python -m netrules``):
    :func:`main` on ``sys.argv``, then the process exits with its code.

    After ``check``, whose every output is written and closed by then, the process
    ends at once (``os._exit``) once standard output and error are flushed: the
    interpreter's teardown (freeing the loaded network, the report and every module
    one object at a time, a final garbage collection) is work the operating system
    does wholesale, about 4 % of a check of a 30,000-connection export.  Whenever
    something could still need that teardown (a flush fails, an ``atexit`` handler
    is registered, another thread runs) the exit is the ordinary one.  See
    docs/performance.md ("Session of 1 Dec 09:19: start-up and load_rules").

    A check run this way also keeps the cyclic garbage collector paused from start to
    end (it was paused for loading, evaluation and output already; what is left is
    start-up, where its collections find next to nothing) and, with glibc and a large
    input, keeps the memory it frees for reuse (:func:`_keep_freed_memory`); see
    docs/performance.md ("Session of 1 Dec 11:40: start-up and exit").
    """
    global _parked
    if sys.argv[1:2] != ["check"]:
        sys.exit(main())
    import gc

    gc.disable()
    _parked = []
    code = main()
    _exit_now(code)
    gc.enable()  # the ordinary exit: as it would have been
    sys.exit(code)


# From this size on (a file; a folder always), an input makes a check allocate and free
# enough large blocks for _keep_freed_memory() to save more page faults than importing
# ctypes costs (about 2 ms, some 700 faults' worth): the 30,000-connection export (767
# KiB) saves 2,500-5,800; the demo network (70 KiB), none.
_KEEP_FREED_FROM = 256 * 1024


def _large_input(path: str | None) -> bool:
    """Whether the input at ``path`` (None: the demo; ``-``: standard input) is a folder
    or a file of at least ``_KEEP_FREED_FROM`` bytes."""
    if path is None or path == "-":
        return False
    try:
        size = os.stat(path).st_size
    except (OSError, ValueError):  # missing, or a name the system refuses: loading says so
        return False
    return size >= _KEEP_FREED_FROM or os.path.isdir(path)


# glibc's mallopt() parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_MMAP_THRESHOLD = 32 << 20  # glibc's largest on 64-bit systems
_TRIM_THRESHOLD = 256 << 20


def _keep_freed_memory() -> bool:
    """With glibc, let ``malloc`` keep what a check frees for the check's own later
    allocations (True when done); elsewhere do nothing (False).

    By default glibc hands every block above 128 KiB to the kernel as a mapping of its
    own and gives freed memory at the top of the heap back at once: each large buffer
    a check makes and drops (the archive's members, their text, the report's JSON)
    is faulted in page by page again, about 3 µs a page, 10-20 ms of a 30,000-
    connection check.  Blocks up to 32 MiB now come from the heap, and up to 256 MiB
    freed at its top stay there until the process ends (moments later: run() ends it).
    """
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):  # not a POSIX system, or not glibc
        return False
    if not libc or not libc.startswith("glibc"):
        return False
    mallopt = _mallopt()
    if mallopt is None:
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD) and mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    )


def _mallopt() -> Callable[[int, int], int] | None:
    """The C library's ``mallopt`` as ``ctypes.CDLL(None).mallopt`` is, made from
    ``_ctypes`` (ctypes' C half) as ctypes makes it: a C function of ``int`` result
    found in the process's own symbols.  ``import ctypes`` would also define its forty
    types and check their sizes, twice the time (0.7 ms of a check).  None when the
    system has no such function (or no ctypes)."""
    try:
        import _ctypes

        c_int: Any = type("c_int", (_ctypes._SimpleCData,), {"_type_": "i"})

        class _Function(_ctypes.CFuncPtr):  # CDLL's functions: cdecl, int result
            _flags_ = _ctypes.FUNCFLAG_CDECL
            _restype_ = c_int

        dlopen: Any = _ctypes.dlopen  # (typeshed wants a name; None is the process)

        class _Process:  # CDLL(None): the symbols of the process and its libraries
            _handle = dlopen(None, _ctypes.RTLD_LOCAL)

        where: Any = ("mallopt", _Process)
        return cast("Callable[[int, int], int]", _Function(where))
    except (ImportError, OSError, AttributeError):
        return None


def _exit_now(code: int) -> None:
    """End the process with ``code`` without the interpreter's teardown; returns (and
    the caller exits the ordinary way) when a flush fails or anything registered to
    run at exit, or another thread, could need that teardown."""
    import atexit

    try:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            if stream is not None:
                stream.flush()
    except Exception:  # e.g. a reader that went away: the ordinary exit reports it as before
        return
    handlers = getattr(atexit, "_ncallbacks", None)
    if handlers is None or handlers() != 0:
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code (``sys.exit(main())``)."""
    from .errors import InputError, NetrulesError, RuleError

    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["check"]:  # the archive read on a thread meanwhile (netrules/prefetch.py)
        from .prefetch import start_for_check

        start_for_check(words[1:], _keep_freed_memory if _parked is not None else None)
    # fmt needs none of the engine: a parser of the authoring commands only starts it fast
    if words[:1] == ["fmt"]:
        parser, subparsers = _authoring_parser()
    else:  # `check` is timed end to end: it builds only its own parser
        parser, subparsers = _build_parser(only_check=words[:1] == ["check"])
    args = None
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return 2
        handler = _COMMANDS.get(args.command) or args.handler
        return handler(args, subparsers[args.command])
    except _Exit as done:
        return done.code
    except _config_error() as exc:  # looked up only when something was raised
        from .config import ConfigError

        assert isinstance(exc, ConfigError)
        sys.stderr.write(exc.render() + "\n")
        return 2
    except RuleError as exc:
        if getattr(args, "format", None) == "github":
            _github_diagnostics(exc)
            _report_rule_error(exc)
        elif getattr(args, "format", None) == "json":
            import json

            _out(
                json.dumps(
                    {"diagnostics": [d.to_dict() for d in exc.diagnostics]},
                    indent=2,
                    ensure_ascii=False,
                )
                + "\n",
                is_json=True,
            )
        else:
            _report_rule_error(exc)
        return 2
    except InputError as exc:
        where = ":".join(p for p in (exc.file, exc.location) if p)
        _err(f"{where}: {exc.message}" if where else exc.message)
        return 2
    except NetrulesError as exc:
        _err(str(exc))
        return 2
    except FileNotFoundError as exc:  # e.g. the bundled rule pack is missing
        _err(str(exc))
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (`netrules check x | head`); say nothing more
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except (MemoryError, RecursionError):
        _err(
            "the input or the rules are too large or too deeply nested to process "
            "(see the limits in docs/semantics.md)"
        )
        _internal_traceback()
        return 2
    except Exception:
        return _internal_error()
    finally:  # a prefetch no loader took ends with the command (before run()'s exit)
        prefetch = sys.modules.get("netrules.prefetch")
        if prefetch is not None:
            prefetch.discard_pending()


INTERNAL_ERROR = 3


class _NoConfigError(Exception):
    """Never raised: what ``main`` catches as ConfigError when no configuration was read."""


def _config_error() -> type[Exception]:
    """ConfigError if netrules.config was imported (only it raises one), else a class
    nothing is an instance of: ``netrules fmt`` never imports the configuration code
    (attrs and the diagnostics with it), a cost of its start-up (docs/performance.md)."""
    config = sys.modules.get("netrules.config")
    return _NoConfigError if config is None else config.ConfigError


def _internal_traceback() -> None:
    if os.environ.get("NETRULES_DEBUG", "") not in ("", "0"):
        import traceback

        traceback.print_exc(file=sys.stderr)


def _internal_error() -> int:
    """Exit code 3 and a short note for what can only be a bug (a traceback with NETRULES_DEBUG=1)."""
    kind = type(sys.exc_info()[1]).__name__
    _err(
        f"internal error ({kind}): this is a bug in netrules, please report it "
        "with the command you ran (NETRULES_DEBUG=1 shows the details)"
    )
    _internal_traceback()
    return INTERNAL_ERROR
