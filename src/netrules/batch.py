"""Many members at once: ``RuleSet.evaluate_many`` and the engine of ``netrules batch``.

Coaching platforms and CRMs judge all their members, not one.  The batch path takes
network documents, ``Network`` objects or a table of member rows, validates each with
the same errors as one-at-a-time (plus its row number in the batch), and returns
compact per-member results in input order.  ``netrules batch`` streams JSON Lines (or
Parquet) through it, on local processes (``--jobs``) or a Dask cluster (``--dask``),
with memory flat in the number of members.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .errors import InputError
from .findings import Finding, Report, RuleSkips
from .loaders.json_doc import network_from_dict
from .loaders.reading import loads_json
from .model import Network
from .values import jsonable

if TYPE_CHECKING:
    from .ruleset import RuleSet

__all__ = ["MemberResult", "RuleSpec", "evaluate_many", "iter_rows", "result_rows"]

# Keys a batch row may carry besides the network document or member fields.
ID_KEYS = ("id", "member_id")


@attrs.frozen(slots=True)
class MemberResult:
    """What the rules found for one member of a batch.

    ``index`` is the 0-based position in the input and ``id`` the member's id (the
    input's ``id``/``member_id``, else the 1-based row number as text).  A row that
    could not be read has ``error`` set and no findings.
    """

    index: int
    id: str
    findings: tuple[Finding, ...] = ()
    skipped: tuple[RuleSkips, ...] = ()
    error: InputError | None = None
    report: Report | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.error is None


def _member_id(row: Mapping[str, Any], index: int) -> tuple[str, dict[str, Any]]:
    body = dict(row)
    ident: Any = None
    for key in ID_KEYS:
        if key in body:
            value = body.pop(key)
            ident = value if ident is None else ident
    return (str(ident) if ident is not None else str(index + 1)), body


def _as_network(item: Any, index: int, source: str) -> tuple[str, Network]:
    """One batch item as a Network: a document, a Network, or a member row."""
    if isinstance(item, Network):
        return str(index + 1), item
    if not isinstance(item, Mapping):
        raise InputError(
            f"expected a network document or a member row (an object), got {type(item).__name__}",
            file=source,
            location=f"row {index + 1}",
        )
    ident, body = _member_id(item, index)
    if "member" not in body and not any(
        k in body for k in ("connections", "invitations", "removals", "recommendations_given")
    ):
        # A member row: the member's fields at the top level (and optionally as_of).
        doc: dict[str, Any] = {"member": body}
        if "as_of" in body:
            doc["as_of"] = body.pop("as_of")
        body = doc
    try:
        return ident, network_from_dict(body, source=source)
    except InputError as exc:
        where = f"row {index + 1}" + (f": {exc.location}" if exc.location else "")
        raise InputError(exc.message, file=source, location=where) from None


def iter_rows(inputs: Any) -> Iterator[Any]:
    """Rows of any accepted batch input: an iterable, an Arrow table, a pandas or polars frame."""
    if hasattr(inputs, "to_batches") and hasattr(inputs, "schema"):  # pyarrow.Table
        for batch in inputs.to_batches():
            yield from batch.to_pylist()
        return
    if hasattr(inputs, "iter_rows") and hasattr(inputs, "columns"):  # polars.DataFrame
        yield from inputs.iter_rows(named=True)
        return
    if hasattr(inputs, "to_dict") and hasattr(inputs, "columns"):  # pandas.DataFrame
        for row in inputs.to_dict("records"):
            yield {k: _pandas_value(v) for k, v in row.items()}
        return
    yield from inputs


def _pandas_value(value: Any) -> Any:
    """pandas' missing values are None here; its timestamps are dates."""
    if value is None:
        return None
    try:
        if value != value:  # NaN / NaT
            return None
    except (TypeError, ValueError):
        return value
    to_pydatetime = getattr(value, "to_pydatetime", None)
    if to_pydatetime is not None:
        return to_pydatetime().date().isoformat()
    return value


def evaluate_many(
    ruleset: RuleSet,
    inputs: Iterable[Any] | Any,
    *,
    as_of: _dt.date | str | None = None,
    params: Mapping[str, Any] | None = None,
    reports: bool = False,
    errors: str = "raise",
    source: str = "<batch>",
) -> Iterator[MemberResult]:
    """Evaluate every member of ``inputs``, yielding one :class:`MemberResult` each, in order.

    ``errors="raise"`` (the default) stops at the first unreadable row with an
    :class:`InputError` naming it (``row 17: member.connection_count``); ``"collect"``
    yields a result with ``error`` set and goes on.  ``reports=True`` also keeps each
    member's full :class:`Report` on ``result.report``.
    """
    if errors not in ("raise", "collect"):
        raise ValueError("errors must be 'raise' or 'collect'")
    values = ruleset.resolve_params(params) if params else None
    from .ruleset import _as_of_date

    when = _as_of_date(as_of)
    for index, item in enumerate(iter_rows(inputs)):
        try:
            ident, network = _as_network(item, index, source)
        except InputError as exc:
            if errors == "raise":
                raise
            yield MemberResult(index, _safe_id(item, index), error=exc)
            continue
        report = ruleset._evaluate_prepared(network, when, values)
        yield MemberResult(
            index, ident, report.findings, report.skipped, report=report if reports else None
        )


