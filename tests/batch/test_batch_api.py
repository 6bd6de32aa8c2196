"""RuleSet.evaluate_many: the same findings as one evaluate() per member, in input order."""

from __future__ import annotations

import datetime as _dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netrules
from netrules import strategies as nst
from netrules.batch import MemberResult, result_rows

AS_OF = _dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def pack() -> netrules.RuleSet:
    return netrules.load_rules()


def keyed(findings):
    return [f.to_dict() for f in findings]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(nst.networks(as_of=AS_OF), min_size=1, max_size=4))
def test_same_as_one_at_a_time(pack, networks):
    results = list(pack.evaluate_many(networks, as_of=AS_OF))
    assert [r.index for r in results] == list(range(len(networks)))
    for network, result in zip(networks, results, strict=True):
        report = pack.evaluate(network, as_of=AS_OF)
        assert keyed(result.findings) == keyed(report.findings)
        assert result.skipped == report.skipped


def test_member_rows_and_documents(pack):
    rows = [
        {"id": "a", "connection_count": 0, "situations": []},
        {"member_id": 7, "industry": "Healthcare", "connection_count": 120},
        {"member": {"connection_count": 5, "situations": ["career-break"]}, "id": "doc"},
    ]
    results = list(pack.evaluate_many(rows, as_of=AS_OF))
    assert [r.id for r in results] == ["a", "7", "doc"]
    assert [f.rule for f in results[0].findings] == ["zero-connections"]
    assert "below-industry-target" in {f.rule for f in results[1].findings}
    one = pack.evaluate(
        {"member": {"connection_count": 5, "situations": ["career-break"]}}, as_of=AS_OF
    )
    assert keyed(results[2].findings) == keyed(one.findings)


def test_bad_row_raises_with_its_number(pack):
    rows = [{"connection_count": 1}, {"connection_count": 2}, {"connection_count": "many"}]
    with pytest.raises(netrules.InputError) as info:
        list(pack.evaluate_many(rows))
    assert info.value.location == "row 3: member.connection_count"
    assert "whole number" in info.value.message


def test_findings_before_a_bad_row_come_before_its_error(pack):
    """findings() reads a chunk at a time, but the findings of the rows before a bad
    row of the same chunk are given before its error, as results are."""
    rows = [{"id": f"m{k}", "connection_count": k % 150} for k in range(3000)]
    rows[2500] = {"id": "bad", "connection_count": "many"}
    got = []
    with pytest.raises(netrules.InputError) as info:
        for item in pack.evaluate_many(rows, as_of=AS_OF).findings():
            got.append(item)
    assert info.value.location == "row 2501: member.connection_count"
    before = [
        (r.index, r.id, f) for r in pack.evaluate_many(rows[:2500], as_of=AS_OF) for f in r.findings
    ]
    assert got == before and got[-1][0] > 2048  # the bad row's chunk: rows 2048-3071


def test_bad_rows_collected(pack):
    rows = [
        {"connection_count": 1},
        "not a row",
        {"bogus": 1},
        {"connection_count": 0, "situations": []},
    ]
    results = list(pack.evaluate_many(rows, errors="collect", as_of=AS_OF))
    assert [r.ok for r in results] == [True, False, False, True]
    assert "row 2" in str(results[1].error) and "row 3" in str(results[2].error)
    assert results[3].findings  # goes on after the bad rows


def test_reports_kept_when_asked(pack):
    (result,) = pack.evaluate_many([{"connection_count": 0}], reports=True, as_of="2026-11-01")
    assert isinstance(result, MemberResult) and result.report is not None
    assert result.report.as_of == AS_OF
    assert result.report.findings == result.findings


def test_params_apply_to_every_member(pack):
    rows = [
        {"id": str(i), "connection_count": 0, "joined_on": "2026-09-01", "situations": []}
        for i in range(3)
    ]
    default = list(pack.evaluate_many(rows, as_of=AS_OF))
    shorter = list(pack.evaluate_many(rows, as_of=AS_OF, params={"new_account_window": "1 month"}))
    for one, other in zip(default, shorter, strict=True):
        assert [f.rule for f in one.findings] == ["zero-connections-acceptable"]
        assert [f.rule for f in other.findings] == ["zero-connections"]


def test_tables_of_rows(pack):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {"id": ["x", "y"], "connection_count": [0, 900], "industry": ["Legal", None]}
    )
    results = list(pack.evaluate_many(frame, as_of=AS_OF))
    assert [r.id for r in results] == ["x", "y"]
    direct = pack.evaluate({"member": {"connection_count": 0, "industry": "Legal"}}, as_of=AS_OF)
    assert keyed(results[0].findings) == keyed(direct.findings)


