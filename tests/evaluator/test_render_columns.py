"""The column form of the compiled render functions (``RuleOutput.columns``): what each
rule's ``render(values)`` does, as data, so that the JSON writer makes the texts of a
chunk of subjects without a call per record.

Checked here: the compiler's column form gives the render function's message and
evidence on every record of real and hypothesis reports; the text written from it is
``dumps(to_dicts())`` for values of every kind (escapes, unknowns, numbers, dates,
durations, odd objects) and odd constant parts; the way without it (``columns=None``,
values of unequal lengths, built subjects) gives the same text; a cached rule set keeps
it; addresses are still hidden.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules import findings as findings_module
from netrules.findings import Findings, RenderColumns, Report, RuleOutput, _Group, dumps
from netrules.loaders import load_network
from netrules.strategies import AS_OF, networks
from netrules.values import Duration, Range, message_value

PERSONAS = Path(__file__).resolve().parent.parent / "pack" / "personas"
LOW = {"identical_note_min": 2, "redundant_company_max": 1, "dormant_min_connections": 2}


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def from_columns(columns: RenderColumns, values: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
    """What the column form says ``render(values)`` gives, one record at a time."""
    message, pairs = columns
    text = "".join(
        part if isinstance(part, str) else message_value(values[part[0]], part[1])
        for part in message
    )
    return text, {key: values[at] for key, at in pairs}


def records(findings: Findings) -> list[tuple[Any, ...]]:
    out = []
    for entry in findings._entries:
        out += entry.records if entry.__class__ is _Group else [entry]
    return out


def agrees(report: Report) -> int:
    """Every record's render result is what the rule's column form says; the count."""
    findings = report.findings
    assert isinstance(findings, Findings)
    n = 0
    for index, _severity, _sid, values in records(findings):
        info = findings._outputs[index]
        assert info is not None and info.columns is not None, info
        message, evidence = info.render(values)
        expected = from_columns(info.columns, values)
        assert (message, evidence) == expected
        assert message.__class__ is str
        assert list(evidence) == list(expected[1])  # the keys in the same order
        n += 1
    return n


def same_text(report: Report) -> None:
    findings = report.findings
    assert isinstance(findings, Findings)
    fresh = Findings(findings._entries, findings._outputs, findings._summaries)
    assert fresh._json() == dumps(fresh.to_dicts())
    bare = [o if o is None else attrs.evolve(o, columns=None) for o in findings._outputs]
    without = Findings(findings._entries, bare, findings._summaries)
    assert without._json() == fresh._json()


def test_every_rule_of_the_pack_has_a_column_form(pack) -> None:
    outputs = pack._compiled.outputs
    assert outputs and all(o is None or o.columns is not None for o in outputs)
    inactive = outputs[pack._compiled.rule_ids.index("inactive-connection")]
    assert inactive is not None and inactive.columns is not None
    message, pairs = inactive.columns
    assert [p for p in message if isinstance(p, str)] == [
        " has never engaged with you since you connected on "
    ]
    assert [key for key, _at in pairs] == ["name", "connected_on"]


def test_the_pack_on_the_demo_personas_and_a_generated_network(pack) -> None:
    from benchmarks import generate

    doc = json.loads(resources.files("netrules").joinpath("data/demo.json").read_text("utf-8"))
    nets = [load_network(doc)]
    for path in sorted(PERSONAS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        doc = dict(data["network"])
        doc.setdefault("as_of", data.get("as_of"))
        nets.append(load_network(doc))
    nets.append(generate.network(600, n_invitations=150, n_removals=20, seed=5))
    seen = 0
    for net in nets:
        for params in (None, LOW):
            report = pack.evaluate(net, as_of=net.as_of or generate.AS_OF, params=params)
            seen += agrees(report)
            same_text(report)
    assert seen > 1000


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    network=networks(max_connections=20, max_invitations=10, max_removals=5),
    params=st.sampled_from((None, LOW)),
)
def test_the_pack_on_generated_networks(pack, network, params) -> None:
    report = pack.evaluate(network, as_of=network.as_of or AS_OF, params=params)
    agrees(report)
    same_text(report)


class Level(enum.IntEnum):
    HIGH = 3


class Name(str):
    pass


class Thing:
    def __str__(self) -> str:
        return 'a "thing" {0} %s'


VALUES: list[Any] = [
    "plain",
    "Łukasz Ng",
    'quote " backslash \\ tab \t newline \n nul \x00 del \x7f c1 \x85',
    "bidi \u202e line separator \u2028 astral \U0001f600 lone surrogate \ud800 {} %s",
    "",
    None,
    0,
    7,
    -999,
    1000,
    -1234567,
    10**30,
    True,
    False,
    0.0,
    -0.0,
    0.1 + 0.2,
    math.nan,
    math.inf,
    dt.date(2024, 2, 29),
    dt.date(2013, 1, 4),
    dt.datetime(2024, 2, 29, 13, 5),
    Duration(months=24),
    Duration(months=24),  # equal, another object
    Duration(months=12),
    Duration(days=9),
    Range(500, 1000, True),
    Range(5, None),
    ["a", 1.5, None, dt.date(2020, 1, 1)],
    ("t", 2),
    frozenset({"b", "a"}),
    {3, 1, 2},
    {"nested": {"x": 0.5}},
    Level.HIGH,
    Name('a "str" subclass'),
    Thing(),
]

# Message forms: placeholders side by side, alone, none at all; constants holding
# what json escapes, braces and percent signs; format specs.
MESSAGES: list[tuple[str | tuple[int, str | None], ...]] = [
    ((0, None), " has never engaged with you since ", (1, None)),
    ("You invited ", (0, None), " ", (1, None), (2, None), (0, "percent")),
    ((0, None),),
    ("a constant message only",),
    (),
    ('quote " backslash \\ newline \n {braces} {0} %s %% \u2028', (1, "2"), "}"),
    ((2, "percent"), (1, None), "{", (0, None)),
]
EVIDENCE: list[tuple[tuple[str, int], ...]] = [
    (("name", 0), ("connected_on", 1)),
    (),
    (('q"k', 2), ("100%", 0), ("same", 0)),
]


def rule(index: int, columns: RenderColumns | None, form: RenderColumns) -> RuleOutput:
    def render(values: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
        return from_columns(form, values)

    return RuleOutput(
        f"rule-{index}", "cat", 'kind "k"', ("advice",), None, render, None, 0, False, 2, columns
    )


def made_up(
    message: tuple[Any, ...], evidence: tuple[tuple[str, int], ...], rows: list[tuple[Any, ...]]
) -> tuple[Findings, Findings]:
    """One aggregated finding of ``rows``, with the column form and without it."""
    form: RenderColumns = (message, evidence)
    entries = [_Group(0, "info", [(0, "info", f"id {i} \"'", row) for i, row in enumerate(rows)])]
    summaries = {0: lambda found, names: f"{found}: {names}"}
    return (
        Findings(entries, [rule(0, form, form)], summaries),
        Findings(entries, [rule(0, None, form)], summaries),
    )


values = st.sampled_from(VALUES)
# A column is often of one type (as a rule's values are), sometimes of any
columns = st.one_of(
    st.lists(st.sampled_from(VALUES[:5]), min_size=1, max_size=1).map(lambda v: ("kind", v[0])),
    st.just(("any", None)),
)


@st.composite
def tables(draw: st.DrawFn) -> list[tuple[Any, ...]]:
    """Rows of three values: each column drawn from one kind of value or from all."""
    n = draw(st.integers(1, 12))
    out: list[list[Any]] = [[] for _ in range(n)]
    for _column in range(3):
        pool = draw(
            st.sampled_from(
                [
                    VALUES,
                    [v for v in VALUES if isinstance(v, str)],
                    [v for v in VALUES if isinstance(v, str)] + [None],
                    [v for v in VALUES if v.__class__ is dt.date],
                    [v for v in VALUES if v.__class__ is dt.date] + [None],
                    [v for v in VALUES if v.__class__ in (int, bool)],
                    [v for v in VALUES if v.__class__ is int] + [None],
                    [v for v in VALUES if isinstance(v, (float, Duration, Range))],
                ]
            )
        )
        for row in out:
            row.append(draw(st.sampled_from(pool)))
    return [tuple(row) for row in out]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    message=st.sampled_from(MESSAGES),
    evidence=st.sampled_from(EVIDENCE),
    rows=tables(),
    chunk=st.sampled_from((1, 2, 7, 512)),
)
def test_made_up_columns_write_what_the_dicts_hold(message, evidence, rows, chunk) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(findings_module, "_CHUNK", chunk)
        with_form, without = made_up(message, evidence, rows)
        text = with_form._json()
        assert text == dumps(with_form.to_dicts())
        assert text == without._json()


def test_every_value_in_every_place() -> None:
    """Each value once in every message form and evidence, all in one chunk."""
    rows = [(v, VALUES[-i - 1], VALUES[(i * 7) % len(VALUES)]) for i, v in enumerate(VALUES)]
    for message in MESSAGES:
        for evidence in EVIDENCE:
            with_form, without = made_up(message, evidence, rows)
            assert with_form._json() == dumps(with_form.to_dicts()) == without._json()


def test_unknown_values_read_unknown() -> None:
    rows = [("Ana", None), (None, dt.date(2020, 1, 2)), ("Bo", dt.date(2020, 1, 2))]
    with_form, _without = made_up(((0, None), " since ", (1, None)), (("d", 1),), rows)
    subjects = json.loads(with_form._json())[0]["subjects"]
    assert [s["message"] for s in subjects] == [
        "Ana since unknown",
        "unknown since 2020-01-02",
        "Bo since 2020-01-02",
    ]
    assert [s["evidence"]["d"] for s in subjects] == [None, "2020-01-02", "2020-01-02"]


def test_escapes_in_values_and_constants() -> None:
    rows = [('O"Neil\\', "tab\there"), ("line\nbreak \x01", "plain")]
    with_form, without = made_up(('say "', (0, None), '" \\ ', (1, None)), (("v", 0),), rows)
    text = with_form._json()
    assert text == without._json() == dumps(with_form.to_dicts())
    subjects = json.loads(text)[0]["subjects"]
    assert subjects[0]["message"] == 'say "O"Neil\\" \\ tab\there'
    assert subjects[1]["message"] == 'say "line\nbreak \x01" \\ plain'


def test_fallbacks_give_the_same_text() -> None:
    """Values of unequal lengths, an index past them, a built subject, no column form:
    the records are rendered one by one, and the text is the same."""
    form: RenderColumns = (((0, None), " and ", (1, None)), (("a", 0),))
    uneven = [(0, "info", "x", ("a", "b")), (0, "info", "y", ("c", "d", "e"))]
    findings = Findings([_Group(0, "info", uneven)], [rule(0, form, form)], {0: lambda n, s: s})
    assert findings._json() == dumps(findings.to_dicts())
    past: RenderColumns = (((0, None), " and ", (5, None)), (("a", 0),))
    rows = [(0, "info", "x", ("a", "b")), (0, "info", "y", ("c", "d"))]
    broken = Findings([_Group(0, "info", rows)], [rule(0, past, form)], {0: lambda n, s: s})
    assert broken._json() == dumps(broken.to_dicts())
    with_form, without = made_up(form[0], form[1], [("a", 1), ("b", 2), ("c", 3)])
    with_form[0].subjects[1]  # built: its chunk is written from the built findings
    assert with_form._json() == without._json() == dumps(with_form.to_dicts())


def test_dates_of_several_chunks_and_reports(monkeypatch) -> None:
    """The ISO texts of dates are kept per report's writing: the same dates in several
    chunks, messages and evidence read alike."""
    monkeypatch.setattr(findings_module, "_CHUNK", 3)
    days = [dt.date(2020, 1, 1) + dt.timedelta(days=i % 4) for i in range(10)]
    rows = [(f"n{i}", day) for i, day in enumerate(days)]
    for _ in range(2):
        with_form, without = made_up(((0, None), " on ", (1, None)), (("on", 1),), rows)
        assert with_form._json() == without._json() == dumps(with_form.to_dicts())


def test_the_column_form_comes_back_from_the_rules_cache(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("NETRULES_CACHE_DIR", str(tmp_path / "cache"))
    full = netrules.load_rules()
    cached = netrules.load_rules()
    assert full._prog is not None and cached._prog is None
    assert [o and o.columns for o in cached._compiled.outputs] == [
        o and o.columns for o in full._compiled.outputs
    ]
    assert all(o is None or o.columns is not None for o in cached._compiled.outputs)


@pytest.mark.parametrize("where", ["message", "evidence", "subject"])
def test_addresses_hidden_and_redacted(where) -> None:
    """An address in a value the column form writes is hidden by the e-mail check."""
    from netrules.formats import render
    from netrules.redact import hide_emails

    address = "jane.doe@example.com"
    rows: list[tuple[Any, ...]] = [(f"name {i}", f"seen {i}") for i in range(3)]
    if where == "message":
        rows[2] = (f"write to {address}", "seen")
    elif where == "evidence":
        rows[2] = ("name", f"from {address}")
    form: RenderColumns = (("hello ", (0, None)), (("seen", 1),))
    ids = [f"id{i}" for i in range(3)]
    if where == "subject":
        ids[2] = address
    entries = [_Group(0, "info", [(0, "info", ids[i], row) for i, row in enumerate(rows)])]

    def report() -> Report:
        summaries = {0: lambda found, names: f"{found}: {names}"}
        return Report(dt.date(2025, 1, 1), {}, Findings(entries, [rule(0, form, form)], summaries))

    assert address in render("json", report())
    hidden = hide_emails(report())
    for fmt in ("json", "jsonl", "text", "concise", "markdown", "csv"):
        assert "@example.com" not in render(fmt, hidden), fmt
    assert "[e-mail hidden]" in hidden.to_json()


def test_redacted_and_hidden_reports_of_the_pack(pack) -> None:
    """Redaction and e-mail hiding give the same reports with the column form as
    without it (a network whose names and notes hold addresses)."""
    from benchmarks import generate
    from netrules.formats import render
    from netrules.redact import Redactor, hide_emails

    net = generate.network(300, n_invitations=80, n_removals=10, seed=11)
    people = list(net.connections)
    for c in people[:40:3]:  # addresses in some names: messages, evidence and labels
        object.__setattr__(c, "name", f"{c.name} <{c.name.split()[0].lower()}@example.com>")
    report = pack.evaluate(net, as_of=generate.AS_OF)
    findings = report.findings
    assert isinstance(findings, Findings)
    bare = [o if o is None else attrs.evolve(o, columns=None) for o in findings._outputs]

    def both() -> tuple[Report, Report]:
        def fresh(outputs: Any) -> Report:
            return attrs.evolve(
                report, findings=Findings(findings._entries, outputs, findings._summaries)
            )

        return fresh(findings._outputs), fresh(bare)

    a, b = both()
    assert "@example.com" in a.to_json()
    hidden_a, hidden_b = hide_emails(a), hide_emails(b)
    assert list(hidden_a.findings) == list(hidden_b.findings)
    for fmt in ("json", "text", "markdown", "csv"):
        out = render(fmt, hidden_a)
        assert out == render(fmt, hidden_b)
        assert "@example.com" not in out
    a, b = both()
    red = Redactor(net)
    assert red.report(a).to_json() == red.report(b).to_json()
    assert list(red.report(a).findings) == list(red.report(b).findings)


def test_columns_checked_once_read_alike() -> None:
    """A column in the message and the evidence, or two columns of equal values (a
    name and the same name with a default, ``1`` and ``True``, a string and a ``str``
    subclass of it), each written as its own values say."""
    message = ((0, None), " / ", (1, None), " / ", (2, None))
    evidence = (("a", 0), ("b", 1), ("c", 2), ("a2", 0))
    tables = [
        [("Ana", "Ana", dt.date(2020, 1, 1)), ("Bo", "Bo", dt.date(2020, 1, 2))],
        [('q"1', 'q"1', 1), ("x\n", "x\n", 2)],
        [(1, True, 1), (0, False, 0)],
        [("plain", Name("plain"), "plain"), ('e"sc', Name('e"sc'), 'e"sc')],
        [(dt.date(2020, 1, 1), dt.date(2020, 1, 1), None), (None, None, dt.date(2021, 1, 1))],
    ]
    for rows in tables:
        with_form, without = made_up(message, evidence, rows)
        assert with_form._json() == without._json() == dumps(with_form.to_dicts())


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.sampled_from('ab"\\\n\x00\x1fé Ł\u2028\ud800null'), max_size=8),
        ),
        min_size=1,
    )
)
def test_a_column_of_texts_and_unknowns_as_json_writes_it(values) -> None:
    """A column of strings and unknowns (a note or none) is written by C-level maps: each
    value's text is the one json writes for it."""
    from netrules.findings import _column, _writers

    assert list(_column(values, _writers())) == [dumps(v) for v in values]
    with_form, without = made_up(((0, None),), (("note", 0),), [(v,) for v in values])
    assert with_form._json() == without._json() == dumps(with_form.to_dicts())


def test_a_column_of_one_type_in_several_places() -> None:
    """The types of a column are found once per chunk and shared by every place it is
    written (message and two evidence keys): they are read, never changed."""
    for rows in ([(5,), (7,), (1000,)], [(True,), (False,)], [(None,), (None,)]):
        with_form, without = made_up(((0, None), " / ", (0, "2")), (("a", 0), ("b", 0)), rows)
        assert with_form._json() == without._json() == dumps(with_form.to_dicts())