def _safe_id(item: Any, index: int) -> str:
    if isinstance(item, Mapping):
        for key in ID_KEYS:
            if isinstance(item.get(key), (str, int)):
                return str(item[key])
    return str(index + 1)


def result_rows(result: MemberResult) -> Iterator[dict[str, Any]]:
    """The flat output rows of one member: one per finding (``netrules batch`` writes these)."""
    for f in result.findings:
        yield {
            "member": result.id,
            "rule": f.rule,
            "severity": f.severity,
            "category": f.category,
            "subject_kind": f.subject.kind,
            "subject_id": f.subject.id,
            "message": f.message,
            "evidence": jsonable(f.evidence),
        }


@attrs.frozen(slots=True)
class BadLine:
    """An input line that failed before JSON parsing (e.g. not UTF-8)."""

    reason: str


# ------------------------------------------------------------------ shipping rules


@attrs.frozen(slots=True)
class RuleSpec:
    """Everything a worker needs to rebuild a RuleSet: rule texts, not compiled code.

    Compiled functions do not pickle; rule texts do, and rebuilding from them (with
    the parse cache) costs a worker well under a second, once.
    """

    texts: tuple[tuple[str, str], ...]
    disabled: tuple[str, ...]
    min_severity: str | None
    params: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, ruleset: RuleSet, params: Mapping[str, Any] | None = None) -> RuleSpec:
        files = tuple((f.path, f.text) for f in ruleset._files)
        return cls(
            files,
            tuple(ruleset.program.disabled),
            ruleset._min_severity,
            tuple(sorted((params or {}).items())),
        )

    def build(self) -> RuleSet:
        key = hash(self)
        cached = _BUILT.get(key)
        if cached is not None and cached[0] == self:
            return cached[1]
        from .ruleset import load_rules

        ruleset = load_rules(include_default=False, texts=self.texts)
        present = set(ruleset.rule_ids())
        ruleset = ruleset._without([r for r in self.disabled if r in present], self.min_severity)
        _BUILT.clear()  # one rule set per worker at a time
        _BUILT[key] = (self, ruleset)
        return ruleset


_BUILT: dict[int, tuple[RuleSpec, Any]] = {}


def evaluate_lines(
    spec: RuleSpec,
    lines: list[tuple[int, Any]],
    as_of: _dt.date | None,
    source: str,
) -> tuple[list[str], list[tuple[int, str]], int, dict[str, int]]:
    """Evaluate a chunk of JSON Lines in a worker.

    Returns the output lines (JSON), the bad lines ``(line number, error)``, the
    number of members evaluated and the findings per severity.
    """
    ruleset = spec.build()
    params = dict(spec.params) or None
    values = ruleset.resolve_params(params) if params else None
    out: list[str] = []
    bad: list[tuple[int, str]] = []
    members = 0
    severities = {"error": 0, "warning": 0, "info": 0}
    for number, line in lines:
        if isinstance(line, str):
            try:  # strict: duplicate keys, NaN, huge numbers, deep nesting (loaders/reading.py)
                item = loads_json(line, label="<line>")
            except InputError as exc:
                where = exc.location.split(" ")[-1] if exc.location else None
                bad.append((number, exc.message + (f" (column {where})" if where else "")))
                continue
        elif isinstance(line, BadLine):
            bad.append((number, line.reason))
            continue
        else:
            item = line  # a row already read (Parquet)
        try:
            ident, network = _as_network(item, number - 1, source)
        except InputError as exc:
            # "row N: path" -> "path: message"; the line number is reported beside it
            detail = (
                exc.location.split(": ", 1)[1] if exc.location and ": " in exc.location else None
            )
            bad.append((number, f"{detail}: {exc.message}" if detail else exc.message))
            continue
        report = ruleset._evaluate_prepared(network, as_of, values)
        members += 1
        result = MemberResult(number - 1, ident, report.findings, report.skipped)
        for row in result_rows(result):
            severities[row["severity"]] += 1
            out.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    return out, bad, members, severities


# A worker process keeps its rule set between chunks (set by the pool's initializer).
_WORKER: dict[str, Any] = {}


def init_worker(spec: RuleSpec, as_of: _dt.date | None, source: str) -> None:
    _WORKER.update(spec=spec, as_of=as_of, source=source)
    spec.build()


def worker_chunk(
    lines: list[tuple[int, Any]],
) -> tuple[list[str], list[tuple[int, str]], int, dict[str, int]]:
    return evaluate_lines(_WORKER["spec"], lines, _WORKER["as_of"], _WORKER["source"])
