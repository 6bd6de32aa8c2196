"""The subjects of an aggregated finding are ordered by key (descending or not, unknown
keys last), ties by subject id, then as recorded: ``Findings._build_group`` sorts lists
of keys made by ``map`` (dates and ints in one pass as ``(number, id)`` pairs); checked
here against the plain two-pass sort it replaced, on keys of every kind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netrules.findings import Findings, RuleOutput, _Group, _key_order


def reference(records: list[tuple[Any, ...]], key: int | None, descending: bool) -> list[Any]:
    """The order as the code before wrote it: by id, then (stable) by key."""
    items = sorted(records, key=lambda r: str(r[2]))
    if key is None:
        return items
    known = [r for r in items if r[3][key] is not None]
    known.sort(key=lambda r: r[3][key], reverse=descending)
    return known + [r for r in items if r[3][key] is None]


def ordered(records: list[tuple[Any, ...]], key: int | None, descending: bool) -> list[Any]:
    def render(v: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
        return f"message {v[1]}", {"n": v[1]}

    output = RuleOutput("r", "c", "k", (), None, render, key=key, label=1, descending=descending)
    findings = Findings([_Group(0, "info", records)], [output], {0: lambda n, names: names})
    subjects = findings[0].subjects
    assert isinstance(subjects, Findings)
    return list(subjects._entries)


DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2000, 1, 20))
KEYS = st.one_of(
    st.lists(st.one_of(st.none(), DAYS)),  # dates (and unknown): one pass
    st.lists(st.one_of(st.none(), st.integers(-3, 3), st.integers(2**70, 2**70 + 2))),
    st.lists(st.one_of(st.none(), st.text("ab", max_size=2))),  # strings: two passes
    st.lists(st.one_of(st.none(), st.booleans())),
    st.lists(st.one_of(st.integers(0, 3), st.floats(0, 3, allow_nan=False))),  # mixed
    st.lists(st.sampled_from([dt.datetime(2000, 1, 1, 5), dt.datetime(2000, 1, 1, 4)])),
)


@settings(max_examples=300, deadline=None)
@given(keys=KEYS, ids=st.lists(st.sampled_from(["a", "b", "B", "é", "Ł", "a0"])), data=st.data())
def test_order_as_the_two_pass_sort(keys: list[Any], ids: list[str], data: Any) -> None:
    records = [
        (0, "info", ids[i] if i < len(ids) else f"id{i % 3}", (k, i)) for i, k in enumerate(keys)
    ]
    if data.draw(st.booleans()):  # ids that are not strings are compared as text
        records = [(0, "info", i % 4, v) for i, (_x, _s, _sid, v) in enumerate(records)]
    for key in (None, 0):
        for descending in (False, True):
            assert ordered(records, key, descending) == reference(records, key, descending)


def test_many_equal_dates_and_ids() -> None:
    day = dt.date(2024, 5, 1)
    records = [
        (0, "info", f"p{(i * 7) % 10}", (day + dt.timedelta(days=i % 3), i)) for i in range(60)
    ]
    for descending in (False, True):
        got = ordered(records, 0, descending)
        assert got == reference(records, 0, descending)
        assert [r[3][1] for r in got] != [r[3][1] for r in records]  # it did reorder


@settings(max_examples=200, deadline=None)
@given(
    keys=st.one_of(
        st.lists(DAYS, max_size=40),
        st.lists(st.integers(-3, 3), max_size=40),
        st.lists(st.text("ab"), max_size=40),
    ),
    ids=st.lists(st.sampled_from(["a", "b", "é", "Ł", "a0"]), min_size=40, max_size=40),
    descending=st.booleans(),
)
def test_whole_range_ordered_as_a_list_of_indexes(
    keys: list[Any], ids: list[str], descending: bool
) -> None:
    # Every key known: _build_group hands _key_order the range itself, which takes
    # the lists as they are instead of copying them through the indexes.
    ids = ids[: len(keys)]
    whole = _key_order(range(len(keys)), keys, ids, descending)
    assert whole == _key_order(list(range(len(keys))), keys, ids, descending)
    expected = sorted(range(len(keys)), key=ids.__getitem__)
    expected.sort(key=keys.__getitem__, reverse=descending)
    assert whole == expected


@settings(max_examples=200, deadline=None)
@given(
    keys=st.one_of(
        st.lists(DAYS, max_size=30),
        st.lists(st.integers(-3, 3), max_size=30),
        st.lists(st.one_of(st.integers(0, 3), st.floats(0, 3, allow_nan=False)), max_size=30),
        st.lists(st.text("ab"), max_size=30),
    ),
    descending=st.booleans(),
)
def test_types_found_by_the_caller_give_the_same_order(keys: list[Any], descending: bool) -> None:
    # _build_group finds the keys' types once (for unknown keys too) and hands them on.
    ids = [f"id{i % 4}" for i in range(len(keys))]
    at = range(len(keys))
    assert _key_order(at, keys, ids, descending, set(map(type, keys))) == _key_order(
        at, keys, ids, descending
    )


def test_subjects_know_their_rule() -> None:
    """An aggregated finding's subjects are records of its rule: written without a pass
    over them to find it, and the same text as when it is looked for."""
    records = [(0, "info", f"id{i}", (dt.date(2020, 1, 1 + i % 5), i)) for i in range(9)]
    subjects = ordered_findings(records)
    assert subjects._one_rule == 0
    text = ",".join(subjects._subject_parts())
    subjects._one_rule = None
    assert ",".join(subjects._subject_parts()) == text
    assert subjects[2:5]._one_rule is None  # a slice looks for itself


def ordered_findings(records: list[tuple[Any, ...]]) -> Findings:
    def render(v: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
        return f"message {v[1]}", {"n": v[1]}

    output = RuleOutput("r", "c", "k", (), None, render, key=0, label=1)
    findings = Findings([_Group(0, "info", records)], [output], {0: lambda n, names: names})
    subjects = findings[0].subjects
    assert isinstance(subjects, Findings)
    return subjects
