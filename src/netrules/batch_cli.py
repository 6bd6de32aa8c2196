"""``netrules batch``: many members from JSON Lines or Parquet, on processes or Dask.

The input is read in chunks and never held whole; chunks go to local worker
processes (``--jobs``) or to a Dask cluster (``--dask``), each of which builds the
rule set once; results come back and are written in input order, chunk by chunk, so
memory stays flat in the number of members and a chunk recomputed after a lost
worker is still written exactly once.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import InputError, NetrulesError

if TYPE_CHECKING:  # .batch is imported where used: `netrules check` builds this parser too
    from .batch import RuleSpec

__all__ = ["add_parser", "run"]

CHUNK = 2_000  # members per task: large enough to amortise the hop, small enough to stream
OUTPUT_COLUMNS = (
    "member",
    "rule",
    "severity",
    "category",
    "subject_kind",
    "subject_id",
    "message",
    "evidence",
)


class BatchUnavailable(NetrulesError):
    """An optional extra the batch needs (Parquet, Dask) is not installed."""


def add_parser(sub: Any, add_rule_options: Callable[..., None]) -> argparse.ArgumentParser:
    from .cli import _iso_date, _name_value  # the same value checks as `check`

    p: argparse.ArgumentParser = sub.add_parser(
        "batch",
        help="lint many members: JSON Lines or Parquet in, findings out",
        description="Evaluate the rules for every member of INPUT (JSON Lines: one network "
        "document or member row per line; or Parquet: one member row per row) and write one "
        "row per finding to OUTPUT (.jsonl or .parquet). See docs/batch.md.",
    )
    p.add_argument(
        "input", metavar="INPUT", help="a .jsonl file (- for standard input) or .parquet"
    )
    p.add_argument(
        "-o", "--output", metavar="OUTPUT", required=True, help="a .jsonl or .parquet file"
    )
    add_rule_options(p, config=False)
    p.add_argument(
        "--param",
        action="append",
        type=_name_value,
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (repeatable)",
    )
    p.add_argument(
        "--disable", action="append", default=[], metavar="RULE", help="do not run this rule"
    )
    p.add_argument(
        "--as-of",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="judge every member as of this day (default: each input's as_of, else today)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="worker processes (default: every core; 1 runs in this process)",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster at ADDRESS (tcp://host:8786), or 'local' for a "
        "LocalCluster of --jobs workers (needs the extra netrules[dask])",
    )
    p.add_argument(
        "--strict", action="store_true", help="stop with exit code 2 at the first unreadable line"
    )
    p.add_argument("--summary", metavar="FILE", help="also write the summary as JSON to FILE")
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="show progress on standard error (default: only on a terminal)",
    )
    return p


# ------------------------------------------------------------------ input


def _chunks_jsonl(stream: IO[bytes], size: int) -> Iterator[list[tuple[int, Any]]]:
    from .loaders.reading import MAX_DOCUMENT_BYTES

    chunk: list[tuple[int, Any]] = []
    # Each line is read with a bound: one endless line (/dev/zero on stdin) stops there.
    lines = iter(lambda: stream.readline(MAX_DOCUMENT_BYTES + 1), b"")
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_DOCUMENT_BYTES:
            raise InputError(
                f"line {number} is longer than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB; "
                "expected one JSON document per line",
                file=getattr(stream, "name", None)
                if isinstance(getattr(stream, "name", None), str)
                else "<stdin>",
            )
        if not raw.strip():
            continue
        chunk.append((number, raw))  # decoded by the worker (evaluate_lines)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _chunks_parquet(path: Path, size: int) -> Iterator[list[tuple[int, Any]]]:
    pq = _pyarrow_parquet()
    number = 0
    for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
        chunk = []
        for row in batch.to_pylist():
            number += 1
            chunk.append((number, {k: _plain(v) for k, v in row.items()}))
        yield chunk


def _plain(value: Any) -> Any:
    if isinstance(value, (_dt.datetime, _dt.date)):
        return (value.date() if isinstance(value, _dt.datetime) else value).isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _pyarrow_parquet() -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise BatchUnavailable("Parquet needs pyarrow: pip install 'netrules[parquet]'") from None
    return pq


# ------------------------------------------------------------------ output


class _JsonlWriter:
    def __init__(self, path: Path):
        self.fh = open(path, "wb")  # noqa: SIM115 - closed in close()

    def write(self, lines: list[str] | bytes) -> None:
        """Output lines, or a worker's lines already joined and encoded (batch.encoded)."""
        if isinstance(lines, bytes):
            self.fh.write(lines)
        elif lines:
            self.fh.write(("\n".join(lines) + "\n").encode())

    def close(self) -> None:
        self.fh.close()


class _ParquetWriter:
    def __init__(self, path: Path):
        pq = _pyarrow_parquet()
        import pyarrow as pa

        self.pa = pa
        self.schema = pa.schema([(c, pa.string()) for c in OUTPUT_COLUMNS])
        self.writer = pq.ParquetWriter(path, self.schema)

    def write(self, lines: list[str] | bytes) -> None:
        if not lines:
            return
        if isinstance(lines, bytes):  # json.dumps escapes every line break inside a line
            lines = lines.decode().split("\n")[:-1]
        columns: dict[str, list[str]] = {c: [] for c in OUTPUT_COLUMNS}
        for line in lines:
            row = json.loads(line)
            for c in OUTPUT_COLUMNS:
                value = row[c]
                columns[c].append(value if isinstance(value, str) else json.dumps(value))
        self.writer.write_table(self.pa.table(columns, schema=self.schema))

    def close(self) -> None:
        self.writer.close()


