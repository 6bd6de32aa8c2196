"""The findings' JSON text written without the dicts (``Findings._json``, used by
``Report.to_json()`` and ``netrules check --format json``) is byte for byte
``dumps(to_dicts())``: on real reports, partly built ones, subsets, and findings whose
values take every path (floats, sets, durations, ranges, subclasses, odd keys).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules.findings import Findings, Report, RuleOutput, _Group, dumps, report_json
from netrules.loaders import load_network
from netrules.strategies import AS_OF, networks
from netrules.values import Duration, Range

PERSONAS = Path(__file__).resolve().parent.parent / "pack" / "personas"
LOW = {"identical_note_min": 2, "redundant_company_max": 1, "dormant_min_connections": 2}


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def same_text(report: Report) -> None:
    """Every way of writing the report gives the text json writes from its dicts."""
    findings = report.findings
    assert isinstance(findings, Findings)
    expected = dumps(report.to_dict())
    assert report.to_json() == expected
    assert report_json(report, {"redacted": True}) == dumps({**report.to_dict(), "redacted": True})
    assert report_json(report, None, None, "\n") == expected + "\n"
    assert report_json(report, None, 2, "\n") == dumps(report.to_dict(), 2) + "\n"
    assert findings._json() == dumps(findings.to_dicts())
    # partly built: some findings and some subjects of aggregated ones read first
    fresh = Findings(findings._entries, findings._outputs, findings._summaries)
    for i in range(0, len(fresh), 2):
        for j, _ in zip(range(0, 3), fresh[i].subjects, strict=False):
            fresh[i].subjects[j]
    assert fresh._json() == dumps(fresh.to_dicts())
    for sev in ("error", "warning", "info"):
        part = findings.where(severity=sev)
        assert part._json() == dumps(part.to_dicts())


def test_demo_and_personas(pack) -> None:
    doc = json.loads(resources.files("netrules").joinpath("data/demo.json").read_text("utf-8"))
    net = load_network(doc)
    same_text(pack.evaluate(net, as_of=net.as_of or AS_OF))
    same_text(pack.evaluate(net, as_of=net.as_of or AS_OF, params=LOW))
    for path in sorted(PERSONAS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = dict(data["network"])
        doc.setdefault("as_of", data.get("as_of"))
        net = load_network(doc)
        same_text(pack.evaluate(net, as_of=net.as_of or AS_OF))


def test_generated_archive_network(pack) -> None:
    from benchmarks import generate

    net = generate.network(600, n_invitations=150, n_removals=20, seed=5)
    same_text(pack.evaluate(net, as_of=generate.AS_OF))


def test_subjects_written_in_chunks(pack, monkeypatch) -> None:
    """The subjects of an aggregated finding are written _CHUNK records at a time: any
    chunk size gives the same text, chunks partly built or falling back included."""
    from benchmarks import generate
    from netrules import findings as findings_module

    net = generate.network(300, n_invitations=80, n_removals=10, seed=7)
    for size in (1, 2, 7):
        monkeypatch.setattr(findings_module, "_CHUNK", size)
        same_text(pack.evaluate(net, as_of=generate.AS_OF))
        odd = odd_findings()
        assert odd._json() == dumps(odd.to_dicts())


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    network=networks(max_connections=20, max_invitations=10, max_removals=5),
    params=st.sampled_from((None, LOW)),
)
def test_generated_networks(pack, network, params) -> None:
    same_text(pack.evaluate(network, as_of=network.as_of or AS_OF, params=params))


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


ODD_VALUES: list[Any] = [
    "plain",
    'quote " backslash \\ tab \t newline \n nul \x00 del \x7f c1 \x85',
    "bidi \u202e line separator \u2028 astral \U0001f600 lone surrogate \ud800 percent %s %%",
    "",
    0,
    -7,
    10**30,
    True,
    False,
    None,
    0.1 + 0.2,
    1e300,
    -0.0,
    math.nan,
    math.inf,
    dt.date(2024, 2, 29),
    dt.datetime(2024, 2, 29, 13, 5),
    Duration(months=14),
    Duration(days=9),
    Range(500, 1000, True),
    Range(5, None),
    ["a", 1.23456789, None, dt.date(2020, 1, 1)],
    ("t", 2),
    frozenset({"b", "a"}),
    {3, 1, 2},
    {"nested": {"x": 0.5, 2: "int key", None: "none key", True: "bool key", 1.5: "float"}},
    {},
    [],
    Level.HIGH,
    Name("a str subclass"),
    object.__new__(type("Thing", (), {"__str__": lambda self: "a thing"})),
]


def odd_findings() -> Findings:
    """Findings of made-up rules whose evidence holds every kind of value, plain and
    aggregated, with '%' and quotes in the constant parts."""

    def render_plain(v: tuple[Any, ...]) -> tuple[str, dict[Any, Any]]:
        return f"value {v[0]!r:.40}", {"value": v[0], "100%": "percent key", 'q"k': v[1]}

    def render_odd_keys(v: tuple[Any, ...]) -> tuple[str, dict[Any, Any]]:
        return "odd keys", {1: v[0], "x": 2}

    def render_not_text(v: tuple[Any, ...]) -> tuple[Any, dict[Any, Any]]:
        return v[0], {}  # a message that is not a string

    def render_varied(v: tuple[Any, ...]) -> tuple[str, dict[Any, Any]]:
        # evidence keys that differ between the subjects of one aggregated finding
        return "varied", ({"a": v[0]} if v[1] % 2 else {"b": v[1], "a": v[0]})

    outputs = [
        RuleOutput("plain-%s", "cat %d", "kind %", ("advice %s", 'a "b"'), None, render_plain),
        RuleOutput("odd", "c", "k", (), "https://x/%20", render_odd_keys),
        RuleOutput("grouped", "c", "person", (), None, render_plain, key=None, label=1, show=2),
        RuleOutput("not-text", "c", "k", (), None, render_not_text),
        RuleOutput("grouped-not-text", "c", "k", (), None, render_not_text, label=0, show=1),
        RuleOutput("grouped-varied", "c", "k", (), None, render_varied, show=2),
    ]
    entries: list[Any] = []
    for i, value in enumerate(ODD_VALUES):
        entries.append((0, "warning", f"id {i} %s \"'", (value, ODD_VALUES[-i - 1])))
        entries.append((1, "info", i, (value,)))
    entries.append((3, "error", "n", (None,)))
    entries.append((3, "error", "n2", (1.5,)))
    entries.append((3, "error", "n3", (0.1 + 0.2,)))  # a message as the dict has it: unrounded
    entries.append(
        _Group(
            4, "error", [(4, "error", f"m{i}", (m,)) for i, m in enumerate((0.1 + 0.2, 7, None))]
        )
    )
    records = [
        (2, "info", f"p{i}", (value, f"label {i} @ %s")) for i, value in enumerate(ODD_VALUES)
    ]
    entries.append(_Group(2, "info", records))
    entries.append(_Group(5, "info", [(5, "info", f"v{i}", ("x" * i, i)) for i in range(4)]))
    # strings json escapes, in ids, messages and evidence: columns written one by one
    escaped = [(2, "warning", f'q"{i}\\', (f'text "{i}"\n\x01', f"label\t{i}")) for i in range(3)]
    entries.append(_Group(2, "warning", escaped))
    # ids that are not strings; a column of strings and a str subclass
    mixed = [(2, "error", i, (Name(f'n"{i}') if i % 2 else f"s{i}", f"l{i}")) for i in range(4)]
    entries.append(_Group(2, "error", mixed))
    summaries = {
        2: lambda found, names: f"{found}: {names} %s",
        4: lambda found, names: names,
        5: lambda found, names: names,
    }
    return Findings(entries, outputs, summaries)


def test_every_value_type_and_odd_constants() -> None:
    findings = odd_findings()
    assert findings._json() == dumps(findings.to_dicts())
    built = odd_findings()
    for i in range(0, len(built), 3):
        built[i]  # some built first: they take to_dict()
    group = built[len(built) - 1]
    group.subjects[1]
    assert built._json() == dumps(built.to_dicts())
    report = Report(dt.date(2025, 1, 1), {"connections": 1}, findings)
    assert report.to_json() == dumps(report.to_dict())
    json.loads(report.to_json())  # still JSON (NaN aside, as json writes it)


def test_empty_findings() -> None:
    empty = Findings([], [])
    assert empty._json() == "[]" == dumps(empty.to_dicts())
    report = Report(dt.date(2025, 1, 1), {}, empty)
    assert report.to_json() == dumps(report.to_dict())


def email_findings(where: str) -> Findings:
    """An aggregated finding whose only address is in one place (``where``)."""
    address = "jane.doe@example.com"

    def render(v: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
        return v[0], {"seen": v[1]}

    outputs = [RuleOutput("r", "c", "person", (), None, render, key=None, label=2, show=1)]
    records = []
    for i in range(3):
        message, seen, label, sid = f"message {i}", f"seen {i}", f"label {i}", f"id{i}"
        if i == 2:  # the last subject: not named in the summary
            if where == "message":
                message = f"write to {address}"
            elif where == "evidence":
                seen = f"from {address}"
            elif where == "evidence-list":
                seen = ["x", ("y", address)]  # type: ignore[assignment]
            elif where == "evidence-set":
                seen = frozenset({address, "x"})  # type: ignore[assignment]
            elif where == "evidence-object":  # an unknown value is shown by str()
                seen = type("Contact", (), {"__str__": lambda self: f"<{address}>"})()
            elif where == "subject":
                sid = address
        if i == 0 and where == "label":
            label = f"{address} (named)"
        records.append((0, "info", sid, (message, seen, label)))
    return Findings([_Group(0, "info", records)], outputs, {0: lambda n, names: f"{n}: {names}"})


@pytest.mark.parametrize(
    "where",
    ["message", "evidence", "evidence-list", "evidence-set", "evidence-object", "subject", "label"],
)
def test_hidden_wherever_the_address_is(where) -> None:
    """An address only inside an aggregated finding's subjects (message, evidence,
    nested or in a set, subject id) or in its summary's label never reaches any output."""
    from netrules.formats import render
    from netrules.redact import hide_emails

    report = Report(dt.date(2025, 1, 1), {}, email_findings(where))
    assert "jane.doe@example.com" in render("json", report)  # shown when asked
    for fmt in ("json", "jsonl", "text", "concise", "markdown", "csv"):
        hidden = hide_emails(Report(dt.date(2025, 1, 1), {}, email_findings(where)))
        out = render(fmt, hidden)
        assert "jane.doe@example.com" not in out, fmt
        assert "@example.com" not in out, fmt
    hidden = hide_emails(Report(dt.date(2025, 1, 1), {}, email_findings(where)))
    assert "[e-mail hidden]" in render("json", hidden)
    assert "[e-mail hidden]" in hidden.to_json()