def test_arrow_table(pack):
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"id": ["x", "y"], "connection_count": [0, 900]})
    results = list(pack.evaluate_many(table, as_of=AS_OF))
    assert [r.id for r in results] == ["x", "y"]


def test_result_rows_are_flat(pack):
    (result,) = pack.evaluate_many(
        [{"id": "m1", "connection_count": 0, "situations": []}], as_of=AS_OF
    )
    rows = list(result_rows(result))
    assert rows and all(r["member"] == "m1" for r in rows)
    assert set(rows[0]) == {
        "member",
        "rule",
        "severity",
        "category",
        "subject_kind",
        "subject_id",
        "message",
        "evidence",
    }


def test_pandas_rows_are_converted_column_by_column_as_row_by_row():
    """The column-wise conversion of a frame gives the values the row-wise one gave:
    missing values (NaN, NaT, None, pd.NA) unknown, timestamps ISO dates, numpy scalars
    of object columns unboxed, every dtype kept as pandas hands it over."""
    pandas = pytest.importorskip("pandas")
    numpy = pytest.importorskip("numpy")
    from netrules.batch import _pandas_rows, _pandas_value

    frame = pandas.DataFrame(
        {
            "id": ["a", "b", None, "d"],
            "connection_count": [1, 2, 3, 4],
            "ratio": [1.5, float("nan"), 2.0, 3.0],
            "job_seeking": [True, False, True, True],
            "mixed": ["x", None, numpy.int64(5), float("nan")],
            "joined_on": pandas.to_datetime(["2020-01-01", None, "2021-05-06", "2022-01-01"]),
            "text": pandas.array(["p", None, "q", "r"], dtype="string"),
            "count": pandas.array([1, None, 3, 4], dtype="Int64"),
            "situations": [["career-break"], [], None, ["x"]],
        }
    )
    by_row = [{k: _pandas_value(v) for k, v in r.items()} for r in frame.to_dict("records")]
    by_column = _pandas_rows(frame)
    assert by_column == by_row
    for old, new in zip(by_row, by_column, strict=True):
        assert [type(v) for v in old.values()] == [type(v) for v in new.values()]
    twice = pandas.DataFrame([[1, 2]], columns=["connection_count", "connection_count"])
    assert _pandas_rows(twice) == [
        {k: _pandas_value(v) for k, v in r.items()} for r in twice.to_dict("records")
    ]


def test_tables_give_what_their_rows_give(pack):
    pa = pytest.importorskip("pyarrow")
    pytest.importorskip("pandas")
    rows = [
        {"id": f"m{n}", "connection_count": n * 13 % 1200, "career_level": level}
        for n, level in enumerate(["senior", "entry", "executive"] * 900)
    ]
    expected = list(pack.evaluate_many(rows, as_of=AS_OF))
    table = pa.Table.from_pylist(rows)
    for source in (table, table.to_pandas()):
        assert list(pack.evaluate_many(source, as_of=AS_OF)) == expected
        assert list(pack.evaluate_many(source, as_of=AS_OF).findings()) == list(
            pack.evaluate_many(rows, as_of=AS_OF).findings()
        )


def test_polars_frame_gives_what_its_rows_give(pack):
    """A polars DataFrame (issue 15 names it beside pandas): its rows, nulls as missing
    values, dates as dates, evaluate as the same dicts do."""
    polars = pytest.importorskip("polars")
    rows = [
        {
            "id": f"m{n}",
            "connection_count": None if n % 7 == 0 else n * 13 % 1200,
            "career_level": level,
            "industry": None if n % 5 == 0 else "Legal",
            "joined_on": _dt.date(2010 + n % 15, 1 + n % 12, 1),
        }
        for n, level in enumerate(["senior", "entry", "executive"] * 300)
    ]
    frame = polars.DataFrame(rows)
    assert list(pack.evaluate_many(frame, as_of=AS_OF)) == list(
        pack.evaluate_many(rows, as_of=AS_OF)
    )
    found = list(pack.evaluate_many(frame, as_of=AS_OF).findings())
    assert found and found == list(pack.evaluate_many(rows, as_of=AS_OF).findings())


def test_tables_without_columns_or_with_one():
    pa = pytest.importorskip("pyarrow")
    from netrules.batch import iter_rows

    for table in (pa.table({"connection_count": [1, 2]}), pa.table({"a": [1]}).drop(["a"])):
        assert list(iter_rows(table)) == table.to_pylist()
