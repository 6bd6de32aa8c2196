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
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .batchgen import BatchProgram, compile_batch
from .errors import InputError
from .evaluator import outcome
from .findings import Finding, Report, RuleSkips, Subject
from .loaders.json_doc import network_from_dict
from .loaders.reading import loads_json
from .model import Network
from .values import jsonable

if TYPE_CHECKING:
    from .ruleset import RuleSet

__all__ = ["BatchResults", "MemberResult", "RuleSpec", "evaluate_many", "iter_rows", "result_rows"]

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
    findings: Sequence[Finding] = ()  # a tuple, or the lazy Findings of a report
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
    if not _is_table(inputs):
        return iter(inputs)  # no generator in between: chunks are cut at C speed
    return itertools.chain.from_iterable(_table_pieces(inputs))


def _is_table(inputs: Any) -> bool:
    return hasattr(inputs, "columns") or hasattr(inputs, "schema")


class _Pieces:
    """An input already cut into lists of rows (a table's record batches): each list
    is read in place."""

    def __init__(self, lists: Iterator[list[Any]]):
        self.lists = lists


def _table_pieces(inputs: Any) -> Iterator[list[Any]]:
    """A table's rows as dicts, a list at a time, converted column by column."""
    if hasattr(inputs, "to_batches") and hasattr(inputs, "schema"):  # pyarrow.Table
        for batch in inputs.to_batches():
            names = batch.schema.names
            if len(set(names)) != len(names):  # to_pylist keeps the last of equal names
                yield batch.to_pylist()
                continue
            columns = [column.to_pylist() for column in batch.columns]
            yield _dicts(tuple(names), columns, batch.num_rows)
        return
    if hasattr(inputs, "iter_rows") and hasattr(inputs, "columns"):  # polars.DataFrame
        yield list(inputs.iter_rows(named=True))
        return
    if hasattr(inputs, "to_dict") and hasattr(inputs, "columns"):  # pandas.DataFrame
        yield _pandas_rows(inputs)
        return
    yield list(inputs)


