"""The generated batch function (batchgen.py): member rows give exactly what one
``evaluate`` per member gives, whatever the rules; rows it cannot vouch for take the
loader's path, with the loader's errors."""

from __future__ import annotations

import datetime as _dt
import types

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules import strategies as nst
from netrules.batch import batch_program

AS_OF = _dt.date(2026, 11, 1)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def member_row(member: netrules.Member, text_dates: bool, keep_none: bool, ident: int) -> dict:
    """A member row as an application would have it: plain values, lists, no Nones
    (or explicit ones), dates as date objects or ISO text."""
    row = attrs.asdict(member, recurse=True)

    def plain(value):
        if isinstance(value, _dt.date):
            return value.isoformat() if text_dates else value
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    row = {k: plain(v) for k, v in row.items() if keep_none or v is not None}
    row["id"] = f"m{ident}"
    return row


@st.composite
def member_rows(draw, max_size: int = 6) -> list[dict]:
    members = draw(st.lists(nst.members(as_of=AS_OF), min_size=1, max_size=max_size))
    text_dates = draw(st.booleans())
    keep_none = draw(st.booleans())
    return [member_row(m, text_dates, keep_none, k) for k, m in enumerate(members)]


def one_at_a_time(rules: netrules.RuleSet, row: dict, as_of=AS_OF) -> netrules.Report:
    member = {k: v for k, v in row.items() if k not in ("id", "member_id", "as_of")}
    doc = {"member": member}
    if "as_of" in row:
        doc["as_of"] = row["as_of"]
    return rules.evaluate(doc, as_of=as_of)


def field_by_field(f: netrules.Finding) -> tuple:
    """A Finding's class and every field's value with its type: the batch function
    builds its Findings without ``Finding.__init__``, so equality alone is not the test
    (``evidence`` and ``subjects`` take part in it, but a missing slot would not)."""
    values = [getattr(f, a.name) for a in attrs.fields(netrules.Finding)]
    return (type(f), *values, *(type(v) for v in values), hash(f))


def assert_same(rules: netrules.RuleSet, rows: list[dict], as_of=AS_OF) -> None:
    results = list(rules.evaluate_many(rows, as_of=as_of))
    assert [r.id for r in results] == [row["id"] for row in rows]
    for row, result in zip(rows, results, strict=True):
        report = one_at_a_time(rules, row, as_of)
        assert [f.to_dict() for f in result.findings] == [f.to_dict() for f in report.findings]
        assert result.findings == report.findings
        assert [field_by_field(f) for f in result.findings] == [
            field_by_field(f) for f in report.findings
        ]
        assert result.skipped == report.skipped
    flat = [
        (i, ident, f) for r in results for (i, ident, f) in ((r.index, r.id, f) for f in r.findings)
    ]
    got = list(rules.evaluate_many(rows, as_of=as_of).findings())
    assert got == flat
    assert [(i, ident, field_by_field(f)) for i, ident, f in got] == [
        (i, ident, field_by_field(f)) for i, ident, f in flat
    ]


def fast_took_every_row(rules: netrules.RuleSet, rows: list[dict], as_of=AS_OF) -> None:
    program = batch_program(rules, as_of is None)
    assert program is not None
    _recs, _skipped, slow = program.run(
        rows, 0, len(rows), as_of, rules._params, rules._tables, AS_OF
    )
    assert slow == []


@SETTINGS
@given(member_rows())
def test_pack_on_member_rows(pack, rows):
    assert_same(pack, rows)
    fast_took_every_row(pack, rows)


@SETTINGS
@given(nst.rule_sources(examples=False), member_rows(max_size=4))
def test_generated_rules_on_member_rows(source, rows):
    """Any valid rule file: the batch function agrees with evaluate() row for row."""
    rules = netrules.load_rules(include_default=False, texts=[("generated.rules", source)])
    assert_same(rules, rows)
    if batch_program(rules, False) is not None:
        fast_took_every_row(rules, rows)


@SETTINGS
@given(member_rows(max_size=4), st.lists(nst.dates_near(AS_OF), min_size=4, max_size=4))
def test_each_row_brings_its_own_as_of(pack, rows, days):
    for row, day in zip(rows, days, strict=False):
        row["as_of"] = day.isoformat()
    rows[-1].pop("as_of")  # and one without: today
    results = list(pack.evaluate_many(rows))
    for row, result in zip(rows, results, strict=True):
        report = one_at_a_time(pack, row, as_of=None)
        assert result.findings == report.findings
        assert result.skipped == report.skipped


