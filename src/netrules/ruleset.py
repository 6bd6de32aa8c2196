"""The front door: load rule files into a RuleSet, evaluate it on networks."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .collector import paused
from .errors import RuleError, UnknownRuleError, UsageError
from .evaluator import run
from .findings import Finding, Findings, Origin, Report
from .values import Duration, out_of_bounds

if TYPE_CHECKING:
    from pathlib import Path

    from . import nodes as n
    from .batch import BatchResults
    from .checker import ParamInfo, Program, RuleInfo
    from .compiled import CompiledProgram
    from .diagnostics import Diagnostic
    from .example_cases import ExampleCase, ExampleResult
    from .model import Network
    from .rules_cache import Restored

# The parser, the checker, the compiler and the syntax-tree classes are imported where
# they are used: a rule set found in the compiled rule-set cache (rules_cache.py)
# evaluates without them, and a cold load_rules() is then mostly reading files.  So are
# diagnostics (errors and warnings only) and the network model (whoever has a network
# to evaluate has imported it).

__all__ = ["ExampleCase", "ExampleResult", "RuleSet", "bundled_rules_dir", "load_rules"]

RULE_SUFFIX = ".rules"
# loaders.reading.MAX_RULE_FILE_BYTES (a test keeps them equal); not imported from there,
# since importing netrules.loaders loads the network model, which load_rules() never needs
MAX_RULE_FILE_BYTES = 8 * 1024 * 1024
EXAMPLE_AS_OF = _dt.date(2025, 1, 1)


def __getattr__(name: str) -> Any:
    """``ExampleCase`` and ``ExampleResult`` (example_cases.py), made on first use:
    creating attrs classes is a noticeable part of a cold load_rules()."""
    if name in ("ExampleCase", "ExampleResult"):
        from . import example_cases

        return getattr(example_cases, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def bundled_rules_dir() -> Path:
    """The bundled pack: inside the installed wheel, or ``rules/`` of a source checkout."""
    from pathlib import Path

    from .cache_key import package_files

    folder = _bundled_folder()
    if folder is not None:
        return Path(folder)
    packaged = package_files().joinpath("rules")
    if packaged.is_dir():
        return Path(str(packaged))
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "rules",):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("the bundled rule pack is missing from this installation")


def _bundled_folder() -> str | None:
    """:func:`bundled_rules_dir` when the package is plain files (not zipped), as text."""
    here = os.path.dirname(os.path.abspath(__file__))
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    for candidate in (os.path.join(here, "rules"), os.path.join(checkout, "rules")):
        if os.path.isdir(candidate):
            return candidate
    return None


def _bundled_files(folder: str) -> list[tuple[str, str]]:
    """``(path, shown name)`` of the pack's files: what :func:`_rule_files` and
    :func:`_display` give, in the same order (by path parts), without pathlib."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        rel = os.path.relpath(root, folder)
        parts = () if rel == os.curdir else tuple(rel.split(os.sep))
        for name in names:
            path = os.path.join(root, name)
            if name.endswith(RULE_SUFFIX) and os.path.isfile(path):
                found.append((parts + (name,), path))
    found.sort()
    return [(path, "<bundled>/" + "/".join(parts)) for parts, path in found]


# Below this many items an evaluation allocates too little to trigger a collection
# worth avoiding (the collector's first threshold is 700 allocations), and pausing
# would only add its own cost to each of a batch's many small evaluations.
_PAUSE_FROM = 1_000


def _large(network: Network) -> bool:
    return (
        len(network.connections) + len(network.invitations) + len(network.removals) >= _PAUSE_FROM
    )


def _rule_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob(f"*{RULE_SUFFIX}") if p.is_file())
    return [path]


def _display(path: Path, bundled: Path | None) -> str:
    if bundled is not None:
        try:
            return f"<bundled>/{path.relative_to(bundled).as_posix()}"
        except ValueError:
            pass
    return str(path)


