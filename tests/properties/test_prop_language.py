"""Robustness of the rule language: any input loads or fails with positioned diagnostics."""

from __future__ import annotations

import json
import os
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prop_support import examples, positions_inside, tokens

import netrules
from netrules.parser import parse_file
from netrules.printer import print_rule_file
from netrules.ruleset import bundled_rules_dir
from netrules.strategies import AS_OF, grammar_sources, rule_sources, strip_spans

PATH = "fuzz.rules"
PACK_FILES = sorted(bundled_rules_dir().glob("*.rules"))
PACK_TEXTS = {p.name: p.read_text(encoding="utf-8") for p in PACK_FILES}


def load_or_diagnose(text: str) -> netrules.RuleSet | None:
    """Load ``text`` alone: a RuleSet, or a RuleError whose positions lie inside the text.

    Any other exception fails the test (it propagates).
    """
    try:
        return netrules.load_rules(include_default=False, texts=[(PATH, text)])
    except netrules.RuleError as err:
        assert err.diagnostics, "a RuleError without diagnostics"
        assert positions_inside(err.diagnostics, PATH, text) == []
        assert any(d.severity == "error" for d in err.diagnostics)
        return None


# ---- arbitrary input ----
VOCABULARY = [
    "param",
    "advice",
    "table",
    "define",
    "set",
    "disable",
    "example",
    "rule",
    "title",
    "severity",
    "category",
    "tags",
    "source",
    "why",
    "for",
    "each",
    "in",
    "where",
    "group",
    "by",
    "as",
    "when",
    "lower",
    "to",
    "suppresses",
    "message",
    "evidence",
    "fires",
    "passes",
    "default",
    "and",
    "or",
    "not",
    "true",
    "false",
    "null",
    "within",
    "count",
    "sum",
    "max",
    "peak",
    "collect",
    "any",
    "all",
    "info",
    "warning",
    "error",
    "member",
    "connections",
    "invitations",
    "as_of",
    "c",
    "x",
    "p1",
    "known",
    "lower",
    "days",
    "years",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    ":",
    ".",
    "..",
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "<",
    ">=",
    "??",
    "=",
    '"r"',
    '"a b"',
    '"{x}"',
    '"{"',
    '"""t"""',
    "1",
    "2.5",
    "10%",
    "2024-01-01",
    "2024-02-30",
    "3 weeks",
    "500+",
    "1..5",
    "\n",
    "#c\n",
    '"',
    "\\",
]


@given(st.text(max_size=200))
def test_arbitrary_text_loads_or_fails_with_positions(text: str) -> None:
    load_or_diagnose(text)