def test_clean_report_hands_its_text_to_the_writer() -> None:
    """Without an '@' the report is kept as it is (findings still lazy) and its JSON is
    the text the e-mail check wrote."""
    from netrules.formats import render
    from netrules.redact import hide_emails

    findings = email_findings("none")
    report = Report(dt.date(2025, 1, 1), {}, findings)
    hidden = hide_emails(report)
    assert hidden.findings is findings and findings._json_once is not None
    assert render("json", hidden) == dumps(report.to_dict()) + "\n"
    assert findings._json_once is None


UNSAFE_SAMPLES = "\x7f\x80\x85\x9f\xa0\u202a\u202e\u2026\u2066\u2069\u206a\u2028\ud800\udfff"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('aé…–\u00a0\u00ad"\\' + UNSAFE_SAMPLES), max_size=30))
def test_json_printable_finds_what_the_pattern_finds(text) -> None:
    """The byte scan that spares the regular expression agrees with it on any text, and
    json_printable's result is the pattern's substitution."""
    from netrules.terminal import _UNSAFE_JSON, _json_escape, _json_unsafe, json_printable

    assert _json_unsafe(text) == (_UNSAFE_JSON.search(text) is not None)
    assert json_printable(text) == _UNSAFE_JSON.sub(_json_escape, text)
    big = "x" * 1000 + text + "é" * 10
    assert json_printable(big) == _UNSAFE_JSON.sub(_json_escape, big)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('aé…–\u00a0\u00ad"\\' + UNSAFE_SAMPLES), max_size=30))
def test_report_bytes_are_the_printable_text_encoded(text) -> None:
    """A JSON report file's bytes (its parts encoded once, searched as bytes) are
    json_printable's text encoded, with or without anything to escape."""
    from netrules.formats import _printable_utf8
    from netrules.terminal import json_printable

    for whole in (text, "x" * 1000 + text + "é" * 10, text + "Ł"):
        expected = json_printable(whole).encode("utf-8")
        assert b"".join(_printable_utf8([whole])) == expected
        assert b"".join(_printable_utf8([whole[:5], "", whole[5:12], whole[12:]])) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from('aéŁ\x00\x1f\x7f "\\\n\t\u2028\ud800\U0001f600'))))
def test_plain_strings_are_those_json_writes_as_they_are(texts) -> None:
    """_plain: a column of strings json writes between quotes unchanged (their text goes
    into the report whole, the quotes in the template)."""
    from json.encoder import encode_basestring

    from netrules.findings import _plain

    assert _plain(texts) == all(encode_basestring(t) == f'"{t}"' for t in texts)
