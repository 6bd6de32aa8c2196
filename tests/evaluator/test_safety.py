"""Safety: rule text never becomes code, and evaluation touches nothing outside its inputs."""

from __future__ import annotations

import builtins
import datetime
import io
import os
import pathlib
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules

PAYLOADS = [
    '"); import os; os.system("x")  #',
    "'); __import__('os').system('x') #",
    "\\\"); exec('1') #",
    "{__import__('os')}",
    "\n\nimport os\nos.system('x')\n",
    '""" + open("/etc/passwd").read() + """',
    "\\x00\\u202e\u202e reversed",
]


def quote(text: str) -> str:
    """A rule-language string literal holding exactly ``text``."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{body}"'


def template(text: str) -> str:
    """A message literal whose rendered text is ``text`` (braces doubled)."""
    return quote(text.replace("{", "{{").replace("}", "}}"))


def every_place(payload: str) -> str:
    s, m = quote(payload), template(payload)
    return f"""
param p = {s} {s}
advice a = {s}
table t {{ {s}: 1, default: 2 }}
define d = {s}
rule "r" {{
  title {s}
  severity info
  category {s}
  tags {s}, "x"
  source {s}
  why {s}
  advice a, {s}
  when p != {s} or t[{s}] == 1 or d == {s} or true
  message {m}
  evidence {{ x: {s}, y: p }}
  example fires {s} {{ member: {{ name: {s} }} }}
}}
example {s} fires "r" {{ member: {{ industry: {s} }} }}
"""


@pytest.mark.parametrize("payload", PAYLOADS, ids=[f"payload{i}" for i in range(len(PAYLOADS))])
def test_strings_everywhere_stay_inert_data(load_text, payload: str) -> None:
    """A hostile string in every string position loads, renders as text, and is never in the source."""
    rs = load_text(every_place(payload))
    finding = rs.evaluate({"member": {"name": payload}}).findings[0]
    assert (False, payload, payload, {"x": payload, "y": payload}) == (
        payload.strip() in rs.source,
        finding.message,
        finding.category,
        finding.to_dict()["evidence"],
    )


def test_generated_source_holds_no_user_string(load_text) -> None:
    """RuleSet.source references strings only through the constants table K[...]."""
    rs = load_text(every_place("SENTINEL-7f3a"))
    assert ("SENTINEL" in rs.source, "K[" in rs.source) == (False, True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40))
def test_any_text_in_a_message_is_a_diagnostic_or_inert(text: str) -> None:
    """Arbitrary text inside a message either fails to load with RuleError or never reaches the source."""
    marked = f"QZXW{text}QZXW"
    rule = f'rule "r" {{ title {quote(marked)} severity info when true message {quote(marked)} }}'
    try:
        rs = netrules.load_rules(texts=[("t.rules", rule)], include_default=False)
    except netrules.RuleError as err:
        assert all(d.code.startswith("NR") for d in err.diagnostics)
        return
    assert "QZXW" not in rs.source


@pytest.mark.parametrize(
    ("cond", "code"),
    [
        ("member.__class__ == 1", "NR202"),
        ("member.__class__.__bases__ == 1", "NR202"),
        ("__builtins__ == 1", "NR201"),
        ('__import__("os") == 1', "NR204"),
        ('open("/etc/passwd") == 1', "NR204"),
        ('eval("1") == 1', "NR204"),
        ("_lookup(1, 2) == 1", "NR204"),
        ("K[0] == 1", "NR201"),
        ("R_member == 1", "NR201"),
        ("lower.__globals__ == 1", "NR201"),
        ("c.__dict__ == 1", "NR201"),
    ],
)
def test_python_internals_are_unknown_names(rule_errors, cond: str, code: str) -> None:
    """Dunder fields, Python built-ins and generated-code names are just unknown names."""
    text = f'rule "r" {{ title "t" severity info when {cond} message "m" }}'
    assert [code] == [d.code for d in rule_errors(text) if d.severity == "error"]


def test_message_expression_cannot_call_python(rule_errors) -> None:
    """{__import__("os")} in a message is checked like any expression: an unknown function."""
    text = 'rule "r" { title "t" severity info when true message "{__import__(\\"os\\")}" }'
    assert [("NR204", "unknown function '__import__'")] == [
        (d.code, d.message) for d in rule_errors(text)
    ]


def test_dunder_names_as_user_names_are_prefixed_and_inert(load_text) -> None:
    """User names become prefixed identifiers, so '__builtins__' as a parameter is just a value."""
    rs = load_text(
        'param __builtins__ = 1 "x"\nparam __class__ = 2 "y"\n'
        "define __import__ = __builtins__ + __class__\n"
        'rule "r" { title "t" severity info for each __dict__ in connections\n'
        '  when __import__ == 3 message "{__builtins__}{__dict__.id}" }'
    )
    report = rs.evaluate({"connections": [{"id": "c"}]})
    assert (["1c"], True) == ([f.message for f in report.findings], "P___builtins__" in rs.source)


def test_generated_code_has_no_dangerous_builtins(load_text) -> None:
    """The generated function runs with only len/sum/any (and True/False) as built-ins."""
    rs = load_text('rule "r" { title "t" severity info when true message "m" }')
    names = set(rs._compiled.function.__globals__["__builtins__"])
    assert {"False", "True", "any", "len", "sum"} == names


def test_evaluation_touches_no_files_network_or_environment(load_text, monkeypatch) -> None:
    """With open/os.open/sockets/os.environ booby-trapped, evaluation still runs to the end."""
    rs = load_text("""
param since: duration = 1 year "x"
table t { "IT": 500..1000+ }
rule "a" { title "t" severity info for each c in connections
  where known(c.company) group by lower(c.company) as company
  when count(group) > 1 and peak(x in group : x.connected_on within 7 days) >= 1
  message "{count(group)} at {company}" }
rule "b" { title "t" severity warning when member.connection_count < t[member.industry].low
  message "{t[member.industry]} {0.5:percent}" }
rule "c" { title "t" severity info for each c in connections
  when c.connected_on < as_of - since message "{c.id}" }""")
    doc = {
        "member": {"industry": "IT"},
        "connections": [
            {"id": f"c{i}", "company": "Acme", "connected_on": "2020-01-0" + str(1 + i)}
            for i in range(3)
        ],
    }

    def trap(*args, **kwargs):
        raise AssertionError("evaluation tried to reach outside its inputs")

    for target, name in [
        (builtins, "open"),
        (io, "open"),
        (os, "open"),
        (os, "listdir"),
        (os, "getenv"),
        (os, "system"),
        (pathlib.Path, "open"),
        (socket, "socket"),
        (socket, "create_connection"),
    ]:
        monkeypatch.setattr(target, name, trap)
    monkeypatch.setattr(os, "environ", {})
    report = rs.evaluate(doc, as_of=datetime.date(2025, 1, 1))
    assert ["b", "a", "c", "c", "c"] == [f.rule for f in report.findings]