@settings(max_examples=examples(2))
@given(st.lists(st.sampled_from(VOCABULARY), max_size=40).map(" ".join))
def test_token_soup_loads_or_fails_with_positions(text: str) -> None:
    load_or_diagnose(text)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_load_or_fail_with_positions(data: bytes) -> None:
    """Bytes read from a file (undecodable ones included), and the same bytes decoded
    with errors="replace"."""
    load_or_diagnose(data.decode("utf-8", errors="replace"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "bytes.rules")
        path.write_bytes(data)
        try:
            netrules.load_rules(path, include_default=False)
        except netrules.RuleError as err:
            text = data.decode("utf-8", errors="replace")
            assert positions_inside(err.diagnostics, str(path), text) == []


@settings(max_examples=examples(0.5))
@given(grammar_sources())
def test_text_from_the_grammar_loads_or_fails_with_positions(text: str) -> None:
    load_or_diagnose(text)


# ---- mutations of valid files ----
@st.composite
def mutated(draw: Any) -> str:
    """A valid rule file (a pack file or a generated one) with tokens deleted,
    duplicated or swapped."""
    source = draw(
        st.one_of(
            st.sampled_from(sorted(PACK_TEXTS)).map(PACK_TEXTS.get), rule_sources(max_rules=2)
        )
    )
    toks = tokens(source)
    if not toks:
        return source
    for _ in range(draw(st.integers(1, 3))):
        op = draw(st.sampled_from(("delete", "duplicate", "swap")))
        i = draw(st.integers(0, len(toks) - 1))
        if op == "delete" and len(toks) > 1:
            del toks[i]
        elif op == "duplicate":
            toks.insert(i, toks[i])
        else:
            j = draw(st.integers(0, len(toks) - 1))
            toks[i], toks[j] = toks[j], toks[i]
    return "".join(toks)


@settings(max_examples=examples(0.5))
@given(mutated())
def test_mutated_files_load_or_fail_with_positions(text: str) -> None:
    load_or_diagnose(text)


@settings(max_examples=examples(0.3))
@given(mutated())
def test_mutated_files_that_parse_print_back_to_the_same_tree(text: str) -> None:
    rule_file, diagnostics = parse_file(text, PATH)
    if (
        rule_file is None
        or diagnostics
        or any(getattr(item, "duplicate_clauses", ()) for item in rule_file.items)
    ):
        return  # the printer writes each clause once; a duplicate is the checker's error
    printed = print_rule_file(rule_file)
    again, diagnostics = parse_file(printed, PATH)
    assert diagnostics == []
    assert strip_spans(again) == strip_spans(rule_file)


# ---- printing ----
@pytest.mark.parametrize("name", sorted(PACK_TEXTS))
def test_pack_files_print_back_to_the_same_tree(name: str) -> None:
    rule_file, diagnostics = parse_file(PACK_TEXTS[name], name)
    assert diagnostics == []
    printed = print_rule_file(rule_file)
    again, diagnostics = parse_file(printed, name)
    assert diagnostics == []
    assert strip_spans(again) == strip_spans(rule_file)
    assert print_rule_file(again) == printed


def test_the_printed_pack_loads_and_behaves_the_same() -> None:
    """The whole pack, printed, is a rule set with the same rules, parameters and examples."""
    printed = []
    for name, text in PACK_TEXTS.items():
        rule_file, _ = parse_file(text, name)
        printed.append((name, print_rule_file(rule_file)))
    original = netrules.load_rules()
    reprinted = netrules.load_rules(include_default=False, texts=printed)
    assert reprinted.rule_ids() == original.rule_ids()
    assert reprinted.params == original.params
    for case in reprinted.examples():
        assert reprinted.run_example(case).ok, case.name


# ---- deep nesting and big values ----
def _rule(when: str, message: str = "m") -> str:
    return f'rule "r" {{ title "t" severity info when {when} message "{message}" }}'


DEEP = 3000
NESTING = {
    "not": _rule("not " * DEEP + "true"),
    "negation": _rule("-" * DEEP + "1 > 0"),
    "lists": _rule("[" * DEEP + "]" * DEEP + " == []"),
    "and chain": _rule(" and ".join(["true"] * DEEP)),
    "sum chain": _rule(" + ".join(["1"] * DEEP) + " > 0"),
    "coalesce chain": _rule(" ?? ".join(["1"] * DEEP) + " > 0"),
    "field chain": _rule("member" + ".name" * DEEP + ' == "a"'),
    "calls": _rule("lower(" * DEEP + '"a"' + ")" * DEEP + ' == "a"'),
    "aggregates": _rule("count(x in connections where " * 300 + "true" + ")" * 300 + " > 0"),
    "message hole": _rule("true", "{" + "-" * DEEP + "1}"),
    "example data": 'example "e" ' + "{a: " * DEEP + "1" + "}" * DEEP,
    "example lists": 'example "e" {a: ' + "[" * DEEP + "]" * DEEP + "}",
    "definitions with parameters": "define d0(x) = x\n"
    + "".join(f"define d{i}(x) = d{i - 1}(x) + 1\n" for i in range(1, 1000))
    + _rule("d999(1) > 0"),
}


@pytest.mark.parametrize("text", NESTING.values(), ids=NESTING.keys())
def test_deep_nesting_is_a_diagnostic_not_a_recursion_error(text: str) -> None:
    assert load_or_diagnose(text) is None


def test_parentheses_add_no_depth() -> None:
    """Thousands of redundant parentheses are fine: they make no node."""
    assert load_or_diagnose(_rule("(" * DEEP + "true" + ")" * DEEP)) is not None


def _chain(length: int) -> str:
    return (
        "define d0 = 1\n"
        + "".join(f"define d{i} = d{i - 1} + 1\n" for i in range(1, length))
        + _rule(f"d{length - 1} > 0")
    )


def test_a_long_chain_of_definitions_is_a_diagnostic() -> None:
    load_or_diagnose(_chain(300))


BIG = {
    "a 16-digit number": _rule("1" * 100_000 + " > 0"),
    "a long float": _rule("1." + "1" * 100_000 + " > 0"),
    "a huge duration": _rule("as_of - " + "9" * 100_000 + " days < as_of"),
    "the largest duration": _rule("as_of - 999999999999999 years < as_of"),
    "an impossible date": _rule("as_of < 2024-02-30"),
    "a long name": _rule("x" * 100_000 + " == 1"),
    "a long comment": "#" + "x" * 1_000_000 + "\n",
    "a long unterminated string": _rule('"' + "a" * 1_000_000),
    "a long unterminated triple string": _rule('"""' + "a\n" * 200_000),
    "a long list": _rule("1 in [" + ", ".join(["1"] * 5000) + "]"),
    "many rules": "".join(
        f'rule "r{k}" {{ title "t" severity info message "m" }}\n' for k in range(1000)
    ),
    "many diagnostics": "".join(f'rule "R{k}" {{ }}\n' for k in range(2000)),
}


@pytest.mark.parametrize("text", BIG.values(), ids=BIG.keys())
def test_big_input_stays_bounded(text: str) -> None:
    """Loads or fails within seconds (generous for a shared 2-core machine)."""
    start = time.perf_counter()
    load_or_diagnose(text)
    assert time.perf_counter() - start < 10


def _peak_bytes(text: str) -> int:
    tracemalloc.start()
    try:
        load_or_diagnose(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_string_takes_memory_in_proportion() -> None:
    text = _rule('"' + "a" * 200_000 + '" == "a"')
    assert _peak_bytes(text) < 20 * len(text)


def test_message_holes_are_parsed_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text handed to the parser for a message's holes is about the message's size."""
    from netrules import parser

    lark = parser._lark()
    real = lark.parse
    seen = []

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(lark, "parse", counting)
    text = _rule("true", "{1}" * 2000)
    load_or_diagnose(text)
    assert sum(seen) < 20 * len(text)


# ---- evaluation of extreme but valid rules ----
def _evaluate_rule(when: str = "true", evidence: str = "", message: str = "m") -> netrules.Report:
    text = (
        f'rule "r" {{ title "t" severity info when {when} message "{message}" '
        f"evidence {{ {evidence} }} }}"
    )
    rules = load_or_diagnose(text)
    assert rules is not None
    return rules.evaluate({"member": {"connection_count": 1}}, as_of=AS_OF)


HUGE_FLOAT = " * ".join(["99999999999999.0"] * 23)  # overflows to inf


@pytest.mark.parametrize(
    "kwargs",
    [
        {"when": f"round({HUGE_FLOAT}) > 0"},
        {"evidence": f"x: {HUGE_FLOAT}, y: {HUGE_FLOAT} - {HUGE_FLOAT}"},
        {"message": "{" + HUGE_FLOAT + "}"},
        {"when": "as_of + 999999999999999 years > as_of"},
        {"when": "days_between(as_of - 999999999999999 days, as_of) > 0"},
    ],
    ids=[
        "round(inf)",
        "inf and nan evidence",
        "inf in a message",
        "date overflow",
        "days_between out of range",
    ],
)
def test_extreme_arithmetic_evaluates(kwargs: dict) -> None:
    report = _evaluate_rule(**kwargs)
    assert json.loads(report.to_json()) == report.to_dict()


def test_huge_integer_times_a_float_evaluates() -> None:
    _evaluate_rule(when=" * ".join(["999999999999999"] * 21) + " * 1.5 > 0")


def test_mixed_list_parameter_is_a_diagnostic() -> None:
    """A parameter list mixing types is refused at load time (NR203), never a TypeError later."""
    text = (
        'param p = [1, "a"]\n'
        'rule "r" { title "t" severity info when (max(x in p : x) ?? 0) == 1 message "m" }'
    )
    with pytest.raises(netrules.RuleError) as err:
        netrules.load_rules(include_default=False, texts=[(PATH, text)])
    assert [d.code for d in err.value.diagnostics] == ["NR203"]


def test_known_of_a_literal_compiles_cleanly() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        netrules.load_rules(include_default=False, texts=[(PATH, _rule("known(1)"))])


def test_profile_is_selected_by_environment() -> None:
    """The suite runs under the profile NETRULES_HYPOTHESIS_PROFILE names (default ci)."""
    from hypothesis import settings as current

    name = os.environ.get("NETRULES_HYPOTHESIS_PROFILE", "ci")
    assert current.default == current.get_profile(name)