# ------------------------------------------------------------------ execution


ChunkResult = tuple[list[str] | bytes, list[tuple[int, str]], int, dict[str, int]]


def _in_process(
    spec: RuleSpec, as_of: Any, source: str, chunks: Iterator[Any]
) -> Iterator[ChunkResult]:
    from .batch import evaluate_lines

    for chunk in chunks:
        yield evaluate_lines(spec, chunk, as_of, source)


def _processes(
    spec: RuleSpec, as_of: Any, source: str, chunks: Iterator[Any], jobs: int
) -> Iterator[ChunkResult]:
    from concurrent.futures import ProcessPoolExecutor

    from .batch import init_worker, worker_chunk

    window: deque[Any] = deque()
    with ProcessPoolExecutor(
        max_workers=jobs, initializer=init_worker, initargs=(spec, as_of, source)
    ) as pool:
        for chunk in chunks:
            window.append(pool.submit(worker_chunk, chunk))
            if len(window) >= 2 * jobs:  # bounded: the input is never read far ahead
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _dask(
    spec: RuleSpec, as_of: Any, source: str, chunks: Iterator[Any], address: str, jobs: int
) -> Iterator[ChunkResult]:
    try:
        from dask.distributed import Client, LocalCluster

        from .batch_dask import RulesPlugin, evaluate_chunk, spec_token
    except ImportError:
        raise BatchUnavailable("--dask needs Dask: pip install 'netrules[dask]'") from None
    cluster = None
    if address == "local":
        import dask

        # Dask's statistical profiler samples each worker's stack every 10 ms: a few
        # per cent of the evaluation, for a dashboard a one-off local run never shows.
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None
            )
        client = Client(cluster)
    else:
        client = Client(address)
    try:
        # The rule set goes to every worker once, by a plugin (batch_dask.py): also to a
        # worker restarted after a crash.  The tasks carry only its token, so they
        # depend on nothing and the scheduler spreads them over all the workers.
        token = spec_token(spec)
        client.register_plugin(RulesPlugin(spec, token), name=f"netrules-rules-{token}")
        window: deque[Any] = deque()
        width = 2 * max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        for chunk in chunks:
            window.append(client.submit(evaluate_chunk, token, chunk, as_of, source, pure=False))
            if len(window) >= width:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def run(args: argparse.Namespace, ruleset: Any, err: Callable[[str], None]) -> int:
    """The batch command; returns its exit code.

    0: every line was read (findings do not change the exit code: they are the output);
    2: unusable input or rules, or with ``--strict`` an unreadable line.  ``err``
    writes one line to standard error.
    """
    from .batch import RuleSpec

    params = dict(args.param)
    ruleset.resolve_params(params)  # bad names and values fail before any input is read
    spec = RuleSpec.of(ruleset, params)
    as_of = args.as_of
    jobs = args.jobs if args.jobs > 0 else (os.cpu_count() or 1)
    source = "<stdin>" if args.input == "-" else args.input
    out_path = Path(args.output)
    in_path = Path(args.input)
    if args.input != "-" and not in_path.is_file():
        raise InputError("no such file", file=args.input)
    if args.input != "-" and in_path.suffix.lower() == ".parquet":
        chunks: Iterator[Any] = _chunks_parquet(in_path, CHUNK)
        stream = None
    else:
        stream = sys.stdin.buffer if args.input == "-" else open(in_path, "rb")  # noqa: SIM115
        chunks = _chunks_jsonl(stream, CHUNK)
    writer: Any = (
        _ParquetWriter(out_path)
        if out_path.suffix.lower() == ".parquet"
        else _JsonlWriter(out_path)
    )
    show = args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())
    if args.dask:
        results = _dask(spec, as_of, source, chunks, args.dask, jobs)
    elif jobs == 1:
        results = _in_process(spec, as_of, source, chunks)
    else:
        results = _processes(spec, as_of, source, chunks, jobs)
    members = findings = 0
    severities = {"error": 0, "warning": 0, "info": 0}
    bad_lines: list[tuple[int, str]] = []
    start = time.perf_counter()
    status = 0
    try:
        for lines, bad, n, sev in results:
            writer.write(lines)
            members += n
            findings += sum(sev.values())
            for key, value in sev.items():
                severities[key] += value
            for number, reason in bad:
                bad_lines.append((number, reason))
                severity = "error" if args.strict else "warning"
                err(
                    f"{source}:{number}: {severity}: {reason}"
                    + ("" if args.strict else " (skipped)")
                )
            if bad and args.strict:
                status = 2
                break
            if show:
                rate = members / max(time.perf_counter() - start, 1e-9)
                sys.stderr.write(f"\r{members:,} members, {findings:,} findings ({rate:,.0f}/s)")
                sys.stderr.flush()
    finally:
        writer.close()
        if stream is not None and stream is not sys.stdin.buffer:
            stream.close()
        if show:
            sys.stderr.write("\n")
    summary = {
        "members": members,
        "findings": findings,
        "by_severity": severities,
        "bad_lines": len(bad_lines),
        "seconds": round(time.perf_counter() - start, 3),
        "stopped_early": status == 2,
    }
    err(
        f"{members:,} members, {findings:,} findings "
        f"({severities['error']} errors, {severities['warning']} warnings, {severities['info']} info)"
        + (f"; {len(bad_lines)} unreadable line(s) skipped" if bad_lines and not status else "")
        + (
            "; stopped at the first unreadable line (--strict): the output is partial, and"
            " holds the other members of that line's chunk"
            if status
            else ""
        )
    )
    if args.summary:
        Path(args.summary).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return status