def test_member_independent_values_are_computed_once_per_batch(pack):
    program = batch_program(pack, False)
    assert program is not None and program.hoisted > 0
    before_loop = program.source.split("in B_range(lo, hi):")[0]
    # the smallest target of all (a definition over tables alone) and as_of arithmetic
    assert "D_lowest_target = " in before_loop
    assert "_add_dur(R_as_of" in before_loop
    # ...but not when every row brings its own as_of
    per_row = batch_program(pack, True)
    assert "_add_dur(R_as_of" not in per_row.source.split("in B_range(lo, hi):")[0]


@pytest.mark.parametrize(
    ("value", "field"),
    [
        ({"connection_count": "many"}, "connection_count"),
        ({"connection_count": -1}, "connection_count"),
        ({"connection_count": True}, "connection_count"),
        ({"career_level": "boss"}, "career_level"),
        ({"joined_on": "yesterday"}, "joined_on"),
        ({"joined_on": _dt.datetime(2020, 1, 1, 12)}, "joined_on"),
        ({"situations": ["career-break", None]}, "situations[1]"),
        ({"headline": 7}, "headline"),  # a field no rule reads is checked all the same
        ({"name": "\ud800"}, "name"),
        ({"employers": [{"title": "CEO"}]}, "employers[0].name"),
        ({"premium": "yes"}, "premium"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_values_get_the_loaders_error_with_the_row(pack, value, field):
    rows = [{"connection_count": 10}, {"connection_count": 20, **value}]
    with pytest.raises(netrules.InputError) as info:
        list(pack.evaluate_many(rows, as_of=AS_OF))
    assert info.value.location == f"row 2: member.{field}"
    with pytest.raises(netrules.InputError) as alone:
        one_at_a_time(pack, rows[1])
    assert info.value.message == alone.value.message
    collected = list(pack.evaluate_many(rows, as_of=AS_OF, errors="collect"))
    assert collected[0].ok and not collected[1].ok
    results = pack.evaluate_many(rows, as_of=AS_OF, errors="collect")
    assert list(results.findings()) == [(0, "1", f) for f in collected[0].findings]
    assert [r.index for r in results.unreadable] == [1]


@pytest.mark.parametrize(
    "value",
    [
        {"connection_count": "many"},
        {"connection_count": -1},
        {"connection_count": True},
        {"connection_count": 2**80},
        {"connection_count": 2**53},  # one more than the largest the loader takes
        {"connection_count": 12.0},
        {"career_level": "boss"},
        {"career_level": ["senior"]},  # unhashable: the fast path's set cannot say
        {"joined_on": "yesterday"},
        {"joined_on": _dt.datetime(2020, 1, 1, 12)},
        {"situations": ["career-break", None]},
        {"headline": 7},
        {"name": "\ud800"},
        {"industry": b"Legal"},
        {"job_seeking": 1},
        {"job_seeking": 0},  # equal to False, not a boolean
        {"employers": [{"title": "CEO"}]},
        {"premium": "yes"},
        {"as_of": "soon"},
    ],
)
def test_bad_values_in_rows_of_one_shape(pack, value):
    """Rows holding the same keys take the fast path: a bad value there still gets the
    loader's error, for a field the rules read and for one they do not."""
    (key,) = value
    good = {"id": "a", "connection_count": 10, "industry": "Legal", key: None}
    rows = [good, dict(good, id="b", **value), dict(good, id="c")]
    with pytest.raises(netrules.InputError) as info:
        list(pack.evaluate_many(rows, as_of=AS_OF))
    assert info.value.location.startswith(f"row 2: {'' if key == 'as_of' else 'member.'}{key}")
    with pytest.raises(netrules.InputError) as alone:
        one_at_a_time(pack, rows[1])
    assert info.value.message == alone.value.message
    collected = list(pack.evaluate_many(rows, as_of=AS_OF, errors="collect"))
    assert [r.ok for r in collected] == [True, False, True]
    for k in (0, 2):  # the good rows of the chunk: as one at a time
        assert collected[k].findings == one_at_a_time(pack, rows[k]).findings


class Text(str):
    """A str subclass: the loader takes it as it is."""


@pytest.mark.parametrize(
    "value",
    [
        {"connection_count": 2**30 - 1},  # the fast check's largest
        {"connection_count": 2**30},  # beyond it: the general checks, still valid
        {"connection_count": 2**53 - 1},
        {"connection_count": None},
        {"industry": Text("Legal")},
        {"industry": None},
        {"industry": "Santé"},
        {"headline": Text("Chief")},
        {"headline": "Directrice générale"},
        {"job_seeking": None},
    ],
)
def test_valid_values_in_rows_of_one_shape(pack, value):
    """Values the fast path's checks leave to the general ones, or take as the loader
    does (a str subclass as it is): the same results as one at a time."""
    (key,) = value
    good = {"id": "a", "connection_count": 10, "industry": "Legal", "headline": "CTO"}
    good["job_seeking"] = True
    assert key in good  # the row of another value has the first row's shape
    rows = [good, dict(good, id="b", **value), dict(good, id="c")]
    assert_same(pack, rows)
    fast_took_every_row(pack, rows)


def test_rows_of_one_shape_take_the_fast_path(pack):
    rows = [
        {"id": f"m{n}", "connection_count": n * 37 % 900, "career_level": level, "joined_on": day}
        for n, (level, day) in enumerate(
            [("senior", "2026-10-01"), ("entry", None), (None, "2019-02-03")] * 5
        )
    ]
    assert_same(pack, rows)
    fast_took_every_row(pack, rows)
    program = batch_program(pack, False)
    assert "raise B_Fallback" in program.source_for(frozenset(rows[0]))


def test_unusual_but_valid_rows_take_the_loaders_path(pack):
    """A mapping that is not a dict, a non-ASCII industry, a network document, a
    Network: the same results as one at a time, in input order."""
    rows = [
        types.MappingProxyType({"connection_count": 40, "career_level": "entry"}),
        {"connection_count": 40, "industry": "Santé"},
        {"member": {"connection_count": 3}},
        netrules.load_network({"member": {"connection_count": 0}}),
        {"connection_count": 500, "industry": "Legal", "exchanges_recorded": None},
    ]
    results = list(pack.evaluate_many(rows, as_of=AS_OF))
    expected = [
        one_at_a_time(pack, dict(rows[0])),
        one_at_a_time(pack, rows[1]),
        pack.evaluate(rows[2], as_of=AS_OF),
        pack.evaluate(rows[3], as_of=AS_OF),
        one_at_a_time(pack, rows[4]),
    ]
    assert [r.findings for r in results] == [e.findings for e in expected]
    assert [r.skipped for r in results] == [e.skipped for e in expected]


def test_min_severity_and_params_apply(pack):
    rows = [{"connection_count": n, "career_level": "senior"} for n in (0, 50, 700, 5000)]
    quiet = pack.select(min_severity="warning")
    for rules, params in ((quiet, None), (pack, {"situation_window": "2 years"})):
        results = list(rules.evaluate_many(rows, as_of=AS_OF, params=params))
        for row, result in zip(rows, results, strict=True):
            member = {"member": row}
            report = rules.evaluate(member, as_of=AS_OF, params=params)
            assert result.findings == report.findings


def test_long_batches_stream_in_chunks(pack):
    rows = ({"connection_count": n % 1500} for n in range(5000))  # a generator: never a list
    results = pack.evaluate_many(rows, as_of=AS_OF)
    seen = 0
    for seen, result in enumerate(results, start=1):
        assert result.index == seen - 1
    assert seen == 5000


def test_a_list_is_read_in_place_across_chunks(pack):
    """A list (or tuple) is read in place, 1,024 positions a call: the same results,
    indices and row numbers as a stream cut into chunks, a bad row past the first
    chunk named by its row number."""
    rows = [
        {"id": f"m{n}", "connection_count": n * 7 % 1500, "career_level": "senior"}
        if n % 3
        else {"member_id": n, "connection_count": n % 400}
        for n in range(2500)
    ]
    streamed = list(pack.evaluate_many(iter(rows), as_of=AS_OF))
    for whole in (rows, tuple(rows)):
        assert list(pack.evaluate_many(whole, as_of=AS_OF)) == streamed
        assert list(pack.evaluate_many(whole, as_of=AS_OF).findings()) == list(
            pack.evaluate_many(iter(rows), as_of=AS_OF).findings()
        )
    assert [r.id for r in streamed[:4]] == ["0", "m1", "m2", "3"]
    bad = [*rows[:1500], {"connection_count": -3}, *rows[1500:]]
    with pytest.raises(netrules.InputError) as info:
        list(pack.evaluate_many(bad, as_of=AS_OF).findings())
    assert info.value.location == "row 1501: member.connection_count"


def test_findings_are_built_without_init_field_for_field():
    """The batch function makes each Finding as an empty filler (a subclass of Finding
    without its guards), stores the fields and sets its class to Finding: the same
    object, field for field, as Finding(...) and as evaluate()."""
    from netrules.batchgen import FINDING_FIELDS, FINDING_FILLER, _filler

    assert FINDING_FIELDS == tuple(a.name for a in attrs.fields(netrules.Finding))
    subject = netrules.Subject("member", "member")
    args = ("r", "warning", "c", subject, "m", {"n": 1}, ("a",), "s", ())
    made = FINDING_FILLER()
    for name, value in zip(FINDING_FIELDS, args, strict=True):
        setattr(made, name, value)
    made.__class__ = netrules.Finding
    assert field_by_field(made) == field_by_field(netrules.Finding(*args))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        made.rule = "x"
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        del made.rule

    @attrs.frozen
    class Checked:
        x: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Later:
        x: int

        def __attrs_post_init__(self) -> None:
            pass

    @attrs.frozen(slots=False)
    class NoSlots:
        x: int

    for cls in (Checked, Later, NoSlots):
        with pytest.raises(TypeError):
            _filler(cls)
    from benchmarks.batch import W1_RULES as source  # the rule W1 times

    rules = netrules.load_rules(include_default=False, texts=[("w1.rules", source)])
    rows = [
        {"id": "a", "connection_count": 12, "career_level": "senior"},
        {"id": "b", "connection_count": 5000, "career_level": "executive"},  # 5,000
        {"id": "c", "connection_count": 250, "career_level": None},  # skipped
        {"id": "d", "connection_count": 100, "career_level": "student"},
    ]
    wide = netrules.load_rules(
        include_default=False, texts=[("w1.rules", source.replace("= 300", "= 9000"))]
    )
    program = batch_program(wide, False)
    assert program is not None and program.direct
    assert_same(wide, rows)
    assert [f.message for _i, _id, f in wide.evaluate_many(rows, as_of=AS_OF).findings()] == [
        "12 connections for a senior member",
        "5,000 connections for a executive member",
    ]
    assert_same(rules, rows)


def test_a_known_first_part_of_a_condition_is_tested_alone_first():
    """``a and b and c`` with ``a``, ``b`` never unknown: ``if not a: pass``, then
    ``b``, then the three-valued ``w = c``: the same findings and skips as evaluate()."""
    source = """
rule "thin-senior" {
  title "Thin"
  severity warning
  when member.connection_count < 300
   and member.connection_count > 10
   and member.career_level in ["senior", "executive"]
  message "{member.connection_count} for {member.career_level}"
}
rule "seeking" {
  title "Seeking"
  severity info
  when member.connection_count < 50 and member.job_seeking
  message "seeking"
}
"""
    rules = netrules.load_rules(include_default=False, texts=[("g.rules", source)])
    program = batch_program(rules, False)
    assert program is not None
    shape = frozenset({"id", "connection_count", "career_level", "job_seeking"})
    text = program.source_for(shape)
    assert text.count("if not ") >= 3  # each known part on its own (and the fast check)
    rows = [
        {"id": str(k), "connection_count": n, "career_level": level, "job_seeking": seeking}
        for k, (n, level, seeking) in enumerate(
            [
                (5, "senior", True),
                (20, "senior", None),
                (20, None, False),
                (200, "executive", True),
                (400, "senior", None),
                (40, "entry", True),
                (0, None, None),
            ]
        )
    ]
    assert_same(rules, rows)
    fast_took_every_row(rules, rows)
    assert [r.skipped != () for r in rules.evaluate_many(rows, as_of=AS_OF)] == [
        False,
        True,
        True,
        False,
        False,
        False,
        True,
    ]


def test_numbers_in_messages_as_evaluate_writes_them():
    """A whole number under a thousand goes into a batch finding's message through the
    f-string itself; any other through the formatter: the same text as evaluate()."""
    source = """
rule "gap" {
  title "Gap"
  severity info
  when member.connection_count >= 0
  message "{member.connection_count - 500} from 500, {member.connection_count} in all"
  evidence { gap: member.connection_count - 500 }
}
"""
    rules = netrules.load_rules(include_default=False, texts=[("g.rules", source)])
    rows = [{"id": str(n), "connection_count": n} for n in (0, 1, 499, 500, 999, 1499, 1500, 2500)]
    assert_same(rules, rows)
    messages = [f.message for _i, _id, f in rules.evaluate_many(rows, as_of=AS_OF).findings()]
    assert messages[0] == "-500 from 500, 0 in all"
    assert messages[-1] == "2,000 from 500, 2,500 in all"


def test_findings_built_where_rules_fire_keep_precedence_and_order():
    """The batch function builds the Findings itself when no min_severity applies:
    a member rule suppressing another still hides its finding, and a member's
    findings come in the report's order."""
    source = """
rule "b-low" {
  title "Low"
  severity info
  when member.connection_count < 100
  message "{member.connection_count} is low"
}
rule "a-none" {
  title "None"
  severity warning
  when member.connection_count == 0
  suppresses "b-low"
  message "no connections"
}
rule "c-senior" {
  title "Senior"
  severity info
  when member.career_level == "senior"
  message "senior"
}
"""
    rules = netrules.load_rules(include_default=False, texts=[("p.rules", source)])
    rows = [
        {"id": "x", "connection_count": 0, "career_level": "senior"},
        {"id": "y", "connection_count": 50, "career_level": "senior"},
        {"id": "z", "connection_count": 500},
    ]
    program = batch_program(rules, False)
    assert program is not None and program.direct
    assert_same(rules, rows)
    found = [(i, f.rule) for i, _ident, f in rules.evaluate_many(rows, as_of=AS_OF).findings()]
    assert found == [(0, "a-none"), (0, "c-senior"), (1, "b-low"), (1, "c-senior")]
    quiet = rules.select(min_severity="warning")  # a severity filter: records, as evaluate()
    assert not batch_program(quiet, False).direct
    assert_same(quiet, rows)


def test_values_only_findings_read_are_computed_where_the_rule_fires(pack):
    program = batch_program(pack, False)
    assert program is not None
    loop = program.source.split("in B_range(lo, hi):")[1]
    # the situations the member is past: only messages read them
    assert loop.index("D_situations_past = ") > loop.index("if w is False:")


class _Text(str):
    pass


@pytest.mark.parametrize(
    "employers",
    [
        [{"name": "Acme", "title": "CEO", "start": "2019-03-01", "end": None}],
        [{"name": "Acme", "start": _dt.date(2019, 3, 1)}, {"name": "Beta", "end": "2024-01-31"}],
        [{"name": _Text("Acme")}],  # a str subclass: the loader's way, same result
        [{"name": "Acme", "start": _dt.datetime(2019, 3, 1, 9)}],  # refused by the loader
        [{"name": "Acme", "boss": "x"}],  # an unknown key: refused
        [{"name": "Acme", "title": 3}],
        [{"name": None}],
        ["Acme"],
        [{"name": "Acme", "end": "2019-02-30"}],
    ],
)
def test_employers_and_schools_as_the_loader_reads_them(pack, employers):
    schools = [{**e, "degree": e.get("title")} for e in employers if isinstance(e, dict)]
    for s in schools:
        s.pop("title", None)
    for field, value in (("employers", employers), ("schools", schools or employers)):
        rows = [{"id": "a", "connection_count": 40, field: value}] * 2
        try:
            alone = one_at_a_time(pack, rows[0])
        except netrules.InputError as exc:
            with pytest.raises(netrules.InputError) as info:
                list(pack.evaluate_many(rows, as_of=AS_OF))
            assert info.value.message == exc.message
            continue
        results = list(pack.evaluate_many(rows, as_of=AS_OF))
        assert [r.findings for r in results] == [alone.findings] * 2
        assert [r.skipped for r in results] == [alone.skipped] * 2
