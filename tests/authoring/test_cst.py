"""The formatter's table-driven parser (netrules.cst) reads every text exactly as lark does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from netrules import cst
from netrules.fmt import _lark, _parse_lark, format_file, format_text
from netrules.strategies import grammar_sources, rule_sources

ROOT = Path(__file__).resolve().parents[2]


def _shape(node: Any) -> Any:
    """A tree as nested tuples: (type, value, start, line, column, end line) per token."""
    if isinstance(node, cst.Tok):
        return (node.type, node.value, node.start_pos, node.line, node.column, node.end_line)
    return (node.data, tuple(_shape(k) for k in node.children))


def _lark_shape(text: str) -> Any:
    """lark's tree and comments for ``text`` as shapes, or None when lark refuses it."""
    from lark.exceptions import UnexpectedInput

    try:
        tree, comments = _parse_lark(text)
    except UnexpectedInput:
        return None
    return _shape(cst.from_lark(tree)), [_shape(cst.from_lark(c)) for c in comments]


def _agrees(text: str) -> bool:
    """cst reads ``text`` as lark does, or hands it to lark; returns whether it read it."""
    fast = cst.parse(text)
    slow = _lark_shape(text)
    if fast is None:
        return False
    assert slow is not None, "cst accepted a text lark refuses"
    assert (_shape(fast[0]), [_shape(c) for c in fast[1]]) == slow
    return True


def test_the_stored_table_is_the_grammars() -> None:
    """data/cst_table.json is what ``python -m netrules.cst`` writes for grammar.lark today."""
    stored = json.loads(cst._table_path().read_text(encoding="utf-8"))
    assert stored == json.loads(json.dumps(cst.build_table(_lark()))), (
        "grammar.lark changed: run `python -m netrules.cst` to write the table again"
    )


def test_the_pack_is_read_without_lark() -> None:
    """Every bundled rule file takes the fast path and gives lark's tree, token for token."""
    files = sorted((ROOT / "rules").glob("*.rules"))
    assert files
    for path in files:
        assert _agrees(path.read_text(encoding="utf-8")), path


def test_every_rule_file_in_the_tests_agrees() -> None:
    """Rule files of the test suite (broken ones included): fast and equal, or handed to lark."""
    read = 0
    for path in sorted((ROOT / "tests").rglob("*.rules")):
        read += _agrees(path.read_text(encoding="utf-8"))
    assert read > 5


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "define x = count(a) + 3days",  # a unit right after its number
        'rule "r" { when a.title == 1 message "m" example fires { title: 1, fires: 2 } }',
        "define fires = 1",  # EXPECT's words are names where a name is wanted
        "table t { default: 5+ }\nset t[default] = 1..3+",
        "define x = -a - -1 ?? 2 * 3 / 4% + 2.5%",
        'param p = 1.5 in 0..-2 "reason"\n',
        'rule "r" { title """two\nlines""" }\n  # after\n',
    ],
)
def test_odd_spellings_agree(text: str) -> None:
    """Keywords as field names, ``+`` as PLUS or ADD_OP, ``-`` as MINUS or ADD_OP, strings over lines."""
    assert _agrees(text)


@pytest.mark.parametrize(
    "text",
    [
        "define x = 1..2024-01-01",  # lark reads INT there: the date shape is handed back
        "define x = a index",  # lark's lexer could split a word differently: handed back
        'rule "r" { when a && b }',  # a character no token starts with
        'rule "r" {',  # the end too early
        'rule "r" { title "open',
    ],
)
def test_what_lark_reads_otherwise_is_handed_back(text: str) -> None:
    """Where the states' lexers of lark could differ from one master expression, lark decides."""
    assert cst.parse(text) is None
    result = format_file(text, "x.rules")
    slow = _lark_shape(text)
    assert (result.text is None) == (slow is None)


def test_a_stale_table_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """After a grammar change without a new table, everything goes through lark (same output)."""
    text = (ROOT / "rules" / "zero.rules").read_text(encoding="utf-8")
    expected = format_text(text)
    monkeypatch.setattr(cst, "_grammar_text", lambda: "// another grammar\n")
    cst._tables.cache_clear()
    try:
        assert cst.parse(text) is None
        assert format_text(text) == expected
    finally:
        monkeypatch.undo()
        cst._tables.cache_clear()


def test_deep_nesting_is_refused_like_the_parser() -> None:
    """A file nested deeper than the parser allows gets the parser's NR103, not a crash."""
    text = "define x = " + "(" * 150 + "1" + ")" * 150 + "\n"
    result = format_file(text, "deep.rules")
    assert result.text is None
    assert [d.code for d in result.diagnostics] == ["NR103"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_sources())
def test_generated_files_agree(text: str) -> None:
    """Generated rule files (every construct of the language) are read as lark reads them."""
    assert _agrees(text)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(grammar_sources())
def test_grammar_fuzz_agrees(text: str) -> None:
    """Text drawn from the grammar itself: read as lark reads it, or handed to lark."""
    _agrees(text)


def test_mutated_pack_items_agree() -> None:
    """Pack items with random edits (keywords, units, symbols, dates inserted or text cut):
    each is read as lark reads it, or handed back to lark (a differential fuzz, seeded)."""
    import random
    import re

    rnd = random.Random(13)
    text = "\n".join(
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").glob("*.rules"))
    )
    items = [i for i in re.split(r"\n(?=(?:rule|param|define|table|set)\b)", text) if len(i) < 800]
    vocab = ["in", "index", "not", "count", "counts", "days", "fires", "default", "within", "+"]
    vocab += ["-", "..", ".", "1", "2.5", "2024-01-01", "%", "??", "=", "==", "title", "(", ")"]
    vocab += ["[", "]", "{", "}", ",", ":", '"s"', "ascending", "each", "#c\n", "\n", "<", "!"]
    read = 0
    for _ in range(150):
        t = rnd.choice(items)
        for _ in range(rnd.randint(1, 3)):
            i = rnd.randrange(len(t) + 1)
            if rnd.random() < 0.6:
                t = t[:i] + rnd.choice(["", " "]) + rnd.choice(vocab) + " " + t[i:]
            else:
                t = t[:i] + t[i + rnd.randint(1, 4) :]
        read += _agrees(t)
    assert read > 30


def test_word_terminals_are_read_from_the_grammar() -> None:
    """AGG, UNIT, ORDER_DIR and EXPECT words come from their patterns (a new aggregate needs
    only the grammar and a new table), and a pattern of another shape is refused."""
    assert cst._words_of(r"(day|week)s?\b") == (["day", "days", "week", "weeks"], True)
    assert cst._words_of("(?:passes|fires)") == (["passes", "fires"], False)
    assert cst._words_of(r"[a-z]+\b") is None
    table = json.loads(cst._table_path().read_text(encoding="utf-8"))
    assert table["candidates"]["count"] == ["AGG", "NAME"]
    assert table["candidates"]["fires"] == ["NAME", "EXPECT"]