class RuleSet:
    """A checked, compiled set of rules; evaluate it on any number of networks.

    Build one with :func:`load_rules`.  Compilation happens once here; each
    :meth:`evaluate` call only runs the generated function.  A rule set restored from
    the compiled rule-set cache builds its checked program (:attr:`program`,
    :attr:`rules`) from the same texts when first asked for it.
    """

    def __init__(self, program: Program, files: tuple[n.RuleFile, ...]):
        from .compiler import compile_program

        self._prog: Program | None = program
        self._rule_files: tuple[n.RuleFile, ...] | None = files
        self._sources: tuple[tuple[str, str], ...] = ()  # what _build() would read
        self._compiled: CompiledProgram = compile_program(program)
        self._tables = {
            name: (t.rows, t.default if t.has_default else None)
            for name, t in program.tables.items()
        }
        self._params = {name: p.default for name, p in program.params.items()}
        self._param_types = {name: p.type for name, p in program.params.items()}
        self._param_bounds = {name: p.bounds for name, p in program.params.items()}
        self._restored: Restored | None = None
        self._min_severity: str | None = None
        self._batch: dict[bool, Any] = {}  # batch.batch_program: generated on first use

    @classmethod
    def _from_cache(cls, restored: Restored, sources: tuple[tuple[str, str], ...]) -> RuleSet:
        """A rule set from the compiled rule-set cache (rules_cache.py): evaluates at once;
        its program is checked from ``sources`` (the texts the entry was found by) when
        first needed."""
        self = cls.__new__(cls)
        self._prog = None
        self._rule_files = None
        self._sources = sources
        self._compiled = restored.compiled
        self._tables = restored.tables
        self._params = {name: spec[1] for name, spec in restored.params.items()}
        self._param_types = {name: spec[0] for name, spec in restored.params.items()}
        self._param_bounds = {name: spec[5] for name, spec in restored.params.items()}
        self._restored = restored
        self._min_severity = None
        self._batch = {}
        return self

    def _build(self) -> Program:
        """The checked program of a rule set restored from the cache."""
        program, files = _checked(list(self._sources), [])
        self._rule_files = files
        self._prog = program
        return program

    @property
    def _program(self) -> Program:
        return self._prog if self._prog is not None else self._build()

    @property
    def _files(self) -> tuple[n.RuleFile, ...]:
        if self._rule_files is None:
            self._build()
        assert self._rule_files is not None
        return self._rule_files

    def _param_info(self, name: str) -> ParamInfo | None:
        """A parameter's declaration, from the program or the cached entry."""
        from .diagnostics import Span

        if self._restored is None or self._prog is not None:
            return self._program.params.get(name)
        spec = self._restored.params.get(name)
        if spec is None:
            return None
        from .checker import ParamInfo

        ptype, default, doc, path, span, bounds = spec
        return ParamInfo(name, ptype, default, doc, path, Span(*span), bounds)

    # ---- introspection ----
    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        """Load-time warnings (unused definitions, parameters, advice)."""
        if self._prog is None and self._restored is not None:
            if not self._restored.warnings:  # (the pack has none: no diagnostics imported)
                return ()
            from .diagnostics import Diagnostic, Span

            return tuple(
                Diagnostic(code, severity, message, path, Span(*span), hint, line)
                for code, severity, message, path, span, hint, line in self._restored.warnings
            )
        return tuple(d for d in self._program.diagnostics if d.severity == "warning")

    @property
    def rules(self) -> tuple[n.Rule, ...]:
        """The active rules' checked metadata (nodes), in load order."""
        return tuple(ri.node for ri in self._program.rules)

    @property
    def params(self) -> dict[str, Any]:
        """Parameter name -> its current default value."""
        return dict(self._params)

    @property
    def program(self) -> Program:
        return self._program

    @property
    def source(self) -> str:
        """The generated Python source (for the curious and for tests)."""
        return self._compiled.source

    def rule_ids(self) -> tuple[str, ...]:
        return self._compiled.rule_ids

    def _titles(self) -> dict[str, str]:
        """Active rule id -> its title (rules without one left out), in load order: what a
        report shows beside a rule id, without the checked program of a cached rule set."""
        if self._prog is None and self._restored is not None:
            pairs = zip(self._compiled.rule_ids, self._restored.titles, strict=True)
            return {rid: title for rid, title in pairs if title}
        return {r.id: r.title for r in self.rules if r.title}

    def rule(self, rule_id: str) -> RuleInfo:
        """One active rule's checked information (node, file, subject kind, advice).

        Raises :class:`~netrules.UnknownRuleError` (a ``KeyError``) with a
        did-you-mean hint when no active rule has this id.
        """
        from .diagnostics import did_you_mean

        for ri in self._program.rules:
            if ri.node.id == rule_id:
                return ri
        hint = did_you_mean(rule_id, self.rule_ids()) if isinstance(rule_id, str) else None
        raise UnknownRuleError(str(rule_id), hint)

    def disable(self, *rule_ids: str) -> RuleSet:
        """A new RuleSet without these rules; unknown ids raise RuleError (NR309)."""
        from .diagnostics import Diagnostic, Span, did_you_mean

        for rid in rule_ids:
            if not isinstance(rid, str):
                raise UsageError(
                    f"disable() takes rule ids as separate strings, got {type(rid).__name__}"
                    + ("; unpack a list: disable(*ids)" if isinstance(rid, (list, tuple)) else "")
                )
        known = set(self.rule_ids())
        bad = [r for r in rule_ids if r not in known]
        if bad:
            diags = []
            for rid in bad:
                hint = did_you_mean(rid, known)
                diags.append(
                    Diagnostic(
                        "NR309",
                        "error",
                        f'cannot disable unknown rule "{rid}"',
                        "<disable>",
                        Span.point(),
                        f'did you mean "{hint}"?' if hint else None,
                    )
                )
            raise RuleError(diags)
        return self._without(rule_ids)

    def _without(self, rule_ids: Iterable[str], min_severity: str | None = None) -> RuleSet:
        drop = tuple(dict.fromkeys(rule_ids))
        if not drop and min_severity == self._min_severity:
            return self
        program = attrs.evolve(
            self._program,
            rules=[ri for ri in self._program.rules if ri.node.id not in set(drop)],
            disabled=self._program.disabled + drop,
        )
        out = RuleSet(program, self._files)
        out._min_severity = min_severity
        return out

    def select(
        self,
        select: Iterable[str] | None = None,
        *,
        ignore: Iterable[str] = (),
        extend_select: Iterable[str] = (),
        min_severity: str | None = None,
        layers: Iterable[Any] = (),
    ) -> RuleSet:
        """A new RuleSet with only the selected rules (docs/configuration.md).

        Selectors name a rule id, a category (``targets``), a tag (``tag:count``),
        a declared severity (``severity:info``) or ``all``.  ``select`` (None: all)
        starts the choice, ``extend_select`` adds, ``ignore`` removes; further
        ``layers`` (e.g. the command line after the configuration file) refine it.
        ``min_severity`` drops rules declared below it, and findings lowered below
        it are left out of reports.  A selector that names nothing raises RuleError.

        >>> rules = load_rules()
        >>> quiet = rules.select(["targets"], min_severity="warning")
        >>> {r.category for r in quiet.rules}
        {'targets'}
        """
        from .selection import Layer, selected_ids

        first = Layer(
            None if select is None else _selectors("select", select),
            _selectors("extend_select", extend_select),
            _selectors("ignore", ignore),
        )
        keep = set(selected_ids(self.rules, [first, *layers], min_severity))
        return self._without([r for r in self.rule_ids() if r not in keep], min_severity)

    # ---- evaluation ----
    def resolve_params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        """Defaults overlaid with overrides, each checked against the declared type."""
        from .diagnostics import Diagnostic, Span, did_you_mean

        values = dict(self._params)
        if not params:
            return values
        if not isinstance(params, Mapping):
            raise UsageError(
                f"params must be a mapping of parameter name to value, got {type(params).__name__}"
            )
        diags = []
        for name, raw in params.items():
            if not isinstance(name, str):
                raise UsageError(f"parameter names must be strings, got {name!r}")
            ptype = self._param_types.get(name)
            if ptype is None:
                hint = did_you_mean(name, self._param_types)
                diags.append(
                    Diagnostic(
                        "NR309",
                        "error",
                        f"unknown parameter '{name}'",
                        "<params>",
                        Span.point(),
                        f"did you mean '{hint}'?" if hint else None,
                    )
                )
                continue
            value, problem = coerce_param(raw, ptype)
            if problem:
                diags.append(
                    Diagnostic(
                        "NR310",
                        "error",
                        f"parameter '{name}': {problem}",
                        "<params>",
                        Span.point(),
                        f"the default is {raw_text(self._params[name])}",
                    )
                )
                continue
            values[name] = value
        if diags:
            raise RuleError(diags)
        return values

    def param_warnings(self, params: Mapping[str, Any] | None) -> tuple[Diagnostic, ...]:
        """NR321 warnings for overrides outside a parameter's declared range
        (``param share = 80% in 0..1``): ``50`` meant as 50 % reads as 5000 %."""
        if not params:
            return ()
        out = []
        values = self.resolve_params(params)
        for name in params:
            if not out_of_bounds(values.get(name), self._param_bounds.get(name)):
                continue  # (the checker is imported only for a warning to give)
            from .checker import range_warning
            from .diagnostics import Diagnostic, Span

            info = self._param_info(name)
            warning = range_warning(info, values.get(name)) if info is not None else None
            if warning is not None:
                out.append(
                    Diagnostic("NR321", "warning", warning[0], "<params>", Span.point(), warning[1])
                )
        return tuple(out)

    def evaluate(
        self,
        network: Network | Mapping[str, Any],
        *,
        as_of: _dt.date | str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Report:
        """Run every rule on one network.

        ``as_of`` (a date, a datetime whose day is used, or ISO text
        ``"2025-01-31"``) defaults to the network's own ``as_of``, else today.  ``params``
        overrides parameter defaults (values or rule-language text such as
        ``"1 year"``).
        """
        from .model import Network

        if not isinstance(network, Network):
            if isinstance(network, (str, bytes, os.PathLike)):
                raise UsageError(
                    "evaluate() takes a Network or a dict, not a path; read the file "
                    "first: rules.evaluate(netrules.load_network(path))"
                )
            if not isinstance(network, Mapping):
                raise UsageError(
                    "evaluate() takes a Network (see netrules.load_network) or a dict in "
                    f"the JSON document format, got {type(network).__name__}"
                )
            from .loaders import load_network

            network = load_network(dict(network))
        values = self.resolve_params(params) if params else None
        report = self._evaluate_prepared(network, _as_of_date(as_of), values)
        # A reference, not a copy: report.to_html() draws this network.
        return attrs.evolve(report, origin=Origin(network, self, values))

    def evaluate_many(
        self,
        inputs: Any,
        *,
        as_of: _dt.date | str | None = None,
        params: Mapping[str, Any] | None = None,
        reports: bool = False,
        errors: str = "raise",
    ) -> BatchResults:
        """Evaluate many members, yielding one compact result each, in input order.

        ``inputs``: an iterable of network documents (dicts), ``Network`` objects or
        member rows (dicts of member fields, with an optional ``id``), or a table of
        member rows (an Arrow table, a pandas or polars DataFrame).  Unreadable rows
        raise :class:`InputError` naming the row, or with ``errors="collect"`` come back
        with ``result.error`` set.  See docs/batch.md.
        """
        from .batch import evaluate_many

        return evaluate_many(
            self, inputs, as_of=as_of, params=params, reports=reports, errors=errors
        )

    def _evaluate_prepared(
        self, network: Network, as_of: _dt.date | None, values: dict[str, Any] | None
    ) -> Report:
        """evaluate() once its arguments are checked: the batch path calls this directly."""
        when = as_of or network.as_of or _dt.date.today()
        params = values or self._params
        if _large(network):
            with paused():  # see collector.py: evaluation makes no cycles
                report = run(self._prog, self._compiled, network, when, params, self._tables)
        else:
            report = run(self._prog, self._compiled, network, when, params, self._tables)
        if self._min_severity is not None:
            rank = {"error": 0, "warning": 1, "info": 2}
            limit = rank[self._min_severity]
            found = report.findings
            kept: Sequence[Finding] = (
                found.where(severity=[s for s, r in rank.items() if r <= limit])
                if isinstance(found, Findings)
                else tuple(f for f in found if rank[f.severity] <= limit)
            )
            if len(kept) != len(report.findings):
                report = attrs.evolve(report, findings=kept)
        return report

    def explain(
        self,
        rule: str,
        network: Network | Mapping[str, Any],
        *,
        subject: str | None = None,
        as_of: _dt.date | str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Any:
        """Why ``rule`` fired or not on one subject: an :class:`~netrules.explain.Explanation`
        (the verdict and the condition with the value of every part; see docs/authoring.md).

        ``subject`` (an item or group id) is needed for a rule that judges each item.
        """
        from .explain import explain

        return explain(self, rule, network, subject=subject, as_of=as_of, params=params)

    # ---- inline examples ----
    def examples(self) -> list[ExampleCase]:
        from .example_cases import ExampleCase

        out = []
        for ex, path in self._program.examples:
            name = ex.name or (
                f"{ex.rule} {'fires' if ex.fires else 'passes'} (line {ex.span.line})"
            )
            out.append(ExampleCase(name, path, ex.span.line, ex.rule, ex.fires, ex.passes, ex.data))
        return out

    def run_example(self, case: ExampleCase) -> ExampleResult:
        """Evaluate one example with the whole set and compare the rule ids."""
        from .example_cases import ExampleCase, ExampleResult

        if not isinstance(case, ExampleCase):
            raise UsageError("run_example() takes an ExampleCase from RuleSet.examples()")
        from .loaders.json_doc import network_from_dict

        network = network_from_dict(case.data, source=f"{case.path}:{case.line}")
        params, tables = self._program.snapshots.get(case.path, (self._params, self._tables))
        report = run(
            self._program, self._compiled, network, network.as_of or EXAMPLE_AS_OF, params, tables
        )
        fired = tuple(sorted({f.rule for f in report.findings}))
        active = set(self.rule_ids())
        missing = tuple(r for r in case.fires if r not in fired and r in active)
        unexpected = tuple(r for r in case.passes if r in fired)
        return ExampleResult(case, fired, missing, unexpected)


def _selectors(what: str, value: Any) -> tuple[str, ...]:
    """A selector list as a tuple of strings (UsageError for anything else)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise UsageError(f"{what} takes a list of selector strings, e.g. ['targets']")
    out = tuple(value)
    if not all(isinstance(v, str) for v in out):
        raise UsageError(f"{what} takes a list of selector strings, e.g. ['targets']")
    return out


def _as_of_date(value: Any) -> _dt.date | None:
    """``as_of`` as a date: a date, a datetime's day, or ISO ``YYYY-MM-DD`` text."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        from .loaders.json_doc import parse_iso_date

        day = parse_iso_date(value.strip())
        if day is None:
            raise UsageError(f"as_of: expected a date as YYYY-MM-DD, got {value[:40]!r}")
        return day
    raise UsageError(
        f"as_of: expected a datetime.date or YYYY-MM-DD text, got {type(value).__name__}"
    )


def coerce_param(raw: Any, ptype: str) -> tuple[Any, str | None]:
    """A parameter override as a typed value, or an explanation of why not.

    Lists are checked item by item (``[1]`` is no list of strings), and each item
    is converted like a single value (``"2024-01-31"`` in a list of dates).
    """
    if ptype.startswith("list:") and isinstance(raw, (list, tuple)):
        if ptype == "list:any":
            kinds = {_kind(v) for v in raw}
            if len(kinds) > 1:
                return None, "list items must all be of one type"
            return tuple(raw), None
        elem = ptype[5:]
        items = []
        for i, item in enumerate(raw):
            value, problem = coerce_param(item, elem)
            if problem is not None:
                return None, f"item {i + 1} of the list: {problem}"
            items.append(value)
        return tuple(items), None
    if isinstance(raw, str) and ptype != "string":
        from .checker import value_fits
        from .parser import parse_expression

        expr, diags = parse_expression(raw, "<params>", 1, 1)
        if diags or expr is None:
            return None, f"cannot read {raw!r} as {_words(ptype)}"
        lit = _literal_of(expr)
        if lit is None:
            return None, f"{raw!r} is not a plain value"
        raw_type, raw = lit
        if not value_fits(raw_type, raw, ptype):
            return None, f"expected {_words(ptype)}, got {_words(raw_type)} {raw_text(raw)}"
        return raw, None
    checks = {
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "string": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "date": lambda v: isinstance(v, _dt.date) and not isinstance(v, _dt.datetime),
        "duration": lambda v: isinstance(v, Duration),
    }
    ok = not ptype.startswith("list") and checks.get(ptype, lambda v: True)(raw)
    if not ok:
        return None, f"expected {_words(ptype)}, got {raw_text(raw)}"
    return raw, None


def _kind(value: Any) -> str:
    return type(value).__name__


def _words(ptype: str) -> str:
    if ptype.startswith("list:"):
        return "a list" if ptype == "list:any" else f"a list of {ptype[5:]}s"
    return {"date": "a date", "duration": "a duration", "bool": "true or false"}.get(
        ptype, f"a {ptype}"
    )


def raw_text(value: Any) -> str:
    """A value as the author wrote it, shortened: messages stay one line."""
    from .checker import show_value

    text = show_value(tuple(value) if isinstance(value, list) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def _literal_of(expr: Any) -> tuple[str, Any] | None:
    from . import nodes as n
    from .checker import literal_type

    if isinstance(expr, n.Literal):
        return literal_type(expr), expr.value
    if (
        isinstance(expr, n.Neg)
        and isinstance(expr.operand, n.Literal)
        and isinstance(expr.operand.value, (int, float))
    ):
        return "number", -expr.operand.value
    if isinstance(expr, n.ListExpr):
        items = [_literal_of(i) for i in expr.items]
        if any(i is None for i in items):
            return None
        kinds = {i[0] for i in items if i}
        return "list:" + (kinds.pop() if len(kinds) == 1 else "any"), tuple(
            i[1] for i in items if i
        )
    return None


def _read(path: str | Path, shown: str) -> tuple[str | None, Diagnostic | None]:
    try:
        with open(path, "rb") as fh:  # bounded: /dev/zero or a pipe never fills memory
            raw = fh.read(MAX_RULE_FILE_BYTES + 1)
    except (OSError, ValueError) as exc:
        return None, _read_error(
            "NR100",
            f"cannot read rule file: {getattr(exc, 'strerror', None) or exc}",
            shown,
            1,
            "check the path",
        )
    if len(raw) > MAX_RULE_FILE_BYTES:
        return None, _read_error(
            "NR100",
            f"rule file larger than {MAX_RULE_FILE_BYTES // (1024 * 1024)} MiB",
            shown,
            1,
            "split the rules into several files",
        )
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        text = raw.decode("utf-8", errors="replace")
        line = text.count("\n", 0, exc.start) + 1
        return None, _read_error(
            "NR102", "rule file is not UTF-8 text", shown, line, "save the file as UTF-8"
        )


def _read_error(code: str, message: str, shown: str, line: int, hint: str) -> Diagnostic:
    from .diagnostics import Diagnostic, Span

    return Diagnostic(code, "error", message, shown, Span.point(line, 1), hint)


def _sorted(diags: list[Diagnostic]) -> list[Diagnostic]:
    order = {"error": 0, "warning": 1}
    return sorted(diags, key=lambda d: (order.get(d.severity, 2), d.path, d.line, d.column, d.code))


def _checked_sources(
    paths: tuple[Any, ...], texts: Any, include_default: Any
) -> tuple[tuple[str | os.PathLike[str], ...], list[tuple[str, str]]]:
    """The arguments of :func:`load_rules`, checked: UsageError says what was expected."""
    if not isinstance(include_default, bool):
        raise UsageError(f"include_default must be True or False, got {include_default!r}")
    for p in paths:
        if isinstance(p, (list, tuple, set)):
            raise UsageError(
                "pass rule paths as separate arguments: load_rules(*paths), not a list"
            )
        if not isinstance(p, (str, os.PathLike)):
            raise UsageError(f"a rule path must be a str or a path, got {type(p).__name__}")
    example = "texts=[('my.rules', text)]"
    if isinstance(texts, (str, bytes)):
        raise UsageError(f"texts takes (name, text) pairs, not one string: {example}")
    try:
        pairs = list(texts)
    except TypeError:
        raise UsageError(
            f"texts takes an iterable of (name, text) pairs, got {type(texts).__name__}"
        ) from None
    for pair in pairs:
        if (
            not isinstance(pair, (tuple, list))
            or len(pair) != 2
            or not all(isinstance(x, str) for x in pair)
        ):
            raise UsageError(
                f"texts takes (name, text) pairs of strings, e.g. {example}; "
                f"got {type(pair).__name__} {str(pair)[:40]!r}"
            )
    return paths, [(name, text) for name, text in pairs]


def load_order(files: list[n.RuleFile]) -> list[n.RuleFile]:
    """Override files after the files they change, each group in the order given.

    An override file holds only ``set`` and ``disable`` (and examples of its own):
    it loads after every file that declares rules, parameters or tables, whatever
    its name, so ``x-override.rules`` never loads before ``x.rules`` (whose examples
    are checked against the values as they stood after ``x.rules``).
    """

    from . import nodes as n

    kinds = (n.SetParam, n.SetRow, n.Disable, n.Example)

    def overrides(f: n.RuleFile) -> bool:
        return bool(f.items) and all(isinstance(i, kinds) for i in f.items)

    return [f for f in files if not overrides(f)] + [f for f in files if overrides(f)]


def load_rules(
    *paths: str | os.PathLike[str],
    include_default: bool = True,
    texts: Iterable[tuple[str, str]] = (),
) -> RuleSet:
    """Load the bundled pack (unless ``include_default=False``) plus files and folders.

    Folders are searched for ``*.rules`` files.  ``texts`` adds in-memory
    ``(name, text)`` rule sources.  Raises :class:`RuleError` with every
    diagnostic when any file has an error; warnings stay on ``RuleSet.warnings``.
    """
    paths, texts = _checked_sources(paths, texts, include_default)
    diags: list[Diagnostic] = []
    sources: list[tuple[str | Path, str]] = []
    if include_default:
        folder = _bundled_folder()
        if folder is not None:
            sources.extend(_bundled_files(folder))
        else:  # a zipped installation
            bundled = bundled_rules_dir()
            sources.extend((p, _display(p, bundled)) for p in _rule_files(bundled))
    for raw in paths:
        from pathlib import Path

        path = Path(raw)
        if not path.exists():
            from .diagnostics import Diagnostic, Span

            diags.append(
                Diagnostic(
                    "NR100",
                    "error",
                    "no such rule file or folder",
                    str(path),
                    Span.point(),
                    "check the path",
                )
            )
            continue
        sources.extend((p, _display(p, None)) for p in _rule_files(path))
    loaded: list[tuple[str, str]] = []
    for source, shown in sources:
        text, problem = _read(source, shown)
        if problem is not None:
            diags.append(problem)
        else:
            loaded.append((shown, text or ""))
    loaded.extend(texts)
    digest = None
    if not diags:  # the same texts loaded before: evaluate what they compiled to then
        from .rules_cache import lookup

        digest, restored = lookup(loaded)
        if restored is not None:
            return RuleSet._from_cache(restored, tuple(loaded))
    program, files = _checked(loaded, diags)
    ruleset = RuleSet(program, files)
    if digest is not None:
        from .rules_cache import store

        store(digest, ruleset)
    return ruleset


def _checked(
    loaded: list[tuple[str, str]], diags: list[Diagnostic]
) -> tuple[Program, tuple[n.RuleFile, ...]]:
    """``(name, text)`` sources parsed (through the parse cache), put in load order and
    checked; RuleError with every diagnostic (and ``diags``, those of reading) on an error."""
    from .checker import check
    from .parse_cache import parse_cached
    from .parser import parse_file

    files: list[n.RuleFile] = []
    for shown, text in loaded:
        rule_file, file_diags = parse_cached(parse_file, text, shown)
        diags.extend(file_diags)
        if rule_file is not None:
            files.append(rule_file)
    if any(d.severity == "error" for d in diags):
        raise RuleError(_sorted(diags))
    files = load_order(files)
    program = check(files)
    errors = [d for d in program.diagnostics if d.severity == "error"]
    if errors:
        raise RuleError(_sorted(program.diagnostics))
    return program, tuple(files)
