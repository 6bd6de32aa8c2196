"""The human text report: findings grouped by category and severity, each advice text once.

:func:`render_text` returns the whole report as one string.  Plain text (for
pipes and files) is built without importing ``rich``; colour goes through
``rich`` only when asked for, so piped output never holds an ANSI escape.
Per-item rules that fire many times are folded: the first few subjects'
messages, then ``… and N more``; an aggregated finding is its one summary line.
An advice text shared by several rules is printed under the first of them only.  The skipped section at the end says which
rules could not judge which subjects, so that silence is never mysterious.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .words import describe

if TYPE_CHECKING:
    from .findings import Finding, Report

__all__ = ["DEFAULT_FOLD", "render_text"]

DEFAULT_FOLD = 5

_SEVERITIES = ("error", "warning", "info")
_STYLES = {
    "error": "bold red",
    "warning": "bold yellow",
    "info": "bold cyan",
    "category": "bold underline",
    "rule": "bold",
    "title": "",
    "dim": "dim",
    "advice": "green",
    "heading": "bold",
}
_COLLECTIONS = (
    ("connections", "connection", "connections"),
    ("invitations", "invitation", "invitations"),
    ("removals", "planned removal", "planned removals"),
    ("recommendations_given", "recommendation given", "recommendations given"),
)

# A line is a list of (text, style) spans; style None is unstyled.
Line = list[tuple[str, "str | None"]]


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _header(report: Report) -> list[Line]:
    who = report.member or "this member"
    net = report.network
    loaded = ", ".join(_plural(int(net.get(key, 0)), one, many) for key, one, many in _COLLECTIONS)
    lines: list[Line] = [
        [
            ("netrules report for ", "heading"),
            (who, "heading"),
            (f", as of {report.as_of.isoformat()}", None),
        ]
    ]
    count = net.get("connection_count")
    extra = (
        f" (profile says {count:,} connections)"
        if (count is not None and count != net.get("connections"))
        else ""
    )
    lines.append([(f"Loaded {loaded}{extra}.", "dim")])
    return lines


def _plural_kind(kind: str) -> str:
    if kind == "person":
        return "people"
    if kind.endswith("y") and kind[-2:-1] not in ("a", "e", "i", "o", "u"):
        return kind[:-1] + "ies"
    return kind if kind.endswith("s") else kind + "s"


_FACT_LABELS = {
    "as_of": "as of",
    "member.industry": "industry",
    "member.career_level": "career level",
    "member.job_seeking": "job seeking",
    "member.situations": "situations",
    "member.joined_on": "joined LinkedIn",
    "member.exchanges_recorded": "exchanges",
    "member.recommendations_recorded": "recommendations given",
    "connections.relationship": "relationships",
    "connections.last_interaction_on": "last interactions",
    "invitations.status": "invitations",
}


def _fact_value(value: Any) -> str:
    if value is None:
        return "not known"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "none applies"
    if isinstance(value, dict):
        return ", ".join(f"{n:,} {k}" for k, n in value.items())
    if isinstance(value, int):
        return f"{value:,} connections"
    return str(value)


def assumptions_block(report: Report) -> list[Line]:
    """ "What netrules assumed about you": each fact an export did not state
    outright, its value, why, and how to correct it (empty without any)."""
    facts = report.assumptions
    if not facts:
        return []
    lines: list[Line] = [
        [],
        [("What netrules assumed about you (correct what is wrong):", "heading")],
    ]
    for fact in facts:
        name = str(fact.get("fact"))
        label = _FACT_LABELS.get(name, name)
        source = fact.get("source")
        value = fact.get("value")
        tag = f"{source}, {fact.get('confidence')} confidence" if value is not None else ""
        head: Line = [("  ", None), (f"{label}: ", "rule"), (_fact_value(value), None)]
        if tag:
            head.append((f" ({tag})", "dim"))
        lines.append(head)
        if fact.get("why"):
            lines.append([("      why: ", "dim"), (str(fact["why"]), None)])
        if fact.get("override"):
            lines.append([("      correct with: ", "advice"), (str(fact["override"]), None)])
    return lines


def _rule_group(
    rule: str,
    findings: list[Finding],
    titles: Mapping[str, str],
    fold: int,
    seen_advice: set[str] | None = None,
) -> list[Line]:
    """One rule's findings at one severity: a head line, the messages, new advice only.

    An aggregated finding is one line (its summary); ``seen_advice`` holds the advice
    texts already printed higher up in the report, which are not repeated.
    """
    first = findings[0]
    head: Line = [
        ("  ", None),
        (f"{first.severity:<7}", first.severity),
        ("  ", None),
        (rule, "rule"),
    ]
    title = titles.get(rule)
    if title:
        head.append((f": {title}", "title"))
    if len(findings) == 1 and first.subjects:
        head.append((f" ({len(first.subjects):,} {_plural_kind(first.subject.kind)})", "dim"))
    elif len(findings) > 1:
        head.append((f" ({len(findings):,} findings)", "dim"))
    lines = [head]
    shown = findings if len(findings) <= fold + 1 else findings[:fold]
    for f in shown:
        lines.append([("      - ", "dim"), (f.message, None)])
    if len(shown) < len(findings):
        lines.append([(f"      … and {len(findings) - len(shown):,} more", "dim")])
    for text in first.advice:
        if seen_advice is not None:
            if text in seen_advice:
                continue
            seen_advice.add(text)
        lines.append([("      advice: ", "advice"), (text, None)])
    return lines


def _findings(report: Report, titles: Mapping[str, str], fold: int) -> list[Line]:
    by_category: dict[str, dict[str, dict[str, list[Finding]]]] = {}
    for f in report.findings:
        (
            by_category.setdefault(f.category, {})
            .setdefault(f.severity, {})
            .setdefault(f.rule, [])
            .append(f)
        )
    rank = {s: i for i, s in enumerate(_SEVERITIES)}

    def category_key(item: tuple[str, dict[str, Any]]) -> tuple[int, str]:
        name, sevs = item
        return (min(rank.get(s, 9) for s in sevs), name)

    lines: list[Line] = []
    seen_advice: set[str] = set()  # each advice text once per report
    for category, sevs in sorted(by_category.items(), key=category_key):
        lines.append([])
        lines.append([(category, "category")])
        for severity in sorted(sevs, key=lambda s: rank.get(s, 9)):
            for rule, group in sevs[severity].items():
                lines.extend(_rule_group(rule, group, titles, fold, seen_advice))
    return lines


def _fields_text(fields: Mapping[str, int], words: Mapping[str, str] | None = None) -> str:
    """The missing facts in words (words.describe), never as an expression."""
    parts = []
    for name, count in sorted(fields.items()):
        parts.append(f"{describe(name, words)} ({count:,})")
    return "missing " + ", ".join(parts)


def _footer(report: Report, words: Mapping[str, str] | None = None) -> list[Line]:
    summary = report.summary
    lines: list[Line] = [[]]
    if not report.findings:
        lines.append([("No findings.", "heading")])
    parts: Line = [("Summary: ", "heading")]
    for i, sev in enumerate(_SEVERITIES):
        if i:
            parts.append((", ", None))
        count = summary.get(sev, 0)
        parts.append(
            (_plural(count, sev, "info" if sev == "info" else None), sev if count else None)
        )
    lines.append(parts)
    if report.skipped:
        lines.append([])
        lines.append(
            [("Skipped for missing data (no finding there does not mean no problem):", "heading")]
        )
        for s in report.skipped:
            lines.append(
                [
                    ("  ", None),
                    (s.rule, "rule"),
                    (
                        f" skipped {_plural(s.count, 'subject')}: {_fields_text(s.fields, words)}",
                        None,
                    ),
                ]
            )
    loader = report.network.get("skipped") or ()
    if loader:
        lines.append([])
        lines.append([("Left out while loading the input:", "heading")])
        for item in loader:
            count = int(item.get("count", 0))
            rows = f"{_plural(count, 'row')} skipped, " if count else ""
            lines.append([(f"  {item.get('file')}: {rows}{item.get('reason')}", None)])
    return lines


def report_lines(
    report: Report,
    *,
    titles: Mapping[str, str] | None = None,
    fold: int = DEFAULT_FOLD,
    words: Mapping[str, str] | None = None,
) -> list[Line]:
    """The report as styled lines (for :func:`render_text` and for tests).

    ``words`` adds to or overrides :data:`netrules.words.FIELD_WORDS` for the
    skipped section.
    """
    lines = _header(report)
    lines.extend(assumptions_block(report))
    lines.extend(_findings(report, titles or {}, fold))
    lines.extend(_footer(report, words))
    return lines


# Where a wrapped line's continuation rows start: under the text after the line's
# marker ("- ", "advice: ", "why: ", "correct with: ", the severity column), else two
# columns in from the line's own indentation.
_HANG = re.compile(r" *(?:- |advice: |why: |correct with: |(?:error|warning|info) +(?=\S))?")
_WORD = re.compile(r"\S+")


def _slice(line: Line, start: int, end: int) -> Line:
    """The spans of ``line`` between two character offsets of its text, styles kept."""
    out: Line = []
    pos = 0
    for text, style in line:
        lo, hi = max(start, pos), min(end, pos + len(text))
        if lo < hi:
            out.append((text[lo - pos : hi - pos], style))
        pos += len(text)
    return out


def wrap_line(line: Line, width: int) -> list[Line]:
    """``line`` as screen rows of at most ``width`` characters, with a hanging indent.

    Breaks only between words; a single word longer than a row (a long address) is
    left whole on its own row rather than cut.
    """
    text = "".join(part for part, _style in line)
    if len(text) <= width:
        return [line]
    m = _HANG.match(text)
    hang = m.end() if m and m.group().strip() else len(text) - len(text.lstrip(" ")) + 2
    if hang > width // 2:
        hang = 4
    rows: list[Line] = []
    row_start = 0  # offset in text where the current row's words start
    row_end = 0
    first = True
    for word in _WORD.finditer(text, m.end() if m else 0):
        limit = width if first else width - hang
        if word.end() - row_start > limit and row_end > row_start:
            rows.append(_slice(line, 0 if first else row_start, row_end))
            first = False
            row_start = word.start()
        row_end = word.end()
    rows.append(_slice(line, 0 if first else row_start, row_end))
    return [rows[0]] + [[(" " * hang, None), *row] for row in rows[1:]]


def _wrapped(lines: Iterable[Line], width: int | None) -> list[Line]:
    if not width:
        return list(lines)
    return [row for line in lines for row in wrap_line(line, width)]


def _plain(lines: Iterable[Line]) -> str:
    return "".join("".join(text for text, _style in line) + "\n" for line in lines)


def _coloured(lines: Iterable[Line], width: int | None) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        no_color=False,
        color_system="standard",
        width=width or 100,
        legacy_windows=False,
        highlight=False,
        emoji=False,
        markup=False,
    )
    for line in lines:
        text = Text()
        for part, style in line:
            text.append(part, style=_STYLES.get(style or "", "") or None)
        console.print(text, soft_wrap=True)
    return buffer.getvalue()


def render_text(
    report: Report,
    *,
    titles: Mapping[str, str] | None = None,
    color: bool = False,
    width: int | None = None,
    fold: int = DEFAULT_FOLD,
    words: Mapping[str, str] | None = None,
) -> str:
    """The report for people; ``color`` adds ANSI styles (via rich), else plain text.

    ``titles`` maps rule ids to titles (shown next to each rule id); ``fold``
    is how many messages of one rule are shown before ``… and N more``; ``words``
    extends the field→words table of the skipped section (netrules.words).
    """
    from .terminal import printable

    # Names, messages and evidence come from input data: no escape sequence
    # in them may reach the terminal (the styles are added after this).
    lines = _wrapped(
        (
            [(printable(text, one_line=True), style) for text, style in line]
            for line in report_lines(report, titles=titles, fold=fold, words=words)
        ),
        width,
    )
    return _coloured(lines, width) if color else _plain(lines)
