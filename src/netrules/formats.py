"""Report formats for people and for tools: text, concise, json, jsonl, csv, markdown, github.

Each renderer takes the finished :class:`~netrules.findings.Report` and a
:class:`Context` (rule titles, what a baseline hid, whether names were redacted,
and the people behind subject ids for the CSV) and returns one string.  They use
only the public Report/Finding API, so any report renders in any format.
docs/report-format.md describes every format.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, BinaryIO, NamedTuple

from .config import FORMATS

__all__ = [
    "CSV_COLUMNS",
    "FORMATS",
    "Context",
    "render",
    "render_utf8",
    "report_dict",
    "statistics",
]

CSV_COLUMNS = (
    "rule",
    "severity",
    "category",
    "title",
    "subject_kind",
    "subject_id",
    "name",
    "company",
    "position",
    "profile_url",
    "message",
)


class Context(NamedTuple):
    """Everything a renderer may show besides the report itself."""

    titles: Mapping[str, str] = {}  # never mutated
    details: Mapping[str, Mapping[str, str | None]] = {}
    baseline: Any = None  # a BaselineResult
    baseline_path: str | None = None
    redacted: bool = False
    network: Any = None  # for the HTML report
    ruleset: Any = None
    what_if: Any = None  # (DiffResult, removed ids)


def _parts(finding: Any) -> tuple[Any, ...]:
    """The per-subject findings of an aggregated finding, else the finding itself."""
    many = getattr(finding, "subjects", None)
    return tuple(many) if many else (finding,)


def _line(text: str) -> str:
    from .terminal import printable

    return printable(" ".join(text.split()), one_line=True)


def report_dict(report: Any, ctx: Context | None = None) -> dict[str, Any]:
    """``Report.to_dict()`` plus ``baseline`` counts and ``redacted`` when they apply."""
    data: dict[str, Any] = report.to_dict()
    data.update(_report_extras(ctx or Context()))
    return data


def _report_extras(ctx: Context) -> dict[str, Any]:
    """What :func:`report_dict` adds to ``Report.to_dict()``, in that order."""
    data: dict[str, Any] = {}
    if ctx.baseline is not None:
        data["baseline"] = ctx.baseline.to_dict()
    if ctx.redacted:
        data["redacted"] = True
    if ctx.what_if is not None:
        result, removed = ctx.what_if
        diff = result.to_dict()
        data["what_if"] = {"removed": list(removed), **{k: diff[k] for k in _WHAT_IF_KEYS}}
    return data


_WHAT_IF_KEYS = ("facts", "gained", "lost", "changed", "summary")


def _extra_lines(ctx: Context) -> list[str]:
    lines = []
    if ctx.what_if is not None:
        from .diff import render_diff

        result, removed = ctx.what_if
        shown = ", ".join(removed[:5]) + (
            f" and {len(removed) - 5} more" if len(removed) > 5 else ""
        )
        title = f"What if you remove {len(removed)} connection{'s' if len(removed) != 1 else ''} ({shown})"
        lines.append("")
        lines.extend(render_diff(result, title=title).rstrip("\n").split("\n"))
    if ctx.baseline is not None:
        from .baseline import counts_line, stale_lines

        lines.append("")
        lines.append(counts_line(ctx.baseline))
        lines.extend(stale_lines(ctx.baseline, ctx.baseline_path))
    if ctx.redacted:
        lines.append("")
        lines.append("Redacted: names, e-mails, profile URLs and notes are pseudonyms.")
    return lines


def _text(report: Any, ctx: Context, color: bool, width: int | None) -> str:
    from .report_text import render_text

    out = render_text(report, titles=ctx.titles, color=color, width=width)
    extra = _extra_lines(ctx)
    return out + "".join(line + "\n" for line in extra)


def _concise(report: Any, ctx: Context) -> str:
    lines = []
    for f in report.findings:
        for p in _parts(f):
            s = p.subject
            lines.append(_line(f"{s.kind}:{s.id}: {f.severity}[{f.rule}] {p.message}"))
    summary = report.summary
    lines.append(
        f"Found {len(lines)} finding{'s' if len(lines) != 1 else ''} "
        f"({summary['error']} error, {summary['warning']} warning, {summary['info']} info)."
    )
    if ctx.baseline is not None:
        from .baseline import counts_line

        lines.append(counts_line(ctx.baseline) + ".")
    return "\n".join(lines) + "\n"


def _jsonl(report: Any, ctx: Context) -> str:
    return "".join(
        json.dumps(f.to_dict(), ensure_ascii=False, separators=(",", ":")) + "\n"
        for f in report.findings
    )


def _csv(report: Any, ctx: Context) -> str:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        for p in _parts(f):
            s = p.subject
            who = ctx.details.get(f"{s.kind}:{s.id}", {})
            row = [
                f.rule,
                f.severity,
                f.category,
                ctx.titles.get(f.rule, ""),
                s.kind,
                s.id,
                who.get("name") or "",
                who.get("company") or "",
                who.get("position") or "",
                who.get("url") or "",
                p.message,
            ]
            writer.writerow([_formula_safe(_line(cell)) for cell in row])
    return buffer.getvalue()


def _formula_safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def _md(text: str) -> str:
    return " ".join(text.split()).translate(_MD_SPECIAL)


def _markdown(report: Any, ctx: Context, fold: int = 20) -> str:
    who = report.member or "this member"
    summary = report.summary
    out = [f"# netrules report for {_md(who)}, as of {report.as_of.isoformat()}", ""]
    out += ["| errors | warnings | info |", "|---:|---:|---:|"]
    out += [f"| {summary['error']} | {summary['warning']} | {summary['info']} |", ""]
    if not report.findings:
        out += ["No findings.", ""]
    by_category: dict[str, dict[str, list[Any]]] = {}
    for f in report.findings:
        by_category.setdefault(f.category, {}).setdefault(f.rule, []).append(f)
    for category, rules in by_category.items():
        out += [f"## {_md(category)}", ""]
        for rule, group in rules.items():
            first = group[0]
            title = ctx.titles.get(rule)
            count = f" ({len(group)} findings)" if len(group) > 1 else ""
            out += [
                f"### {first.severity}: `{rule}`" + (f" — {_md(title)}" if title else "") + count,
                "",
            ]
            for f in group[:fold]:
                out.append(f"- {_md(f.message)}")
                if getattr(f, "subjects", None):
                    out.extend(f"  - {_md(p.message)}" for p in f.subjects[:fold])
                    if len(f.subjects) > fold:
                        out.append(f"  - … and {len(f.subjects) - fold} more")
            if len(group) > fold:
                out.append(f"- … and {len(group) - fold} more")
            out.append("")
            for advice in first.advice:
                out += [f"> **Advice:** {_md(advice)}", ""]
    if report.skipped:
        out += [
            "## Skipped for missing data",
            "",
            "| rule | subjects | missing |",
            "|---|---:|---|",
        ]
        for s in report.skipped:
            fields = ", ".join(f"{_md(k)} ({v})" for k, v in sorted(s.fields.items()))
            out.append(f"| `{s.rule}` | {s.count} | {fields} |")
        out.append("")
    for line in _extra_lines(ctx):
        out.append(_md(line) if line else "")
    return "\n".join(out).rstrip("\n") + "\n"


def github_escape(text: str, *, prop: bool = False) -> str:
    """Escape text for a GitHub workflow command (``::error ...::message``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def github_annotation(
    level: str,
    message: str,
    *,
    title: str | None = None,
    file: str | None = None,
    line: int | None = None,
    column: int | None = None,
    end_line: int | None = None,
    end_column: int | None = None,
) -> str:
    """One workflow annotation line, e.g. ``::error file=a.rules,line=3,col=5::message``."""
    props = []
    for key, value in (
        ("file", file),
        ("line", line),
        ("col", column),
        ("endLine", end_line),
        ("endColumn", end_column),
        ("title", title),
    ):
        if value is not None:
            props.append(f"{key}={github_escape(str(value), prop=True)}")
    head = f"::{GITHUB_LEVEL.get(level, level)}"
    if props:
        head += " " + ",".join(props)
    return f"{head}::{github_escape(message)}"


def _github(report: Any, ctx: Context) -> str:
    lines = []
    for f in report.findings:
        s = f.subject
        lines.append(
            github_annotation(
                f.severity,
                f.message if getattr(f, "subjects", None) else f"{s.kind} {s.id}: {f.message}",
                title=f"netrules {f.rule}"
                + (f": {ctx.titles[f.rule]}" if f.rule in ctx.titles else ""),
            )
        )
    return "".join(line + "\n" for line in lines)


def _html(report: Any, ctx: Context) -> str:
    from .html_report import render_html

    # The report keeps its network and rule set (report.origin); the context has them too.
    return render_html(report, ctx.network, ctx.ruleset)


def render(
    fmt: str,
    report: Any,
    ctx: Context | None = None,
    *,
    color: bool = False,
    width: int | None = None,
    pretty: bool = False,
) -> str:
    """The report in one format (a name from :data:`FORMATS`), as one string.

    ``json`` is compact unless ``pretty`` (indented by two spaces).
    """
    ctx = ctx or Context()
    if fmt == "text":
        return _text(report, ctx, color, width)
    from .terminal import json_printable, printable

    if fmt == "json":
        from .findings import Report, dumps, report_json

        extras = _report_extras(ctx)
        if isinstance(report, Report):  # the findings' part written without a copy
            # json escapes every newline inside strings: json_printable leaves the last one
            return json_printable(report_json(report, extras, 2 if pretty else None, "\n"))
        text = dumps(report_dict(report, ctx), 2 if pretty else None)
        return json_printable(text) + "\n"
    if fmt == "jsonl":
        return json_printable(_jsonl(report, ctx))
    renderers = {
        "concise": _concise,
        "csv": _csv,
        "markdown": _markdown,
        "github": _github,
        "html": _html,
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")
    text = renderers[fmt](report, ctx)
    return text if fmt in ("csv", "html") else printable(text)


def render_utf8(
    fmt: str,
    report: Any,
    ctx: Context | None = None,
    *,
    color: bool = False,
    width: int | None = None,
    pretty: bool = False,
) -> bytes:
    """:func:`render` encoded as UTF-8, what a report file holds.

    A JSON report is encoded once, in the parts it is made of (never joined as
    text): its UTF-8 bytes are searched for the characters ``json_printable``
    escapes and, without one (nearly always), are the result.
    """
    if fmt == "json":
        from .findings import Report

        if isinstance(report, Report):
            return b"".join(_json_text(report, ctx, pretty).utf8())
    return render(fmt, report, ctx, color=color, width=width, pretty=pretty).encode("utf-8")


def _json_text(report: Any, ctx: Context | None, pretty: bool) -> JsonText:
    """A JSON report's text in parts, encoded when written (see :class:`JsonText`)."""
    from .findings import report_json_parts

    extras = _report_extras(ctx or Context())
    return JsonText(report_json_parts(report, extras, 2 if pretty else None, "\n"))


class JsonText:
    """A JSON report's text in parts (:func:`~netrules.findings.report_json_parts`),
    for a file: :meth:`write_to` encodes a part, writes it and lets it go before the
    next, so that the report's UTF-8 is never held whole (each new megabyte of memory
    costs its first touch: a part's bytes are made in the memory the last one had)."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[str]):
        self.parts = parts

    def utf8(self) -> list[bytes]:
        """The parts' UTF-8, as :func:`render_utf8` gives it (``json_printable``'s text)."""
        return _printable_utf8(self.parts)

    def write_to(self, fh: BinaryIO) -> None:
        """Write the report's UTF-8 (the bytes of :meth:`utf8`) to a binary file.

        Each part's bytes are searched for what ``json_printable`` escapes before they
        are written; when a part holds one (or a lone surrogate), what was written is
        taken back and the whole text is written through ``json_printable``.  A file
        that cannot be taken back (a pipe) has every part's bytes made first."""
        from .terminal import json_printable, utf8_unsafe

        if not fh.seekable():
            fh.writelines(self.utf8())
            return
        start = fh.tell()
        for part in self.parts:
            try:
                data = part.encode()
            except UnicodeEncodeError:  # a lone surrogate, which json_printable escapes
                data = b"\x7f"
            if utf8_unsafe(data):
                fh.seek(start)
                fh.truncate()
                fh.write(json_printable("".join(self.parts)).encode("utf-8"))
                return
            fh.write(data)


def _printable_utf8(parts: list[str]) -> list[bytes]:
    """``json_printable("".join(parts)).encode("utf-8")`` in parts: each part encoded
    once and the bytes kept when none holds anything to escape (found by
    ``bytes.find``, memchr, for the few lead bytes; a character's bytes never span two
    parts).  A large report's text joined would take two bytes a character for a few
    names beyond Latin-1; its UTF-8 takes one or two."""
    from .terminal import json_printable, utf8_unsafe

    try:
        data = list(map(str.encode, parts))
    except UnicodeEncodeError:  # a lone surrogate, which json_printable escapes
        data = [b"\x7f"]
    if any(map(utf8_unsafe, data)):
        return [json_printable("".join(parts)).encode("utf-8")]
    return data


def statistics(report: Any, ctx: Context | None = None, *, as_json: bool = False) -> str:
    """Findings counted per rule, most first (``--statistics``)."""
    ctx = ctx or Context()
    counts: dict[str, list[Any]] = {}
    for f in report.findings:
        entry = counts.setdefault(f.rule, [0, f.severity])
        entry[0] += len(_parts(f))
    rows = sorted(counts.items(), key=lambda kv: (-kv[1][0], kv[0]))
    if as_json:
        data = [
            {"rule": rule, "count": count, "severity": sev, "title": ctx.titles.get(rule)}
            for rule, (count, sev) in rows
        ]
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if not rows:
        return "No findings.\n"
    width_count = max(len(str(c)) for _r, (c, _s) in rows)
    width_rule = max(len(r) for r, _ in rows)
    out = []
    for rule, (count, sev) in rows:
        title = ctx.titles.get(rule, "")
        out.append(f"{count:>{width_count}}  {rule:<{width_rule}}  {sev:<7}  {title}".rstrip())
    total = sum(c for _r, (c, _s) in rows)
    out.append(
        f"Found {total} finding{'s' if total != 1 else ''} from {len(rows)} rule{'s' if len(rows) != 1 else ''}."
    )
    return "\n".join(out) + "\n"
