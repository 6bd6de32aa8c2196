"""The human text report (netrules.report_text): grouping, folding, advice, skips, colour."""

from __future__ import annotations

import datetime
import re

from netrules.findings import Finding, Report, RuleSkips, Subject
from netrules.report_text import render_text

AS_OF = datetime.date(2025, 1, 1)
NETWORK = {
    "connections": 3,
    "invitations": 1,
    "removals": 0,
    "recommendations_given": 0,
    "connection_count": 3,
}


def _finding(
    rule: str,
    severity: str,
    category: str,
    n: int = 0,
    advice: tuple[str, ...] = ("Do the thing.",),
) -> Finding:
    kind = "member" if n == 0 else "connection"
    return Finding(
        rule,
        severity,
        category,
        Subject(kind, "member" if n == 0 else f"c{n:02d}"),
        f"{rule} message {n}",
        {},
        advice,
    )


def _report(findings, skipped=(), network=None, member="Ada") -> Report:
    findings = sorted(findings, key=Finding.sort_key)
    return Report(AS_OF, dict(network or NETWORK), tuple(findings), tuple(skipped), member)


def test_header_names_member_date_and_counts():
    """The header names the member and as_of and counts what was loaded."""
    text = render_text(_report([]))
    first, second = text.splitlines()[:2]
    assert first == "netrules report for Ada, as of 2025-01-01"
    assert second == (
        "Loaded 3 connections, 1 invitation, 0 planned removals, 0 recommendations given."
    )


def test_header_without_member_name():
    """Without a member name the header still reads naturally."""
    assert render_text(_report([], member=None)).startswith("netrules report for this member,")


def test_many_findings_of_one_rule_are_folded():
    """A per-item rule with many findings shows the first five messages and '… and N more'."""
    text = render_text(_report([_finding("cold", "warning", "upkeep", i) for i in range(1, 13)]))
    assert "cold (12 findings)" in text
    assert "cold message 5" in text and "cold message 6" not in text
    assert "      … and 7 more\n" in text


def test_six_findings_are_not_folded_for_one():
    """Folding never hides a single message behind '… and 1 more'."""
    text = render_text(_report([_finding("cold", "warning", "upkeep", i) for i in range(1, 7)]))
    assert "and 1 more" not in text and "cold message 6" in text


def test_fold_is_adjustable():
    """render_text(fold=N) shows N messages before folding."""
    text = render_text(
        _report([_finding("cold", "warning", "upkeep", i) for i in range(1, 13)]), fold=2
    )
    assert "… and 10 more" in text


def test_advice_once_per_rule_group():
    """The advice is printed once under its rule group, not once per finding."""
    text = render_text(_report([_finding("cold", "warning", "upkeep", i) for i in range(1, 4)]))
    assert text.count("advice: Do the thing.") == 1


def test_grouped_by_category_then_severity():
    """Categories come in order of their worst severity; inside, errors before warnings."""
    report = _report(
        [
            _finding("a-info", "info", "alpha"),
            _finding("b-warn", "warning", "beta"),
            _finding("b-err", "error", "beta"),
            _finding("a-warn", "warning", "alpha"),
        ]
    )
    lines = [line for line in render_text(report).splitlines() if line and not line.startswith(" ")]
    assert lines[2:4] == ["beta", "alpha"]
    text = render_text(report)
    assert text.index("b-err") < text.index("b-warn") < text.index("alpha")
    assert text.index("a-warn") < text.index("a-info")


def test_titles_are_shown_next_to_rule_ids():
    """Titles passed in are printed after the rule id."""
    text = render_text(
        _report([_finding("cold", "warning", "upkeep")]), titles={"cold": "Gone cold"}
    )
    assert "  warning  cold: Gone cold\n" in text


def test_summary_and_skipped_section():
    """The end has the summary counts and one line per skipping rule with missing fields."""
    report = _report(
        [_finding("x", "error", "c")],
        skipped=[
            RuleSkips("needs-industry", 1, {"member.industry": 1}),
            RuleSkips("per-item", 4, {"connection.company": 3, "unknown value": 1}),
        ],
    )
    text = render_text(report)
    assert "Summary: 1 error, 0 warnings, 0 info" in text
    assert "  needs-industry skipped 1 subject: missing your industry (1)\n" in text
    assert (
        "  per-item skipped 4 subjects: missing the connection's company (3), "
        "a value that was unknown (1)\n"
    ) in text


def test_loader_skips_are_shown():
    """Rows a loader left out (report.network['skipped']) are listed at the end."""
    network = dict(
        NETWORK,
        skipped=[
            {"file": "Connections.csv", "reason": "no name and no URL", "count": 2},
            {"file": "Invitations.csv", "reason": "not in the archive", "count": 0},
        ],
    )
    text = render_text(_report([], network=network))
    assert "Left out while loading the input:" in text
    assert "  Connections.csv: 2 rows skipped, no name and no URL\n" in text
    assert "  Invitations.csv: not in the archive\n" in text


def test_profile_count_shown_when_it_differs():
    """The member's own connection count is shown when it differs from what was loaded."""
    network = dict(NETWORK, connection_count=500)
    assert "(profile says 500 connections)" in render_text(_report([], network=network))


def test_colour_is_the_plain_text_plus_styles():
    """color=True adds ANSI styles and nothing else (both wrapped at the same width)."""
    report = _report([_finding("cold", "warning", "upkeep", i) for i in range(1, 9)])
    plain = render_text(report, width=40)
    coloured = render_text(report, color=True, width=40)
    assert plain.count("\x1b[") == 0 and "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_long_lines_wrap_with_a_hanging_indent():
    """At a width, every row fits, and a message's or advice's next rows start under its text."""
    from netrules.report_text import wrap_line

    advice = [("      advice: ", "advice"), ("one two three four five six seven eight", None)]
    rows = ["".join(t for t, _ in row) for row in wrap_line(advice, 30)]
    assert rows == [
        "      advice: one two three",
        "              four five six",
        "              seven eight",
    ]
    message = [("      - ", "dim"), ("alpha beta gamma delta epsilon", None)]
    rows = ["".join(t for t, _ in row) for row in wrap_line(message, 24)]
    assert rows == ["      - alpha beta gamma", "        delta epsilon"]


def test_wrapping_keeps_styles_and_leaves_long_words_whole():
    """A style spans its words on every row; a word longer than a row is not cut."""
    from netrules.report_text import wrap_line

    line = [
        ("  ", None),
        ("warning", "warning"),
        ("  ", None),
        ("rule-id: ", "rule"),
        ("x" * 50, None),
    ]
    rows = wrap_line(line, 40)
    assert rows == [
        [("  ", None), ("warning", "warning"), ("  ", None), ("rule-id:", "rule")],
        [(" " * 11, None), ("x" * 50, None)],
    ]


def test_unwrapped_without_a_width():
    """A program that asks for no width gets one line per finding message."""
    report = _report([_finding("cold", "warning", "upkeep", 1)])
    assert render_text(report) == render_text(report, width=None)
    assert all(len(line) <= 40 for line in render_text(report, width=40).splitlines())