def _pandas_rows(frame: Any) -> list[dict[str, Any]]:
    """``[{column: _pandas_value(value)}]`` per row of ``frame.to_dict("records")``,
    computed column by column: ``to_dict("list")`` gives the same Python values (numpy
    scalars of object columns unboxed alike), and a column of whole numbers or booleans
    has no missing value to convert."""
    import numpy  # pandas' own dependency

    if not frame.columns.is_unique:  # to_dict drops all but one of equal names
        return [{k: _pandas_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
    names = list(frame.columns)
    listed = frame.to_dict("list")
    columns = []
    for name, dtype in zip(names, frame.dtypes, strict=True):
        values = listed[name]
        kind = dtype.kind if isinstance(dtype, numpy.dtype) else "?"
        if kind in "iub":
            columns.append(values)  # Python ints and bools: nothing missing, nothing to change
        elif kind == "f":
            columns.append([None if v != v else v for v in values])  # NaN is unknown
        else:  # text, timestamps, extension types...: as _pandas_value says
            columns.append([v if v.__class__ is str else _pandas_value(v) for v in values])
    return _dicts(tuple(names), columns, len(frame))


# Per tuple of column names: a function making the rows of a table from its columns.
_MAKERS: dict[tuple[Any, ...], Any] = {}


def _dicts(names: tuple[Any, ...], columns: list[list[Any]], count: int) -> list[dict[Any, Any]]:
    """``[dict(zip(names, values)) for values in zip(*columns)]`` (``count`` rows), a
    third faster: a comprehension with one dict display, generated per tuple of names
    (the names are passed as values, never written into the code)."""
    if not names:
        return [{} for _ in range(count)]
    maker = _MAKERS.get(names)
    if maker is None:
        args = ", ".join(f"k{i}=K[{i}]" for i in range(len(names)))
        values = ", ".join(f"v{i}" for i in range(len(names)))
        display = ", ".join(f"k{i}: v{i}" for i in range(len(names)))
        source = (
            f"def rows(columns, {args}):\n"
            f"    return [{{{display}}} for {values}, in zip(*columns)]\n"
        )
        scope: dict[str, Any] = {"K": names, "zip": zip}
        exec(compile(source, "<netrules-table-rows>", "exec"), scope)
        maker = scope["rows"]
        if len(_MAKERS) >= 64:
            _MAKERS.clear()
        _MAKERS[names] = maker
    rows: list[dict[Any, Any]] = maker(columns)
    return rows


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


# Rows per call of the generated batch function: large enough that the per-call cost
# vanishes, small enough that a stream is never held whole.
CHUNK = 1024

# One row's outcome: (position in its chunk, findings, skips, error, report).
# findings: a tuple, or a report's lazy Findings (built when read)
_Outcome = tuple[int, Sequence[Finding], tuple[RuleSkips, ...], InputError | None, Report | None]


class _Engine:
    """Evaluates chunks of rows: member rows through the rule set's generated batch
    function (batchgen.py), everything else (documents, Network objects, rows the
    batch function leaves to the loader) one at a time, with the same results."""

    def __init__(
        self,
        ruleset: RuleSet,
        as_of: _dt.date | None,
        values: dict[str, Any] | None,
        reports: bool,
        source: str,
    ):
        self.ruleset = ruleset
        self.as_of = as_of
        self.values = values
        self.params = values or ruleset._params
        self.reports = reports
        self.source = source
        # a full Report per member needs the member's Network: one at a time
        self.fast = None if reports else batch_program(ruleset, as_of is None)
        # a member rule's subject is the same for every member: one object, shared
        self._subjects: dict[tuple[str, Any], Subject] = {}
        # per (rule index, subject id): what its findings share (see finding())
        self._made: dict[tuple[int, Any], tuple[Any, ...]] = {}
        limit = ruleset._min_severity
        self.keep = None if limit is None else _SEVERITIES[: _SEVERITIES.index(limit) + 1]
        compiled = ruleset._compiled
        # no precedence, no severity filter: a lone finding is final as it is
        self.plain = self.keep is None and not compiled.suppressions and not compiled.hides_all
        # the batch function builds the Findings itself (records are (position, Finding))
        self.direct = self.fast is not None and self.fast.direct
        self.multi = self.fast is not None and self.fast.rules > 1  # rows of two findings

    def run(
        self, rows: Sequence[Any], lo: int = 0, hi: int | None = None
    ) -> tuple[list[tuple[Any, ...]], list[tuple[int, Any]], list[int]]:
        """The batch function's records, skips and slow rows of ``rows[lo:hi]``
        (positions are indices into ``rows``; see BatchProgram.run)."""
        hi = len(rows) if hi is None else hi
        if self.fast is None:
            return [], [], list(range(lo, hi))
        today = _dt.date.today() if self.as_of is None else None
        return self.fast.run(rows, lo, hi, self.as_of, self.params, self.ruleset._tables, today)

    def finding(self, rec: tuple[Any, ...]) -> Finding:
        """The Finding of one record ``(position, rule index, severity, subject id,
        values)``, as the report's Findings would build it (one shared Subject)."""
        made = self._made.get((rec[1], rec[3]))
        if made is None:
            made = self._make(rec[1], rec[3])
        render, rule, category, subject, advice, source = made
        message, evidence = render(rec[4])
        return Finding(rule, rec[2], category, subject, message, evidence, advice, source)

    def _make(self, index: int, sid: Any) -> tuple[Any, ...]:
        info = self.ruleset._compiled.outputs[index]
        assert info is not None
        subject = self._subjects.get((info.kind, sid))
        if subject is None:
            subject = self._subjects[(info.kind, sid)] = Subject(info.kind, str(sid))
        made = (info.render, info.rule, info.category, subject, info.advice, info.source)
        self._made[(index, sid)] = made
        return made

    def several(
        self, recs: list[tuple[Any, ...]], skipped: list[tuple[int, Any]]
    ) -> tuple[tuple[Finding, ...], tuple[RuleSkips, ...]]:
        """One row's findings and skips from its records: precedence, order and
        ``min_severity`` applied as ``evaluate()`` applies them."""
        skips: dict[Any, int] = {}
        for _pos, sk in skipped:
            skips[sk] = skips.get(sk, 0) + 1
        if self.direct:  # Findings already: only the precedence and their order to apply
            found = tuple(rec[1] for rec in recs)
            if len(found) > 1:
                suppressions = self.ruleset._compiled.suppressions
                hidden = {rid for f in found for rid in suppressions.get(f.rule, ())}
                found = tuple(
                    sorted((f for f in found if f.rule not in hidden), key=Finding.sort_key)
                )
            if not skips:
                return found, ()
            return found, outcome(self.ruleset._compiled, [], skips, {})[1]
        if len(recs) == 1 and not skipped and self.plain:
            return (self.finding(recs[0]),), ()
        every, skips_out = outcome(self.ruleset._compiled, [rec[1:] for rec in recs], skips, {})
        if self.keep is None:
            return tuple(every), skips_out
        return tuple(f for f in every if f.severity in self.keep), skips_out

    def outcomes(
        self,
        rows: Sequence[Any],
        indices: Sequence[int],
        lo: int = 0,
        hi: int | None = None,
        ran: Any = None,
    ) -> Iterator[_Outcome]:
        """The rows of ``rows[lo:hi]`` with something to say (findings, skips, an
        error), in order, by position in ``rows``; the rows left out are clean.
        ``indices[pos]`` is the row's index in the input; ``ran`` what :meth:`run`
        gave for these rows."""
        hi = len(rows) if hi is None else hi
        recs, skipped, slow = self.run(rows, lo, hi) if ran is None else ran
        nr, nk, ns = len(recs), len(skipped), len(slow)
        r = k = s = 0
        while r < nr or k < nk or s < ns:
            pos = min(
                recs[r][0] if r < nr else hi,
                skipped[k][0] if k < nk else hi,
                slow[s] if s < ns else hi,
            )
            if s < ns and slow[s] == pos:  # never recorded by the batch function
                s += 1
                try:
                    _ident, network = _as_network(rows[pos], indices[pos], self.source)
                except InputError as exc:
                    yield pos, (), (), exc, None
                    continue
                report = self.ruleset._evaluate_prepared(network, self.as_of, self.values)
                if report.findings or report.skipped or self.reports:
                    yield pos, report.findings, report.skipped, None, report
                continue
            r0, k0 = r, k
            while r < nr and recs[r][0] == pos:
                r += 1
            while k < nk and skipped[k][0] == pos:
                k += 1
            found, skips_out = self.several(recs[r0:r], skipped[k0:k])
            yield pos, found, skips_out, None, None


_SEVERITIES = ("error", "warning", "info")


def batch_program(ruleset: RuleSet, row_as_of: bool) -> BatchProgram | None:
    """The rule set's batch function (generated on first use, kept on the rule set)."""
    cache = ruleset._batch
    if row_as_of not in cache:
        # no severity filter: each finding is kept as its rule makes it, but for the
        # precedence between member rules (several() applies it to a row's findings;
        # a member rule hiding a per-item rule's findings hides nothing in a member row)
        outputs = ruleset._compiled.outputs if ruleset._min_severity is None else None
        cache[row_as_of] = compile_batch(ruleset.program, row_as_of, outputs)
    program: BatchProgram | None = cache[row_as_of]
    return program


class BatchResults(Iterator[MemberResult]):
    """What ``evaluate_many`` returns: an iterator of one :class:`MemberResult` per
    input row, in input order, evaluated chunk by chunk as it is consumed.

    :meth:`findings` reads the same batch without a result object per member (the
    fastest way through a large batch); use one or the other on one batch.
    """

    def __init__(
        self,
        engine: _Engine,
        rows: Iterable[Any] | _Pieces,
        errors: str,
    ):
        self._engine = engine
        self._rows = rows
        self._errors = errors
        self._members = self._each()
        self.unreadable: list[MemberResult] = []
        """With ``errors="collect"``, the rows :meth:`findings` could not read."""

    def __iter__(self) -> BatchResults:
        return self

    def __next__(self) -> MemberResult:
        return next(self._members)

    def _chunks(self) -> Iterator[tuple[Sequence[Any], int, int, range]]:
        """``(rows, lo, hi, indices)``: ``rows[lo:hi]`` are the next rows, ``indices``
        their indices in the input (by position in ``rows``).  A list is read in
        place, CHUNK rows at a time (copying it costs a tenth of a simple batch);
        anything else is cut into lists of CHUNK rows, never held whole."""
        rows = self._rows
        if rows.__class__ is list or rows.__class__ is tuple:
            everything = range(1 << 62)  # position == index
            lo = 0
            while lo < len(rows):  # len() each time: as a list iterator would
                hi = min(lo + CHUNK, len(rows))
                yield rows, lo, hi, everything
                lo = hi
            return
        if isinstance(rows, _Pieces):  # a table's lists of rows, each read in place
            base = 0
            for piece in rows.lists:
                at = range(base, base + len(piece))
                for lo in range(0, len(piece), CHUNK):
                    yield piece, lo, min(lo + CHUNK, len(piece)), at
                base += len(piece)
            return
        base = 0
        stream = iter(rows)
        while True:
            chunk = list(itertools.islice(stream, CHUNK))
            if not chunk:
                return
            yield chunk, 0, len(chunk), range(base, base + len(chunk))
            base += len(chunk)

    def _each(self) -> Iterator[MemberResult]:
        for rows, lo, hi, indices in self._chunks():
            said = self._engine.outcomes(rows, indices, lo, hi)
            nxt = next(said, None)
            for pos in range(lo, hi):
                row = rows[pos]
                index = indices[pos]
                if nxt is None or nxt[0] != pos:
                    yield MemberResult(index, _row_id(row, index))
                    continue
                _pos, found, skipped, error, report = nxt
                nxt = next(said, None)
                if error is not None:
                    if self._errors == "raise":
                        raise error
                    yield MemberResult(index, _safe_id(row, index), error=error)
                    continue
                yield MemberResult(index, _row_id(row, index), found, skipped, report=report)

    def findings(self) -> Iterator[tuple[int, str, Finding]]:
        """``(index, member id, finding)`` for every finding of the batch, in input order.

        Members without findings cost no object at all.  Skips are not reported here
        (iterate the results for them); with ``errors="collect"`` unreadable rows are
        kept in :attr:`unreadable`.  Evaluated a chunk of rows at a time, as it is read.
        """
        # a list of triples per chunk, read through itertools.chain: no generator to
        # resume per finding (a chunk with rows read one at a time stays a generator,
        # so that an error comes after the findings of the rows before it)
        return itertools.chain.from_iterable(self._finding_chunks())

    def _finding_chunks(self) -> Iterator[Iterable[tuple[int, str, Finding]]]:
        engine = self._engine
        for rows, lo, hi, indices in self._chunks():
            ran = engine.run(rows, lo, hi)
            recs, _skipped, slow = ran
            if slow or not engine.direct:  # rows read one at a time, or precedence
                yield self._findings_of(rows, indices, lo, hi, ran)
                continue
            base = indices.start  # the batch function built the Findings
            if engine.multi:
                yield _direct(rows, recs, base, engine.several)
                continue
            # one finding per row at most: the id as _row_id reads it, a str id at once
            yield [
                (
                    base + pos,
                    ident
                    if (ident := rows[pos].get("id")).__class__ is str
                    else _row_id(rows[pos], base + pos),
                    finding,
                )
                for pos, finding in recs
            ]

    def _findings_of(
        self, rows: Sequence[Any], indices: range, lo: int, hi: int, ran: Any
    ) -> Iterator[tuple[int, str, Finding]]:
        for pos, found, _skipped, error, _report in self._engine.outcomes(
            rows, indices, lo, hi, ran
        ):
            index = indices[pos]
            if error is not None:
                if self._errors == "raise":
                    raise error
                self.unreadable.append(MemberResult(index, _safe_id(rows[pos], index), error=error))
                continue
            if found:
                ident = _row_id(rows[pos], index)
                for f in found:
                    yield index, ident, f


def _direct(
    rows: Sequence[Any], recs: list[Any], base: int, several: Any
) -> Iterator[tuple[int, str, Finding]]:
    """``(index, member id, finding)`` from the batch function's ``(position, Finding)``
    records of rows it read (dicts), ordering the findings of a row that has more
    than one (``several``)."""
    n, count = 0, len(recs)
    while n < count:
        pos = recs[n][0]
        end = n + 1
        while end < count and recs[end][0] == pos:
            end += 1
        found = several(recs[n:end], [])[0] if end > n + 1 else (recs[n][1],)
        n = end
        ident = _row_id(rows[pos], base + pos)
        for finding in found:
            yield base + pos, ident, finding


def _row_id(item: Any, index: int) -> str:
    """The member's id in the results: the row's ``id`` or ``member_id`` (the first
    given), else its 1-based row number (as _member_id reads it)."""
    if item.__class__ is dict or isinstance(item, Mapping):
        for key in ID_KEYS:
            value = item.get(key)
            if value is not None:
                return str(value)
    return str(index + 1)


def evaluate_many(
    ruleset: RuleSet,
    inputs: Iterable[Any] | Any,
    *,
    as_of: _dt.date | str | None = None,
    params: Mapping[str, Any] | None = None,
    reports: bool = False,
    errors: str = "raise",
    source: str = "<batch>",
) -> BatchResults:
    """Evaluate every member of ``inputs``: one :class:`MemberResult` each, in order.

    ``errors="raise"`` (the default) stops at the first unreadable row with an
    :class:`InputError` naming it (``row 17: member.connection_count``); ``"collect"``
    yields a result with ``error`` set and goes on.  ``reports=True`` also keeps each
    member's full :class:`Report` on ``result.report``.
    """
    if errors not in ("raise", "collect"):
        raise ValueError("errors must be 'raise' or 'collect'")
    values = ruleset.resolve_params(params) if params else None
    from .ruleset import _as_of_date

    engine = _Engine(ruleset, _as_of_date(as_of), values, reports, source)
    if inputs.__class__ is list or inputs.__class__ is tuple:
        return BatchResults(engine, inputs, errors)  # read in place (BatchResults._chunks)
    if _is_table(inputs):
        return BatchResults(engine, _Pieces(_table_pieces(inputs)), errors)
    return BatchResults(engine, iter(inputs), errors)


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


_BUILT: dict[int, tuple[RuleSpec, RuleSet]] = {}


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
    items: list[Any] = []
    indices: list[int] = []
    for number, line in lines:
        if line.__class__ is bytes:  # a JSON line as read: decoded here, in the worker
            try:
                line = line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                bad.append((number, "not UTF-8 text"))
                continue
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
        items.append(item)
        indices.append(number - 1)
    severities = {"error": 0, "warning": 0, "info": 0}
    members = len(items)
    engine = _Engine(ruleset, as_of, values, False, source)
    for pos, found, _skipped, error, _report in engine.outcomes(items, indices):
        number = indices[pos] + 1
        if error is not None:
            # "row N: path" -> "path: message"; the line number is reported beside it
            loc = error.location
            detail = loc.split(": ", 1)[1] if loc and ": " in loc else None
            bad.append((number, f"{detail}: {error.message}" if detail else error.message))
            members -= 1
            continue
        result = MemberResult(number - 1, _row_id(items[pos], number - 1), found)
        for row in result_rows(result):
            severities[row["severity"]] += 1
            out.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    bad.sort(key=lambda b: b[0])
    return out, bad, members, severities


# A worker process keeps its rule set between chunks (set by the pool's initializer).
_WORKER: dict[str, Any] = {}


def init_worker(spec: RuleSpec, as_of: _dt.date | None, source: str) -> None:
    _WORKER.update(spec=spec, as_of=as_of, source=source)
    spec.build()


def encoded(
    result: tuple[list[str], list[tuple[int, str]], int, dict[str, int]],
) -> tuple[bytes, list[tuple[int, str]], int, dict[str, int]]:
    """A chunk's result with its output lines joined and encoded, as the output file
    holds them: a worker does this, so that the parent process, which reads the input
    and writes the output for every worker, only moves one buffer per chunk."""
    out, bad, members, severities = result
    return ("\n".join(out) + "\n").encode() if out else b"", bad, members, severities


def worker_chunk(
    lines: list[tuple[int, Any]],
) -> tuple[bytes, list[tuple[int, str]], int, dict[str, int]]:
    return encoded(evaluate_lines(_WORKER["spec"], lines, _WORKER["as_of"], _WORKER["source"]))
