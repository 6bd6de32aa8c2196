"""netrules fmt over generated rule files: same program, every comment kept, idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_support import examples

from netrules.fmt import _leaves, _parse, format_text
from netrules.parser import parse_file
from netrules.strategies import grammar_sources, rule_sources, strip_spans


def same_program(before: str, after: str) -> None:
    a, da = parse_file(before, "x.rules")
    b, db = parse_file(after, "x.rules")
    assert not da and not db, db
    assert strip_spans(a) == strip_spans(b)


@settings(max_examples=examples(0.5), deadline=None)
@given(rule_sources())
def test_fmt_keeps_the_program_and_is_idempotent(text: str) -> None:
    """Formatting a generated file gives the same syntax tree, and formatting again changes nothing."""
    out = format_text(text)
    same_program(text, out)
    assert format_text(out) == out


@st.composite
def commented_sources(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A generated file with comments after random tokens (own-line or trailing)."""
    text = draw(rule_sources())
    tree, _ = _parse(text)
    ends = sorted({t.end_pos for t in _leaves(tree)})
    picks = draw(st.lists(st.sampled_from(ends), max_size=8, unique=True)) if ends else []
    comments = []
    for i, pos in enumerate(sorted(picks, reverse=True)):
        own_line = draw(st.booleans())
        comment = f"# note {i}"
        comments.append(comment)
        insert = f"\n{comment}\n" if own_line else f"  {comment}\n"
        text = text[:pos] + insert + text[pos:]
    return text, comments


@settings(max_examples=examples(0.5), deadline=None)
@given(commented_sources())
def test_fmt_keeps_every_comment(case: tuple[str, list[str]]) -> None:
    """Comments anywhere between tokens survive formatting, once each, and the program is unchanged."""
    text, comments = case
    out = format_text(text)
    same_program(text, out)
    for comment in comments:
        assert out.count(comment + "\n") == 1, (comment, out)
    assert format_text(out) == out


@pytest.mark.parametrize("lines", [1, 2, 5])
def test_fmt_keeps_blank_line_paragraphs_between_items(lines: int) -> None:
    """One blank line or more between two parameters becomes exactly one; none stays none."""
    text = "param a = 1" + "\n" * (lines + 1) + "param b = 2\nparam c = 3\n"
    assert format_text(text) == "param a = 1\n\nparam b = 2\nparam c = 3\n"


@settings(max_examples=examples(0.3), deadline=None)
@given(rule_sources())
def test_lint_never_fails_on_generated_files(text: str) -> None:
    """Lint runs on any loadable generated file and reports warnings with positions inside it."""
    import netrules
    from netrules.lint import lint

    ruleset = netrules.load_rules(include_default=False, texts=[("gen.rules", text)])
    lines = text.count("\n") + 1
    for d in lint(ruleset):
        assert d.severity == "warning" and d.code.startswith("NL")
        assert 1 <= d.line <= lines


@settings(max_examples=examples(0.5), deadline=None)
@given(grammar_sources())
def test_fmt_never_fails_on_arbitrary_text(text: str) -> None:
    """Any text formats or is left alone with diagnostics; what parses keeps its program."""
    from netrules.fmt import format_file

    result = format_file(text, "x.rules")
    tree, diags = parse_file(text, "x.rules")
    if result.text is None:
        assert result.diagnostics
        return
    if tree is not None and not diags:
        same_program(text, result.text)


def test_deep_nesting_is_refused_not_a_traceback() -> None:
    """Nesting deeper than the parser allows gives its NR103 diagnostic."""
    from netrules.fmt import format_file

    text = "define x = " + "(" * 300 + "1" + ")" * 300 + "\n"
    result = format_file(text)
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["NR103"]
